/** keys create | list | revoke: API keys bound to one user (admin). */
import { TARGET_OPTIONS, parseCommand } from './args.js';
import { dispatch, type Command, type Subcommand } from './command.js';
import type { Io } from './io.js';
import { isoTime, printJson, printTable } from './output.js';
import { withTarget } from './target.js';

const OPTIONS = { url: TARGET_OPTIONS.url, 'api-key': TARGET_OPTIONS['api-key'], json: TARGET_OPTIONS.json } as const;

async function create(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { ...OPTIONS, label: { type: 'string' } },
    { min: 0, max: 1, names: 'at most one user id' },
  );
  const user = positionals[0] ?? null;
  const k = await withTarget(values, io, (api) => api.createApiKey(user, values.label));
  if (values.json) printJson(io, k);
  else {
    io.out(k.key);
    io.err(`key ${k.id} for ${k.user_id ?? '(default user)'}; the secret above is shown only once`);
  }
  return 0;
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(args, OPTIONS, { min: 0, max: 0, names: '' });
  const keys = await withTarget(values, io, (api) => api.listApiKeys());
  if (values.json) printJson(io, keys);
  else
    printTable(
      io,
      ['id', 'user', 'label', 'created', 'last used', 'revoked'],
      keys.map((k) => [
        k.id,
        k.user_id ?? '(default)',
        k.label ?? '',
        isoTime(k.created_at),
        isoTime(k.last_used_at),
        isoTime(k.revoked_at),
      ]),
      'no keys',
    );
  return 0;
}

async function revoke(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, OPTIONS, { min: 1, max: 1, names: 'a key id' });
  const id = positionals[0]!;
  await withTarget(values, io, (api) => api.revokeApiKey(id));
  if (values.json) printJson(io, { ok: true, id });
  else io.out(`revoked ${id}`);
  return 0;
}

const SUBCOMMANDS: Record<string, Subcommand> = { create, list, revoke };

export const keysCommand: Command = {
  summary: 'API keys: create | list | revoke',
  help: `usage: openmemory keys <subcommand> [options]
  create [USER_ID] [--label L]  a key acting only for USER_ID (none = the default user); prints the secret once
  list                          every key (never the secrets)
  revoke KEY_ID                 stop a key from working
  --url URL, --api-key KEY      manage the keys of a server (needs the admin key)
  --json                        print JSON for scripts`,
  run: dispatch('keys', SUBCOMMANDS),
};
