/** export / import: JSON Lines dumps of memories (optionally with vectors) of the local database. */
import { closeSync, createReadStream, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { openPrivateForWriting } from '../../store/private-files.js';
import { userScope } from '../../store/scope.js';
import { TARGET_OPTIONS, UsageError, parseCommand } from './args.js';
import type { Command } from './command.js';
import type { Io } from './io.js';
import { count, printJson } from './output.js';
import { startProgress } from './progress.js';
import { withLocalEngine, type TargetFlags } from './target.js';
import { exportMemories } from '../../engine/transfer/export.js';
import { importMemories, validateImport, type LineSource } from '../../engine/transfer/import.js';

export const EXPORT_OPTIONS = {
  ...TARGET_OPTIONS,
  'with-vectors': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

export const EXPORT_HELP = `
  --with-vectors   include the embeddings (base64 float32), so an import needs no embedder
  -o, --output F   write to file F instead of stdout`;

/** Writes to the file (owner-only: it holds users' memories), or to stdout through `io`. */
function lineWriter(io: Io, file: string | undefined): { write: (line: string) => void; close: () => void } {
  if (file === undefined) return { write: (line) => io.out(line), close: () => {} };
  const fd = openPrivateForWriting(file);
  return { write: (line) => void writeSync(fd, `${line}\n`), close: () => closeSync(fd) };
}

interface ExportFlags extends TargetFlags {
  'with-vectors'?: boolean | undefined;
  output?: string | undefined;
}

export async function runExport(io: Io, values: ExportFlags, users: Array<string | null> | undefined): Promise<number> {
  if (values.url !== undefined) throw new UsageError('export works on the local database only (drop --url)');
  const out = lineWriter(io, values.output);
  try {
    const written = await withLocalEngine(values, io, async (engine) => {
      const total = users
        ? (await Promise.all(users.map((u) => engine.store.countMemories(userScope(u))))).reduce((a, b) => a + b, 0)
        : await engine.store.adminCountMemories();
      const bar = startProgress(io, 'export', total);
      const n = await exportMemories(engine.store, { ...(users ? { users } : {}), withVectors: values['with-vectors'] ?? false, write: out.write, onMemory: () => bar.tick() });
      bar.finish();
      return n;
    });
    if (values.output !== undefined) io.err(`exported ${count(written, 'memory', 'memories')} to ${values.output}`);
  } finally {
    out.close();
  }
  return 0;
}

const exportCommand: Command = {
  summary: 'write memories as JSON Lines (all users, or --user)',
  help: `usage: openmemory export [options]
  --user ID        only this user${EXPORT_HELP}`,
  async run(args, io) {
    const { values } = parseCommand(args, EXPORT_OPTIONS, { min: 0, max: 0, names: '' });
    return runExport(io, values, values.user === undefined ? undefined : [values.user]);
  },
};

async function* fileLines(path: string): AsyncGenerator<string> {
  yield* createInterface({ input: createReadStream(path), crlfDelay: Infinity });
}

/** Standard input can be read once, so it is kept for the second pass. */
async function stdinSource(): Promise<LineSource> {
  const kept: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) kept.push(line);
  return async function* () {
    yield* kept;
  };
}

const importCommand: Command = {
  summary: 'load a JSON Lines export (file or - for stdin) into the local database',
  help: `usage: openmemory import <file|-> [--json]
  Every line is checked before anything is written; memories keep their ids, users, times and
  salience. Lines without vectors are embedded with the configured provider. Ids already present
  are skipped; user summaries are restored for users the database does not have yet.`,
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { json: TARGET_OPTIONS.json, url: TARGET_OPTIONS.url }, { min: 1, max: 1, names: 'a file (or - for stdin)' });
    const file = positionals[0]!;
    const source: LineSource = file === '-' ? await stdinSource() : () => fileLines(file);
    const total = await validateImport(source);
    const report = await withLocalEngine(values, io, async (engine) => {
      const bar = startProgress(io, 'import', total);
      const r = await importMemories(engine, source, () => bar.tick());
      bar.finish();
      return r;
    });
    if (values.json) printJson(io, report);
    else
      io.out(
        `imported ${count(report.imported, 'memory', 'memories')} (${report.embedded} embedded now, ${report.skipped} already present), ${count(report.links, 'link', 'links')}, ${count(report.users, 'user summary', 'user summaries')}`,
      );
    return 0;
  },
};

export const TRANSFER_COMMANDS: Record<string, Command> = { export: exportCommand, import: importCommand };
