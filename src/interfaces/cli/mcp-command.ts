/** `openmemory mcp`: the MCP server on stdio over the local database. */
import { loadConfig } from '../../config.js';
import { Memory } from '../../engine/memory.js';
import { createLogger } from '../../log.js';
import { serveMcpStdio } from '../mcp/stdio.js';
import { parseCommand } from './args.js';
import type { Command } from './command.js';
import { cliEnv } from './target.js';

export const mcpCommand: Command = {
  summary: 'run the MCP server on stdin/stdout (local database; tools take user_id)',
  help: `usage: openmemory mcp
  Speaks MCP on stdin/stdout; logs go to stderr. Configure the database with OM_* variables.`,
  async run(args, io) {
    parseCommand(args, {}, { min: 0, max: 0, names: '' });
    const config = loadConfig(cliEnv(io));
    const log = createLogger(config.logLevel);
    const engine = await Memory.open({ config, logger: log });
    try {
      await serveMcpStdio(engine, log);
    } finally {
      await engine.close();
    }
    return 0;
  },
};
