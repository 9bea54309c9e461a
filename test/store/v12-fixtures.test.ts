/**
 * Native v1.2 databases (the v1.2 fixtures, see ../upgrade/fixtures.ts) upgraded in place: every memory stays readable
 * under its owner with unchanged content, links and vectors end up owned by their memory's user,
 * v1.2's junk link rows are repaired or dropped (and counted), and a second run does nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { termTokens } from '../../src/core/tokens.js';
import { openBackend } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { freshPgSchema } from '../helpers/pg.js';
import { restoreIntoSchema } from '../helpers/pg-dump.js';
import { tmpDir } from '../helpers/tmp.js';
import { fixturesDir } from '../upgrade/fixtures.js';

const fixtures = path.join(fixturesDir, 'v1.2');

interface ManifestMemory {
  id: string;
  content_sha256: string;
  user_id: string | null;
}
const manifest = JSON.parse(readFileSync(path.join(fixtures, 'manifest.json'), 'utf8')) as {
  files: Record<string, { memories: ManifestMemory[] }>;
};

interface Prepared {
  env: Record<string, string>;
  tables: { memories: string; vectors: string; waypoints: string };
  query(text: string): Promise<Array<Record<string, unknown>>>;
  cleanup(): Promise<void>;
}

const CASES: Array<{ file: string; prepare(): Promise<Prepared> }> = [
  {
    file: 'openmemory-v1.2.sqlite',
    async prepare() {
      const t = tmpDir('om-v12-');
      const file = path.join(t.dir, 'openmemory-v1.2.sqlite');
      copyFileSync(path.join(fixtures, 'openmemory-v1.2.sqlite'), file);
      return {
        env: { OM_METADATA_BACKEND: 'sqlite', OM_DB_PATH: file, OM_LOG_LEVEL: 'silent' },
        tables: { memories: 'memories', vectors: 'vectors', waypoints: 'waypoints' },
        async query(text) {
          const db = new Database(file, { readonly: true });
          try {
            return db.prepare(text).all() as Array<Record<string, unknown>>;
          } finally {
            db.close();
          }
        },
        cleanup: async () => t.cleanup(),
      };
    },
  },
  {
    file: 'pg-public.sql',
    async prepare() {
      const s = await freshPgSchema('v12');
      await restoreIntoSchema(s.url, path.join(fixtures, 'pg-public.sql'), s.schema);
      const q = (name: string) => `"${s.schema}"."${name}"`;
      return {
        env: { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: s.url, OM_PG_SCHEMA: s.schema, OM_LOG_LEVEL: 'silent' },
        tables: {
          memories: q('openmemory_memories'),
          vectors: q('openmemory_vectors'),
          waypoints: q('openmemory_waypoints'),
        },
        async query(text) {
          const c = new pg.Client({ connectionString: s.url });
          await c.connect();
          try {
            return (await c.query(text)).rows;
          } finally {
            await c.end();
          }
        },
        cleanup: s.drop,
      };
    },
  },
];

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const same = (a: string, b: string) => `(${a} = ${b} OR (${a} IS NULL AND ${b} IS NULL))`;

for (const c of CASES) {
  describe(`v1.2 fixture ${c.file}`, () => {
    it('upgrades in place: memories intact under their owners, links and vectors owned, second run a no-op', async () => {
      const db = await c.prepare();
      const store = openBackend(loadConfig(db.env));
      try {
        const report = await store.migrate();
        assert.equal(report.status, 'ok', JSON.stringify(report));
        const rekey = report.steps.find((s) => s.version === '2.0.0');
        assert.equal(rekey?.status, 'applied');
        const r = rekey!.repairs;
        const dropped = (r['waypoints.missing_memory_dropped'] ?? 0) + (r['waypoints.cross_user_dropped'] ?? 0);
        assert.equal(
          (r['waypoints.before'] ?? 0) - dropped - (r['waypoints.duplicates_merged'] ?? 0),
          r['waypoints.kept'] ?? 0,
          JSON.stringify(r),
        );

        const expected = manifest.files[c.file]!.memories;
        assert.equal(await store.adminCountMemories(), expected.length);
        const perUser = new Map<string | null, number>();
        for (const m of expected) {
          const scope = userScope(m.user_id);
          const got = await store.getMemory(scope, m.id);
          assert.ok(got, `memory ${m.id} of ${m.user_id}`);
          assert.equal(sha256(got.content), m.content_sha256, m.id);
          assert.equal(got.userId, m.user_id);
          perUser.set(m.user_id, (perUser.get(m.user_id) ?? 0) + 1);
        }
        for (const [user, n] of perUser)
          assert.equal(await store.countMemories(userScope(user)), n, `count of ${user}`);

        const t = db.tables;
        const [vectorsWrong] =
          await db.query(`SELECT COUNT(*) AS n FROM ${t.vectors} v JOIN ${t.memories} m ON m.id = v.id
          WHERE NOT ${same('v.user_id', 'm.user_id')}`);
        assert.equal(Number(vectorsWrong!.n), 0, 'vectors carry their memory’s user');
        const [linksWrong] = await db.query(`SELECT COUNT(*) AS n FROM ${t.waypoints} w
          LEFT JOIN ${t.memories} ms ON CAST(ms.id AS TEXT) = w.src_id LEFT JOIN ${t.memories} md ON CAST(md.id AS TEXT) = w.dst_id
          WHERE ms.id IS NULL OR md.id IS NULL OR NOT ${same('w.user_id', 'ms.user_id')} OR NOT ${same('ms.user_id', 'md.user_id')}
            OR w.weight > 1 OR w.weight < 0`);
        assert.equal(Number(linksWrong!.n), 0, 'links join two memories of their owner, with real weights');

        const sample = expected.find((m) => m.user_id !== null) ?? expected[0]!;
        const content = (await store.getMemory(userScope(sample.user_id), sample.id))!.content;
        const word = content.match(/\p{L}{4,}/u)?.[0] ?? content;
        const hits = (await store.view(userScope(sample.user_id))).searchText(termTokens(word), 1000);
        assert.ok(
          hits.some((h) => h.id === sample.id),
          `text search finds "${word}"`,
        );

        const again = await store.migrate();
        assert.deepEqual(
          again.steps.filter((s) => s.status !== 'skipped'),
          [],
          'second run is a no-op',
        );
      } finally {
        await store.close();
        await db.cleanup();
      }
    });
  });
}
