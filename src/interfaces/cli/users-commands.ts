/** users list | summary | erase | export. */
import { storedUserScope } from '../../store/scope.js';
import { TARGET_OPTIONS, UsageError, parseCommand } from './args.js';
import { TARGET_HELP, dispatch, type Command, type Subcommand } from './command.js';
import type { Io } from './io.js';
import { count, isoTime, printJson, printRecord, printTable } from './output.js';
import { withLocalEngine, withTarget } from './target.js';
import { EXPORT_HELP, EXPORT_OPTIONS, runExport } from './transfer-commands.js';

const USER_ARG = { min: 0, max: 1, names: 'at most one user id' };
const DEFAULT_USER = { 'default-user': { type: 'boolean' } } as const;

/** A user named by argument, by --user, or (`--default-user`) the default user; `undefined` if none. */
function namedUser(
  positional: string | undefined,
  values: { user?: string | undefined; 'default-user'?: boolean | undefined },
): string | null | undefined {
  const given = [positional, values.user, values['default-user'] ? null : undefined].filter((v) => v !== undefined);
  if (given.length > 1) throw new UsageError('name the user once (argument, --user or --default-user)');
  return given[0];
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, TARGET_OPTIONS, { min: 0, max: 0, names: '' });
  const rows = await withLocalEngine(values, io, async (engine) => {
    const users = await engine.adminListUsers();
    return Promise.all(
      users.map(async (u) => ({ user_id: u, memories: (await engine.userStats(storedUserScope(u))).memories })),
    );
  });
  if (values.json) printJson(io, rows);
  else
    printTable(
      io,
      ['user', 'memories'],
      rows.map((r) => [r.user_id ?? '(default)', String(r.memories)]),
      'no users',
    );
  return 0;
}

async function summary(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { ...TARGET_OPTIONS, ...DEFAULT_USER, regenerate: { type: 'boolean' } },
    USER_ARG,
  );
  const user = namedUser(positionals[0], values);
  const s = await withTarget(values, io, (api) =>
    values.regenerate ? api.regenerateUserSummary(user) : api.userSummary(user),
  );
  if (values.json) printJson(io, s);
  else
    printRecord(io, {
      user: s.user_id ?? '(default)',
      updated: isoTime(s.updated_at),
      reflections: String(s.reflection_count),
      summary: s.summary,
    });
  return 0;
}

async function erase(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { ...TARGET_OPTIONS, ...DEFAULT_USER, yes: { type: 'boolean' } },
    USER_ARG,
  );
  const user = namedUser(positionals[0], values);
  if (user === undefined) throw new UsageError('name the user to erase (or --default-user)');
  if (!values.yes) throw new UsageError('erasing deletes every memory of the user; add --yes to confirm');
  const counts = await withTarget(values, io, (api) => api.deleteUser(user));
  if (values.json) printJson(io, { user_id: user, ...counts });
  else {
    const { memories, vectors, waypoints, apiKeys } = counts;
    const what = `${count(memories, 'memory', 'memories')}, ${count(vectors, 'vector', 'vectors')}, ${count(waypoints, 'link', 'links')}, ${count(apiKeys, 'API key', 'API keys')}`;
    io.out(`erased ${user ?? '(default user)'}: ${what}`);
  }
  return 0;
}

async function exportUser(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...EXPORT_OPTIONS, ...DEFAULT_USER }, USER_ARG);
  const user = namedUser(positionals[0], values);
  if (user === undefined) throw new UsageError('name the user to export (or --default-user)');
  return runExport(io, values, [user]);
}

const SUBCOMMANDS: Record<string, Subcommand> = { list, summary, erase, export: exportUser };

export const usersCommand: Command = {
  summary: 'users: list | summary | erase | export',
  help: `usage: openmemory users <subcommand> [options]
  list                         every user with a memory count (local database)
  summary [ID] [--regenerate]  the user's summary
  erase ID --yes               delete every memory, link, API key and the summary of the user
  export ID [options]          the user's memories as JSON Lines (local database)${EXPORT_HELP}
  --default-user               name the default user instead of ID${TARGET_HELP}`,
  run: dispatch('users', SUBCOMMANDS),
};
