/** stats: counts of the local database, for every user or one (`--user`). */
import { userScope } from '../../store/scope.js';
import { TARGET_OPTIONS, parseCommand } from './args.js';
import type { Command } from './command.js';
import { fixed, isoTime, printJson, printRecord, printTable } from './output.js';
import { withLocalEngine } from './target.js';

export const statsCommand: Command = {
  summary: 'memory, vector and sector counts (all users, or --user)',
  help: `usage: openmemory stats [--user ID] [--json]
  Without --user: users, memories, sectors and embedding models of the whole database.`,
  async run(args, io) {
    const { values } = parseCommand(
      args,
      { user: TARGET_OPTIONS.user, json: TARGET_OPTIONS.json, url: TARGET_OPTIONS.url },
      { min: 0, max: 0, names: '' },
    );
    return withLocalEngine(values, io, async (engine) => {
      if (values.user !== undefined) {
        const s = await engine.userStats(userScope(values.user));
        if (values.json) printJson(io, { user_id: values.user, ...s });
        else {
          printRecord(io, {
            user: values.user,
            memories: String(s.memories),
            vectors: String(s.vectors),
            links: String(s.waypoints),
            'avg salience': fixed(s.avgSalience),
            'last 24h': String(s.createdLast24h),
            'last created': isoTime(s.lastCreatedAt),
          });
          printTable(
            io,
            ['sector', 'memories', 'avg salience'],
            s.sectors.map((x) => [x.sector, String(x.count), fixed(x.avgSalience)]),
          );
        }
        return 0;
      }
      const [users, memories, sectors, models] = await Promise.all([
        engine.adminListUsers(),
        engine.store.adminCountMemories(),
        engine.adminSectorStats(),
        engine.store.adminVectorModels(),
      ]);
      if (values.json) printJson(io, { users: users.length, memories, sectors, models, store: engine.store.location });
      else {
        printRecord(io, { store: engine.store.location, users: String(users.length), memories: String(memories) });
        printTable(
          io,
          ['sector', 'memories', 'avg salience'],
          sectors.map((x) => [x.sector, String(x.count), fixed(x.avgSalience)]),
        );
        printTable(
          io,
          ['model', 'dim', 'vectors'],
          models.map((m) => [m.model ?? '(upstream)', String(m.dim), String(m.vectors)]),
        );
      }
      return 0;
    });
  },
};
