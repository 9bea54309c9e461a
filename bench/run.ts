/**
 * `npm run bench [-- --quick] [--backend sqlite|postgres|both] [--scenarios 10k,100k,heavy,cold] [--cold-users 40]
 *   [--no-upgrade] [--server-env OM_X=V]...`
 *
 * Starts the server on a fresh database per backend and scenario, loads a generated corpus
 * through the HTTP API, queries it, and prints a table plus a JSON file in bench/results/.
 * `cold` (./cold.ts, not run unless named) restarts the server after loading and times users'
 * first queries, which load their models, against warm ones.
 * Then times the upgrade of pre-1.2 databases (./upgrade.ts): the 5,000-memory fixture, and a
 * generated 100,000-memory one unless `--quick`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startEmbeddedPostgres } from '../scripts/embedded-pg.mjs';
import { runCold, type ColdFigures } from './cold.js';
import { userCorpus, rng, type Needle } from './corpus.js';
import { postJson, runConcurrent, stats, type LatencyStats } from './load.js';
import { serverEnvArgs, startServer } from './server.js';
import { checkTargets } from './targets.js';
import { benchUpgrade, printFigures } from './upgrade.js';

interface Scenario {
  name: string;
  users: number;
  perUser: number;
  needlesPerUser: number;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] && !args[i + 1]!.startsWith('--') ? args[i + 1]! : fallback;
};
const quick = flag('quick');
const backends = option('backend', 'both') === 'both' ? ['sqlite', 'postgres'] : [option('backend', 'sqlite')];
const SCENARIOS: Record<string, Scenario> = quick
  ? { '2k': { name: '2k (10 users x 200)', users: 10, perUser: 200, needlesPerUser: 10 } }
  : {
      '10k': { name: '10k (10 users x 1k)', users: 10, perUser: 1000, needlesPerUser: 20 },
      '100k': { name: '100k (100 users x 1k)', users: 100, perUser: 1000, needlesPerUser: 5 },
      heavy: { name: 'heavy (1 user x 100k)', users: 1, perUser: 100_000, needlesPerUser: 300 },
    };
const named = option('scenarios', '10k,100k,heavy').split(',');
const chosen = quick ? Object.values(SCENARIOS) : named.map((s) => SCENARIOS[s]!).filter(Boolean);
const coldUsers = quick || !named.includes('cold') ? 0 : Number(option('cold-users', '40'));
/**
 * Queries per concurrency: at 1 for latency and recall; at 8, three times as many, for throughput
 * over several seconds (a phase of 1.5 s moved by a tenth with whether a pause fell inside it).
 */
const QUERIES = { c1: quick ? 200 : 2000, c8: quick ? 600 : 6000 };
const SINGLE_ADDS = quick ? 200 : 1000;
const BATCH = 500;
/** `--cpu-prof DIR`: profile each benchmarked server (open the .cpuprofile files in Chrome DevTools). */
const cpuProfDir = args.includes('--cpu-prof') ? path.resolve(option('cpu-prof', 'bench/results/profiles')) : undefined;
const serverEnv = serverEnvArgs(args);

interface AddResult {
  id: string;
  deduplicated?: boolean;
}
interface QueryResponse {
  matches: Array<{ id: string }>;
}

/**
 * "Beyond its vectors" leaves out the vectors table with its indexes and the per-memory mean
 * vector column; everything else (memories, links, journal, logs, indexes) is counted.
 */
interface BenchDb {
  env: Record<string, string>;
  /** Database bytes beyond the vectors. */
  size(): Promise<number>;
  /** Brings planner statistics up to date after the bulk load. */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

async function dbEnv(backend: string, pgUrl: string | null, tag: string): Promise<BenchDb> {
  if (backend === 'sqlite') {
    const dir = path.join(os.tmpdir(), `om-bench-${process.pid}-${tag}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'bench.sqlite');
    return {
      env: { OM_METADATA_BACKEND: 'sqlite', OM_DB_PATH: file },
      async size() {
        const db = new Database(file, { readonly: true });
        try {
          const pages = db
            .prepare(
              `SELECT SUM(pgsize) AS n FROM dbstat WHERE name NOT IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'vectors')`,
            )
            .get() as { n: number };
          const means = db.prepare('SELECT SUM(length(mean_vec)) AS n FROM memories').get() as { n: number | null };
          return pages.n - (means.n ?? 0);
        } finally {
          db.close();
        }
      },
      // SQLite keeps no statistics unless told to; the statements do not rely on them.
      analyze: async () => {},
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_${tag.replace(/\W/g, '_')}`;
  const client = new pg.Client({ connectionString: pgUrl! });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
  const tables = async () =>
    (
      await client.query(
        `SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [schema],
      )
    ).rows as Array<{ oid: number; relname: string }>;
  return {
    env: { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pgUrl!, OM_PG_SCHEMA: schema },
    async size() {
      let bytes = 0;
      for (const t of await tables()) {
        if (t.relname === 'openmemory_vectors') continue;
        bytes += Number((await client.query('SELECT pg_total_relation_size($1::oid)::bigint AS n', [t.oid])).rows[0].n);
      }
      const means = await client.query(
        `SELECT COALESCE(SUM(octet_length(mean_vec)), 0)::bigint AS n FROM "${schema}".openmemory_memories`,
      );
      return bytes - Number(means.rows[0].n);
    },
    // What autovacuum does after a table grows this much (the shared test server runs with it off).
    async analyze() {
      for (const t of await tables()) await client.query(`VACUUM ANALYZE "${schema}"."${t.relname}"`);
    },
    async drop() {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

async function runScenario(backend: string, sc: Scenario, pgUrl: string | null) {
  const tag = `${backend}_${sc.users}x${sc.perUser}`;
  const db = await dbEnv(backend, pgUrl, tag);
  const server = await startServer({ ...serverEnv, ...db.env }, cpuProfDir);
  const owner = new Map<string, string>();
  const needles: Needle[] = [];
  try {
    // Bulk load through the batch route.
    const t0 = performance.now();
    let loaded = 0;
    for (let u = 0; u < sc.users; u++) {
      const user = `user-${u}`;
      const corpus = userCorpus(user, sc.perUser, sc.needlesPerUser, 1000 + u);
      needles.push(...corpus.needles);
      for (let i = 0; i < corpus.items.length; i += BATCH) {
        const res = await postJson<{ results: AddResult[] }>(server.base, '/memory/add/batch', {
          user_id: user,
          items: corpus.items.slice(i, i + BATCH),
        });
        for (const r of res.results) owner.set(r.id, user);
        loaded += res.results.length;
      }
    }
    const batchPerSec = Math.round((loaded * 1000) / (performance.now() - t0));
    const rssAfterLoad = server.peakRssMb();
    await db.analyze();
    // Measured before the queries: their salience updates leave dead row versions on PostgreSQL until a vacuum.
    const bytesPerMemory = Math.round((await db.size()) / loaded);

    // Single adds at concurrency 1 and 8 (separate users, so the corpus above stays as generated).
    const single: Record<string, number> = {};
    for (const c of [1, 8]) {
      const corpus = userCorpus(`single-${c}`, SINGLE_ADDS, 0, 77 + c);
      const { wallMs } = await runConcurrent(SINGLE_ADDS, c, async (i) => {
        const r = await postJson<AddResult>(server.base, '/memory/add', {
          user_id: `single-${c}`,
          ...corpus.items[i]!,
        });
        owner.set(r.id, `single-${c}`);
      });
      single[`c${c}`] = Math.round((SINGLE_ADDS * 1000) / wallMs);
    }

    // Queries: needle queries of random users, at concurrency 1 and 8.
    // Both phases draw the same sequence; the one at 8 goes on past where the one at 1 stops.
    const planOf = (length: number) => {
      const r = rng(4242);
      return Array.from({ length }, () => needles[Math.floor(r() * needles.length)]!);
    };
    const latency: Record<string, LatencyStats> = {};
    // CPU per query, of the server (all threads) and of this load generator: whether the cores were the bound.
    const cpuPerQuery: Record<string, { server_ms: number; client_ms: number }> = {};
    let hits1 = 0,
      hits5 = 0,
      hits10 = 0,
      crossUser = 0,
      asked = 0;
    for (const c of [1, 8] as const) {
      const plan = planOf(QUERIES[`c${c}`]);
      const serverCpu0 = server.cpuMs();
      const clientCpu0 = process.cpuUsage();
      const { latencies, wallMs } = await runConcurrent(plan.length, c, async (i) => {
        const n = plan[i]!;
        const res = await postJson<QueryResponse>(server.base, '/memory/query', {
          query: n.query,
          k: 10,
          user_id: n.user,
        });
        const ids = res.matches.map((m) => m.id);
        crossUser += ids.filter((id) => owner.get(id) !== n.user).length;
        if (c === 1) {
          asked++;
          const rank = res.matches.findIndex(
            (m) => owner.get(m.id) === n.user && (m as { content?: string }).content === n.content,
          );
          if (rank === 0) hits1++;
          if (rank >= 0 && rank < 5) hits5++;
          if (rank >= 0 && rank < 10) hits10++;
        }
      });
      latency[`c${c}`] = stats(latencies, wallMs);
      const client = process.cpuUsage(clientCpu0);
      const perQuery = (ms: number) => Math.round((ms / plan.length) * 100) / 100;
      cpuPerQuery[`c${c}`] = {
        server_ms: perQuery(server.cpuMs() - serverCpu0),
        client_ms: perQuery((client.user + client.system) / 1000),
      };
    }
    return {
      backend,
      scenario: sc.name,
      memories: owner.size,
      ingest: { batch_per_sec: batchPerSec, single_c1_per_sec: single.c1, single_c8_per_sec: single.c8 },
      query: latency,
      cpu_per_query: cpuPerQuery,
      recall: { at1: hits1 / asked, at5: hits5 / asked, at10: hits10 / asked, needles_asked: asked },
      cross_user_results: crossUser,
      server_peak_rss_mb: server.peakRssMb(),
      server_peak_rss_mb_during_load: rssAfterLoad,
      db_bytes_per_memory_beyond_vectors: bytesPerMemory,
    };
  } finally {
    await server.stop();
    await db.drop();
  }
}

/**
 * A fixed piece of work timed here (best of three), so figures from different machines can be
 * compared: the same build ran three times slower on one 2-core VM than on another.
 */
function referenceMs() {
  const best = (f: () => void) =>
    Math.min(
      ...[0, 1, 2].map(() => {
        const t = performance.now();
        f();
        return performance.now() - t;
      }),
    );
  const rows = new Float32Array(20_000 * 256).map((_, i) => Math.sin(i));
  const q = rows.subarray(0, 256);
  // Accumulated outside the loop, so the work cannot be optimised away.
  let sink = 0;
  const dots = best(() => {
    for (let r = 0; r < 20_000; r++) {
      let d = 0;
      for (let j = 0; j < 256; j++) d += rows[r * 256 + j]! * q[j]!;
      sink += d;
    }
  });
  if (Number.isNaN(sink)) throw new Error('the reference work went wrong');
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t(id TEXT PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) insert.run(`id-${i}`, `body of row ${i}`);
  })();
  const get = db.prepare('SELECT body FROM t WHERE id = ?');
  const reads = best(() => {
    for (let i = 0; i < 20_000; i++) get.get(`id-${(i * 7919) % 20_000}`);
  });
  db.close();
  return { js_20k_dots_256_ms: Math.round(dots * 10) / 10, sqlite_20k_point_reads_ms: Math.round(reads * 10) / 10 };
}

async function machine(pgUrl: string | null) {
  const sqlite = new Database(':memory:');
  const sqliteVersion = (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  sqlite.close();
  let postgres: string | null = null;
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    postgres = (await client.query('SHOW server_version')).rows[0].server_version as string;
    await client.end();
  }
  return {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    load_average: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    reference: referenceMs(),
    node: process.version,
    sqlite: sqliteVersion,
    postgres,
  };
}

const results = [];
const coldResults: ColdFigures[] = [];
const embedded = backends.includes('postgres') && !process.env.OM_TEST_PG_URL ? await startEmbeddedPostgres() : null;
const pgUrl = process.env.OM_TEST_PG_URL ?? embedded?.url ?? null;
let machineAtStart: Awaited<ReturnType<typeof machine>> | undefined;
try {
  machineAtStart = await machine(backends.includes('postgres') ? pgUrl : null);
  for (const sc of chosen) {
    for (const backend of backends) {
      process.stderr.write(`bench: ${backend} ${sc.name}...\n`);
      const r = await runScenario(backend, sc, pgUrl);
      results.push(r);
      // Each scenario's figures as soon as they exist: a long full run that is stopped keeps them.
      process.stderr.write(`bench: ${JSON.stringify(r)}\n`);
    }
  }
  for (const backend of coldUsers > 0 ? backends : []) {
    process.stderr.write(`bench: ${backend} cold (${coldUsers} users)...\n`);
    const db = await dbEnv(backend, pgUrl, `${backend}_cold_${coldUsers}`);
    try {
      coldResults.push(await runCold(backend, coldUsers, { ...serverEnv, ...db.env }, cpuProfDir));
      process.stderr.write(`bench: ${JSON.stringify(coldResults.at(-1))}\n`);
    } finally {
      await db.drop();
    }
  }
} finally {
  if (embedded) await embedded.stop();
}
const upgradeSizes = quick ? [] : [100_000];
if (!flag('no-upgrade')) process.stderr.write(`bench: upgrade of pre-1.2 databases...\n`);
const upgrade = flag('no-upgrade') ? [] : await benchUpgrade(upgradeSizes);

const settings = {
  embeddings: 'synthetic',
  dim: 256,
  queries: QUERIES,
  single_adds: SINGLE_ADDS,
  batch: BATCH,
  quick,
  scenarios: chosen.map((s) => s.name),
  cold_users: coldUsers,
  backends,
  server_env: serverEnv,
};
const targets = checkTargets(results);
const report = {
  at: new Date().toISOString(),
  machine: machineAtStart,
  settings,
  results,
  cold: coldResults,
  targets,
  upgrade,
};
const m = report.machine!;
console.log(`machine: ${m.cpus}, ${m.memory_gb} GB, ${m.platform}, load average at start ${m.load_average}`);
console.log(`versions: node ${m.node}, SQLite ${m.sqlite}${m.postgres ? `, PostgreSQL ${m.postgres}` : ''}`);
console.log(`machine speed (fixed work, lower is faster): ${JSON.stringify(m.reference)}`);
console.log(`settings: ${JSON.stringify(settings)}`);
console.table(
  results.map((r) => ({
    backend: r.backend,
    scenario: r.scenario,
    'batch/s': r.ingest.batch_per_sec,
    'add c1/s': r.ingest.single_c1_per_sec,
    'add c8/s': r.ingest.single_c8_per_sec,
    'q c1 p50': r.query.c1!.p50,
    'q c1 p99': r.query.c1!.p99,
    'q c8 p50': r.query.c8!.p50,
    'q c8 p95': r.query.c8!.p95,
    'q c8 p99': r.query.c8!.p99,
    'q c8 qps': r.query.c8!.qps,
    'cpu ms/q': `${r.cpu_per_query.c8!.server_ms}+${r.cpu_per_query.c8!.client_ms}`,
    'R@1': r.recall.at1.toFixed(3),
    'R@5': r.recall.at5.toFixed(3),
    'R@10': r.recall.at10.toFixed(3),
    'cross-user': r.cross_user_results,
    'rss MB': r.server_peak_rss_mb,
    'B/mem': r.db_bytes_per_memory_beyond_vectors,
  })),
);
if (coldResults.length > 0) {
  console.table(
    coldResults.flatMap((r) =>
      (['first_touch', 'warm_during_loads', 'warm'] as const).map((phase) => ({
        backend: r.backend,
        scenario: r.scenario,
        phase,
        ...r[phase],
        loads: phase === 'first_touch' ? r.model_loads : '',
        'load ms mean/max': phase === 'first_touch' ? `${r.model_load_ms_mean}/${r.model_load_ms_max}` : '',
        'rss MB': r.server_peak_rss_mb,
      })),
    ),
  );
}
const outDir = path.join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, `bench-${report.at.replace(/[:.]/g, '-')}.json`);
console.log(`targets (issue 8): ${targets.filter((t) => t.met).length} of ${targets.length} met`);
console.table(targets);
if (upgrade.length > 0) printFigures(upgrade);
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`written ${path.relative(process.cwd(), out)}`);
