/** export / import: JSON Lines dumps of memories (optionally with vectors) of the local database. */
import { closeSync, createReadStream, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileCheckpoint } from '../../features/import/checkpoint.js';
import { PROVIDERS } from '../../features/import/providers.js';
import { runImport } from '../../features/import/runner.js';
import { openPrivateForWriting } from '../../store/private-files.js';
import { userKey, userScope } from '../../store/scope.js';
import { TARGET_OPTIONS, UsageError, numberOption, parseCommand } from './args.js';
import type { Command } from './command.js';
import type { Io } from './io.js';
import { count, printJson } from './output.js';
import { startProgress, type Progress } from './progress.js';
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
      const n = await exportMemories(engine.store, {
        ...(users ? { users } : {}),
        withVectors: values['with-vectors'] ?? false,
        write: out.write,
        onMemory: () => bar.tick(),
      });
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

const SERVICE_OPTIONS = {
  ...TARGET_OPTIONS,
  from: { type: 'string' },
  'source-user': { type: 'string' },
  'base-url': { type: 'string' },
  state: { type: 'string' },
  'page-size': { type: 'string' },
} as const;

type ServiceFlags = ReturnType<typeof parseCommand<typeof SERVICE_OPTIONS>>['values'];

/** `import --from SERVICE`: one user's memories from another service into `--user` of the local database. */
async function runServiceImport(io: Io, values: ServiceFlags): Promise<number> {
  const from = values.from!;
  const provider = PROVIDERS[from];
  if (!provider) throw new UsageError(`--from must be one of ${Object.keys(PROVIDERS).join(', ')}`);
  const configured = provider.urlEnv === null ? undefined : io.env[provider.urlEnv];
  const baseUrl = provider.baseUrl === null ? values.url : (values['base-url'] ?? configured ?? provider.baseUrl);
  if (baseUrl === undefined) throw new UsageError(`--from ${from} needs --url http://host:port of the server to read`);
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError('the service address must be an http(s) URL');
  const apiKey = values['api-key'] ?? io.env[provider.keyEnv] ?? '';
  if (provider.keyRequired && apiKey === '') {
    throw new UsageError(`set ${provider.keyEnv} to the ${from} API key (or pass --api-key)`);
  }
  const sourceUser = values['source-user'] ?? values.user ?? null;
  if (provider.userRequired && sourceUser === null) {
    throw new UsageError(`--from ${from} needs --user (or --source-user) to name whose memories to read`);
  }
  const scope = userScope(values.user);
  const stateName = `.openmemory-import-${from}-${encodeURIComponent(userKey(scope) || 'default')}.json`;
  const statePath = path.resolve(values.state ?? stateName);
  const pageSize = numberOption(values['page-size'], 'page-size', 1, 1000, true) ?? 100;
  const source = provider.create({ baseUrl, apiKey, user: sourceUser, pageSize });
  const report = await withLocalEngine({}, io, async (engine) => {
    let bar: Progress | null = null;
    let seen = 0;
    const run = runImport({
      source,
      target: engine,
      scope,
      checkpoint: fileCheckpoint(statePath),
      key: `${from} ${baseUrl} ${sourceUser ?? '(default)'} -> ${userKey(scope) || '(default)'}`,
      onPage: (p) => {
        bar ??= startProgress(io, `import ${from}`, p.total);
        const done = p.imported + p.skipped + p.rejected;
        bar.tick(done - seen);
        seen = done;
      },
    });
    // The bar's line ends before anything else is printed, whichever way the import ends.
    const ended = () => (bar as Progress | null)?.finish();
    return run.then(
      (r) => {
        ended();
        return r;
      },
      (err: unknown) => {
        ended();
        io.err(`import stopped; rerun the same command to resume (state in ${statePath})`);
        throw err;
      },
    );
  });
  if (values.json) printJson(io, report);
  else {
    const resumed = report.resumed ? ' (resumed)' : '';
    const { imported, skipped, rejected } = report;
    io.out(`imported ${imported} memories from ${from}${resumed}, ${skipped} already present, ${rejected} refused`);
  }
  return 0;
}

const importCommand: Command = {
  summary: "load a JSON Lines export (file or - for stdin), or another service's memories (--from)",
  help: `usage: openmemory import <file|-> [--json]
  Every line is checked before anything is written; memories keep their ids, users, times and
  salience. Lines without vectors are embedded with the configured provider. Ids already present
  are skipped; user summaries are restored for users the database does not have yet.

usage: openmemory import --from mem0|zep|supermemory|openmemory-url --user ID [options]
  Reads one user's memories from the service, a page (one transaction) at a time, into --user of
  the local database, with their times and metadata (the service's id in metadata.source_id).
  A rerun skips what is in already; an interrupted run resumes from its state file.
  --source-user ID  the user on the service (default: --user)
  --url URL         openmemory-url: the OpenMemory v1.2 server to read
  --api-key KEY     the service's key (default from MEM0_API_KEY, ZEP_API_KEY,
                    SUPERMEMORY_API_KEY or OPENMEMORY_API_KEY)
  --base-url URL    another address for the service (or MEM0_BASE_URL, ZEP_BASE_URL,
                    SUPERMEMORY_BASE_URL)
  --state FILE      checkpoint file (default .openmemory-import-<from>-<user>.json here)
  --page-size N     memories per page (1..1000, default 100)`,
  async run(args, io) {
    if (args.some((a) => a === '--from' || a.startsWith('--from='))) {
      return runServiceImport(io, parseCommand(args, SERVICE_OPTIONS, { min: 0, max: 0, names: '' }).values);
    }
    const { values, positionals } = parseCommand(
      args,
      { json: TARGET_OPTIONS.json, url: TARGET_OPTIONS.url },
      { min: 1, max: 1, names: 'a file (or - for stdin)' },
    );
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
