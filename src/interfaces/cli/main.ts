#!/usr/bin/env node
/**
 * The `openmemory` (alias `opm`) command. Exit codes scripts can trust: 0 ok, 1 error,
 * 2 usage error (bad command line or invalid input), 3 not found.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { ConfigError, OmError } from '../../errors.js';
import { UsageError } from './args.js';
import { alignHelp, type Command } from './command.js';
import type { Io } from './io.js';
import { keysCommand } from './keys-commands.js';
import { mcpCommand } from './mcp-command.js';
import { MIGRATE_HELP, migrateCommand } from './migrate.js';
import { MEMORY_COMMANDS } from './memory-commands.js';
import { reembedCommand } from './reembed.js';
import { serveCommand } from './serve-command.js';
import { statsCommand } from './stats-command.js';
import { TRANSFER_COMMANDS } from './transfer-commands.js';
import { usersCommand } from './users-commands.js';

export type { Io } from './io.js';

export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3 } as const;

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  migrate: {
    summary: 'upgrade the database schema: status | plan | up | verify',
    help: MIGRATE_HELP,
    run: migrateCommand,
  },
  mcp: mcpCommand,
  ...MEMORY_COMMANDS,
  users: usersCommand,
  keys: keysCommand,
  stats: statsCommand,
  ...TRANSFER_COMMANDS,
  reembed: {
    summary: 're-embed stored memories with the configured provider',
    help: `usage: openmemory reembed [--user ID | --default-user] [--sector S] [--batch N]
  Rewrites the vectors of the chosen memories with the OM_EMBEDDINGS provider; resumable.`,
    run: reembedCommand,
  },
};

/** package.json sits three levels up from both src/interfaces/cli and dist/interfaces/cli. */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}

function usage(write: (line: string) => void): void {
  write('usage: openmemory <command> [options]   (openmemory <command> --help for details)');
  for (const [name, c] of Object.entries(COMMANDS)) write(`  ${name.padEnd(10)} ${c.summary}`);
}

function report(err: unknown, command: string, io: Io): number {
  if (err instanceof UsageError) {
    io.err(`usage error: ${err.message} (see openmemory ${command} --help)`);
    return EXIT.usage;
  }
  if (err instanceof ConfigError) {
    io.err(`configuration error: ${err.message}`);
    return EXIT.error;
  }
  if (err instanceof OmError) {
    io.err(`${err.code}: ${err.message}`);
    if (err.code === 'not_found') return EXIT.notFound;
    return err.code === 'validation_error' ? EXIT.usage : EXIT.error;
  }
  io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.error;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    usage(name === undefined ? io.err : io.out);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`unknown command "${name}"`);
    usage(io.err);
    return EXIT.usage;
  }
  if (command.help !== undefined && (args.includes('--help') || args.includes('-h'))) {
    io.out(alignHelp(command.help));
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    return report(err, name, io);
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // The process is ours, so is its V8 (flags are process-wide, worker threads included). V8 moves
  // an allocation site's objects straight to the old generation once they tend to survive; loading
  // a user's memories makes the sites the query path shares with it look so, and every query then
  // left about 50 KB in the old generation, which grew to hundreds of MB between full collections.
  // Without pretenuring, 4 KB, and queries take 7% less time.
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  // A reader that stops early (`| head`) is not an error of ours: end quietly, as other tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const io: Io = {
    env: process.env,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    errIsTTY: process.stderr.isTTY === true,
    errInPlace: (text) => process.stderr.write(text === '\n' ? text : `\r\x1b[2K${text}`),
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
    // Normally nothing is left and the process ends now; a stray handle must not keep it alive.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
