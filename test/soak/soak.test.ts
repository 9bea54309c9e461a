/**
 * Soak: mixed reads and writes at 16 concurrent clients against a real server; zero errors and a
 * resident set that stops growing (median VmRSS of the last third within a tolerance of the
 * middle third). `npm test` runs ~20 s on SQLite; `npm run test:soak` sets OM_SOAK_SECONDS for a
 * run of a few minutes and OM_SOAK_BACKENDS=sqlite,postgres.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { rssThirds, runSoak } from './run.js';

const SECONDS = Number(process.env.OM_SOAK_SECONDS ?? 20);
const BACKENDS = (process.env.OM_SOAK_BACKENDS ?? 'sqlite').split(',');
const CLIENTS = 16;
/** Growth allowed from the middle to the last third: GC timing alone moves RSS by a few MB. */
const RSS_TOLERANCE = { ratio: 1.1, kb: 16 * 1024 };

for (const backend of BACKENDS) {
  test(`soak on ${backend}: ${CLIENTS} clients for ${SECONDS} s, zero errors, RSS stops growing`, {
    timeout: (SECONDS + 120) * 1000,
  }, async () => {
    const tmp = tmpDir('om-soak-');
    const pg = backend === 'postgres' ? await freshPgSchema('soak') : null;
    const env: Record<string, string> = pg
      ? { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema }
      : { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
    try {
      const r = await runSoak({ env, durationMs: SECONDS * 1000, clients: CLIENTS, sampleEveryMs: 250 });
      const rss = rssThirds(r.rssKb);
      console.log(
        `[soak ${backend}] ${r.requests} requests (${r.requestsPerSecond}/s) ${JSON.stringify(r.byOp)}; errors ${r.errors.length}; ` +
          `VmRSS median middle third ${Math.round(rss.middle / 1024)} MB, last third ${Math.round(rss.last / 1024)} MB, max ${Math.round(Math.max(...r.rssKb) / 1024)} MB (${r.rssKb.length} samples)`,
      );
      assert.deepEqual(r.errors.slice(0, 10), [], `${r.errors.length} errors`);
      assert.ok(r.rssKb.length >= 12, `only ${r.rssKb.length} RSS samples`);
      assert.ok(
        rss.last <= rss.middle * RSS_TOLERANCE.ratio + RSS_TOLERANCE.kb,
        `RSS still growing: ${rss.middle} kB -> ${rss.last} kB`,
      );
    } finally {
      await pg?.drop();
      tmp.cleanup();
    }
  });
}
