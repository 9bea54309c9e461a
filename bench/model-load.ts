/**
 * `node --import tsx bench/model-load.ts [--memories 1000] [--repeat 15]`
 *
 * Where loading one user's model goes (the cost a user's first query pays): one user of
 * `memories` generated memories in a SQLite file (made on the first run, kept in the temp
 * directory), then the load's parts timed apart, each the least CPU time of `repeat` runs: the SQL
 * reads, decoding their rows, tokenising the contents, and building the model from decoded data
 * (rows and term index, vector indexes, links).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { canonicalTokens } from '../src/core/tokens.js';
import { Memory } from '../src/engine/memory.js';
import { UserModel } from '../src/store/cache/user-model.js';
import { loadModelData, type ModelData } from '../src/store/ops/model-data.js';
import { decodeRecallMemory, decodeSectorVector, decodeWaypoint, RECALL_COLUMNS } from '../src/store/rows.js';
import { userScope } from '../src/store/scope.js';
import { sqliteDialect } from '../src/store/sqlite/dialect.js';
import { SqliteDriver } from '../src/store/sqlite/driver.js';
import { userCorpus } from './corpus.js';

v8.setFlagsFromString('--no-allocation-site-pretenuring');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const memories = option('memories', 1000);
const repeat = option('repeat', 15);
const user = 'user-0';

const file = path.join(os.tmpdir(), `om-model-load-${memories}.sqlite`);
if (!existsSync(file)) {
  const config = loadConfig({
    OM_DB_PATH: file,
    OM_LOG_LEVEL: 'warn',
    OM_DECAY_INTERVAL_MINUTES: '0',
    OM_USER_SUMMARY_INTERVAL: '0',
  });
  const engine = await Memory.open({ config, jobs: false });
  const corpus = userCorpus(user, memories, Math.min(20, memories), 1000);
  for (let i = 0; i < corpus.items.length; i += 500)
    await engine.addMany(userScope(user), corpus.items.slice(i, i + 500));
  await engine.close();
}

const db = new Database(file, { readonly: true });
const driver = new SqliteDriver(db);
const where = 'WHERE user_id = ?';
const select = (text: string) => () => db.prepare(text).all(user) as Array<Record<string, unknown>>;
const sqlRows = select(`SELECT ${RECALL_COLUMNS.join(', ')} FROM memories ${where} ORDER BY rowid`);
const sqlVectors = select(`SELECT id, sector, v, model FROM vectors ${where} ORDER BY rowid`);
const sqlLinks = select(`SELECT src_id, dst_id, weight, created_at, updated_at FROM waypoints ${where}`);

/**
 * The least CPU time (this process's, user + system) of `repeat` runs: on a shared machine wall
 * time also counts the neighbours' turns, and the slower runs the garbage the earlier ones left.
 */
async function fastest(run: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

const rawRows = sqlRows();
const rawVectors = sqlVectors();
const rawLinks = sqlLinks();
// The first load in a process also compiles the code it runs: that is what a server's first users pay.
const cpu = process.cpuUsage();
const { epoch: firstEpoch, ...firstData } = await driver.read(loadModelData(sqliteDialect, userScope(user)));
new UserModel(firstEpoch, firstData);
const firstUsed = process.cpuUsage(cpu);
const data: ModelData & { epoch: number } = await driver.read(loadModelData(sqliteDialect, userScope(user)));
const empty = { rows: [], vectors: [], links: [] };
const figures: Array<[string, number]> = [
  ['first load in the process', (firstUsed.user + firstUsed.system) / 1000],
  [
    'whole load (read, decode, build)',
    await fastest(async () => {
      const { epoch, ...d } = await driver.read(loadModelData(sqliteDialect, userScope(user)));
      return new UserModel(epoch, d);
    }),
  ],
  ['  read + decode (loadModelData)', await fastest(() => driver.read(loadModelData(sqliteDialect, userScope(user))))],
  ['    SQL memories', await fastest(sqlRows)],
  ['    SQL vectors', await fastest(sqlVectors)],
  ['    SQL links', await fastest(sqlLinks)],
  ['    decode memories', await fastest(() => rawRows.map(decodeRecallMemory))],
  ['    decode vectors', await fastest(() => rawVectors.map(decodeSectorVector))],
  ['    decode links', await fastest(() => rawLinks.map(decodeWaypoint))],
  ['  build: all', await fastest(() => new UserModel(data.epoch, data))],
  ['    build: rows + term index', await fastest(() => new UserModel(data.epoch, { ...empty, rows: data.rows }))],
  ['      tokenise contents', await fastest(() => data.rows.map((r) => canonicalTokens(r.content)))],
  [
    '    build: vector indexes',
    await fastest(() => new UserModel(data.epoch, { ...empty, rows: data.rows, vectors: data.vectors })),
  ],
  [
    '    build: links',
    await fastest(() => new UserModel(data.epoch, { ...empty, rows: data.rows, links: data.links })),
  ],
];
console.log(
  `${file}: ${data.rows.length} memories, ${data.vectors.length} vectors, ${data.links.length} links; least CPU time of ${repeat} runs`,
);
for (const [name, ms] of figures) console.log(`${name.padEnd(38)} ${ms.toFixed(2).padStart(8)} ms`);
console.log('(vector indexes and links are shown with the rows they need: subtract "rows + term index")');
db.close();
