/**
 * `node --import tsx bench/engine-queries.ts [--users 10] [--queries 3000] [--rounds 6] [--concurrency 8]`
 *
 * The engine's own cost per query, without HTTP or threads: the engine opened in this process on
 * a SQLite file of `users` × 1,000 generated memories (made on the first run, kept in the temp
 * directory for the next), then rounds of needle queries. A round's figures move less between
 * runs than the HTTP bench's, so a change to the ranking path can be compared back to back.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { loadConfig } from '../src/config.js';
import { Memory } from '../src/engine/memory.js';
import { userScope } from '../src/store/scope.js';
import { rng, userCorpus, type Needle } from './corpus.js';
import { runConcurrent } from './load.js';

// As the server process runs (src/interfaces/cli/main.ts).
v8.setFlagsFromString('--no-allocation-site-pretenuring');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const users = option('users', 10);
const queries = option('queries', 3000);
const rounds = option('rounds', 6);
const concurrency = option('concurrency', 8);

const file = path.join(os.tmpdir(), `om-engine-queries-${users}x1000.sqlite`);
const fresh = !existsSync(file);
const config = loadConfig({
  OM_METADATA_BACKEND: 'sqlite',
  OM_DB_PATH: file,
  OM_LOG_LEVEL: 'warn',
  OM_DECAY_INTERVAL_MINUTES: '0',
  OM_USER_SUMMARY_INTERVAL: '0',
});
const engine = await Memory.open({ config, jobs: false });
const needles: Needle[] = [];
for (let u = 0; u < users; u++) {
  const corpus = userCorpus(`user-${u}`, 1000, 20, 1000 + u);
  needles.push(...corpus.needles);
  if (fresh)
    for (let i = 0; i < corpus.items.length; i += 500)
      await engine.addMany(userScope(`user-${u}`), corpus.items.slice(i, i + 500));
}
const r = rng(4242);
const plan = Array.from({ length: queries }, () => needles[Math.floor(r() * needles.length)]!);
console.log(
  `${file}: ${users} users x 1,000 memories${fresh ? ' (generated now)' : ''}; ${queries} queries a round at concurrency ${concurrency}`,
);
for (let round = 0; round < rounds; round++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await runConcurrent(plan.length, concurrency, async (i) => {
    await engine.query(userScope(plan[i]!.user), { query: plan[i]!.query, k: 10 });
  });
  // The round's query reinforcements are part of its cost.
  await engine.settle();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(
    `round ${round}: ${(wallMs / queries).toFixed(3)} ms a query, CPU ${((used.user + used.system) / 1000 / queries).toFixed(3)} ms a query`,
  );
}
await engine.close();
