/** `openmemory mcp`: the MCP server on stdio over the local database. */
import { loadConfig, type Config } from '../../config.js';
import { Memory } from '../../engine/memory.js';
import { createLogger } from '../../log.js';
import { authenticate, resolveScope, type Caller } from '../http/auth.js';
import { serveMcpStdio } from '../mcp/stdio.js';
import { parseCommand, UsageError } from './args.js';
import type { Command } from './command.js';
import { cliEnv } from './target.js';

/** Who the session acts as: admin, the user named by --user, or whoever --api-key is (checked as the HTTP server does). */
async function sessionCaller(
  engine: Memory,
  config: Readonly<Config>,
  values: { user?: string | undefined; 'api-key'?: string | undefined },
): Promise<Exclude<Caller, { role: 'public' }>> {
  const admin: Caller = { role: 'admin', keyId: null };
  if (values.user !== undefined && values['api-key'] !== undefined)
    throw new UsageError('give --user or --api-key, not both');
  if (values.user !== undefined) return { role: 'user', scope: resolveScope(admin, values.user), keyId: 'stdio' };
  if (values['api-key'] === undefined) return admin;
  const caller = await authenticate(
    new Headers({ authorization: `Bearer ${values['api-key']}` }),
    config,
    engine.store,
  );
  if (caller.role === 'public') throw new UsageError('--api-key names no caller');
  return caller;
}

export const mcpCommand: Command = {
  summary: 'run the MCP server on stdin/stdout (local database; tools take user_id)',
  help: `usage: openmemory mcp [--user ID | --api-key KEY]
  Speaks MCP on stdin/stdout, one request at a time in the order sent; logs go to stderr.
  Configure the database with OM_* variables. Without options it acts as admin (tools name
  any user_id); --user ID or a user's --api-key KEY pins every tool to that one user.
  --user ID        act only as this user
  --api-key KEY    act as this key's user (the admin key: admin)`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { user: { type: 'string' }, 'api-key': { type: 'string' } },
      { min: 0, max: 0, names: '' },
    );
    const config = loadConfig(cliEnv(io));
    const log = createLogger(config.logLevel);
    const engine = await Memory.open({ config, logger: log });
    try {
      const caller = await sessionCaller(engine, config, values);
      // One line, so that a person who started it in a terminal sees it is waiting, not hung.
      io.err(
        `openmemory mcp: serving MCP on stdin/stdout for ${caller.role === 'admin' ? 'any user (admin)' : `user ${caller.scope.userId ?? '(default)'}`}; store ${engine.store.location}`,
      );
      await serveMcpStdio(engine, log, caller);
    } finally {
      await engine.close();
    }
    return 0;
  },
};
