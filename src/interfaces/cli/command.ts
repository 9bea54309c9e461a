/** One CLI command: a line for the command list, its `--help` text, and the runner (exit code). */
import { UsageError } from './args.js';
import type { Io } from './io.js';

export interface Command {
  summary: string;
  /** Printed for `--help`; a command without it answers `--help` itself. */
  help?: string;
  run: (args: string[], io: Io) => Promise<number>;
}

export const TARGET_HELP = `
  --user ID        act for this user (default: the default user; a user key acts for its own)
  --url URL        run against a server instead of the local database (OM_* environment)
  --api-key KEY    API key for --url (default: OM_API_KEY, which keeps it out of \`ps\`)
  --json           print JSON for scripts`;

/**
 * Help text with its option and subcommand lines (`  term  description`) aligned to one column,
 * so pieces written in different files (the shared options) read as one table.
 */
export function alignHelp(text: string): string {
  const row = /^ {2}(\S(?:.*?\S)?) {2,}(\S.*)$/;
  const lines = text.split('\n');
  const terms = lines.map((l) => row.exec(l)?.[1]?.length ?? 0);
  const width = Math.max(...terms);
  return lines
    .map((l) => {
      const m = row.exec(l);
      return m ? `  ${m[1]!.padEnd(width)}  ${m[2]}` : l;
    })
    .join('\n');
}

export type Subcommand = (args: string[], io: Io) => Promise<number>;

/** The runner of a command group (`users list`, `keys create`, ...). */
export function dispatch(group: string, table: Record<string, Subcommand>): Command['run'] {
  return (args, io) => {
    const [sub, ...rest] = args;
    const run = sub !== undefined && Object.hasOwn(table, sub) ? table[sub] : undefined;
    if (!run)
      throw new UsageError(
        `unknown ${group} subcommand${sub ? ` "${sub}"` : ''}; try: ${Object.keys(table).join(', ')}`,
      );
    return run(rest, io);
  };
}
