/**
 * Restores a plain-format `pg_dump` file without psql (not installed everywhere): psql meta
 * lines (`\restrict`, `\connect`, …) are skipped, SQL statements run as they are, and each
 * `COPY … FROM stdin` block becomes batched multi-row INSERTs. Schema names can be mapped
 * (e.g. `public` → a fresh test schema) so every test restores into a schema of its own.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

export interface RestoreOptions {
  /** Schema renames applied to statements and COPY targets (not to data). */
  schemaMap?: Record<string, string>;
  /** Rows per INSERT (also kept under the 65,535 bound-parameter limit). */
  batchRows?: number;
}

export interface RestoreResult {
  statements: number;
  /** Rows inserted per COPY target (as mapped). */
  rows: Record<string, number>;
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One field of COPY text format: `\N` is NULL; backslash escapes as documented for COPY. */
export function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x' && e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}

function mapSchemas(text: string, map: Record<string, string>): string {
  let out = text;
  for (const [from, to] of Object.entries(map)) {
    const target = `"${to.replace(/"/g, '""')}"`;
    out = out.replace(new RegExp(`(^|[\\s(,'])"?${from}"?\\.`, 'g'), `$1${target}.`);
    out = out.replace(new RegExp(`^(CREATE SCHEMA(?: IF NOT EXISTS)?) "?${from}"?;`, 'i'), `$1 ${target};`);
  }
  return out;
}

/** Quote state carried across lines, so `;` inside literals or dollar-quoted bodies does not end a statement. */
class QuoteScanner {
  private single = false;
  private dollar: string | null = null;

  feed(line: string): void {
    for (let i = 0; i < line.length; i++) {
      if (this.dollar) {
        if (line.startsWith(this.dollar, i)) {
          i += this.dollar.length - 1;
          this.dollar = null;
        }
      } else if (this.single) {
        if (line[i] === "'") this.single = false;
      } else if (line[i] === "'") this.single = true;
      else if (line[i] === '$') {
        const tag = /^\$[A-Za-z_]*\$/.exec(line.slice(i));
        if (tag) {
          this.dollar = tag[0];
          i += tag[0].length - 1;
        }
      } else if (line.startsWith('--', i)) return;
    }
  }

  get open(): boolean {
    return this.single || this.dollar !== null;
  }
}

const COPY = /^COPY\s+(.+?)\s*\(([^)]*)\)\s+FROM\s+stdin;\s*$/i;

export async function restorePgDump(url: string, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const map = options.schemaMap ?? {};
  const batchRows = options.batchRows ?? 500;
  const lines = readFileSync(file, 'utf8').split('\n');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const result: RestoreResult = { statements: 0, rows: {} };
  try {
    await client.query('BEGIN');
    let buffer: string[] = [];
    const scanner = new QuoteScanner();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (buffer.length === 0 && (line.startsWith('--') || line.startsWith('\\') || line.trim() === '')) continue;
      const copy = buffer.length === 0 ? COPY.exec(line) : null;
      if (copy) {
        const table = mapSchemas(copy[1]!, map);
        const rows: Array<Array<string | null>> = [];
        while (lines[++i] !== '\\.' && i < lines.length) rows.push(lines[i]!.split('\t').map(copyField));
        await insertRows(client, table, copy[2]!, rows, batchRows);
        result.rows[table] = (result.rows[table] ?? 0) + rows.length;
        continue;
      }
      buffer.push(line);
      scanner.feed(line);
      if (!scanner.open && line.trimEnd().endsWith(';')) {
        await client.query(mapSchemas(buffer.join('\n'), map));
        result.statements++;
        buffer = [];
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
  return result;
}

async function insertRows(
  client: pg.Client,
  table: string,
  columns: string,
  rows: Array<Array<string | null>>,
  batchRows: number,
) {
  const width = columns.split(',').length;
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(65_535 / width)));
  for (let start = 0; start < rows.length; start += perBatch) {
    const batch = rows.slice(start, start + perBatch);
    const values = batch.map(
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    );
    await client.query(`INSERT INTO ${table} (${columns}) VALUES ${values.join(', ')}`, batch.flat());
  }
}

/** Convenience for tests: restore `file` with `public` mapped to `schema`. */
export function restoreIntoSchema(url: string, file: string, schema: string): Promise<RestoreResult> {
  return restorePgDump(url, file, { schemaMap: { public: schema } });
}
