/**
 * The `cold` scenario: `users` × 1,000 memories loaded, the server restarted, then each user's
 * first query (its model loaded from the database on the engine thread) at concurrency 8 while one
 * client queries a user already loaded (what a load makes the others wait), then warm queries (at
 * least 500) of users drawn uniformly, at concurrency 8. The server's /metrics say how many models were
 * loaded and how long the loads took.
 */
import { rng, userCorpus, type Needle } from './corpus.js';
import { postJson, runConcurrent, stats, type LatencyStats } from './load.js';
import { startServer, type BenchServer } from './server.js';

const PER_USER = 1000;
const CONCURRENCY = 8;
const BATCH = 500;
const WARM_QUERIES = 500;

export interface ColdFigures {
  backend: string;
  scenario: string;
  /** Every user's first query but one, users in random order. */
  first_touch: LatencyStats;
  /** Queries of the one user loaded before, one at a time, while those first queries ran. */
  warm_during_loads: LatencyStats;
  /** Queries of users drawn at random, all of whose models are loaded. */
  warm: LatencyStats;
  model_loads: number;
  model_load_ms_mean: number;
  model_load_ms_max: number;
  server_peak_rss_mb: number;
}

async function modelMetrics(server: BenchServer) {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    loads: value('om_user_model_loads'),
    seconds: value('om_user_model_load_seconds_total'),
    max: value('om_user_model_load_seconds_max'),
  };
}

export async function runCold(
  backend: string,
  users: number,
  env: Record<string, string>,
  cpuProfDir?: string,
): Promise<ColdFigures> {
  const needles: Needle[] = [];
  const loading = await startServer(env);
  try {
    for (let u = 0; u < users; u++) {
      const corpus = userCorpus(`user-${u}`, PER_USER, 5, 1000 + u);
      needles.push(...corpus.needles);
      for (let i = 0; i < corpus.items.length; i += BATCH) {
        await postJson(loading.base, '/memory/add/batch', {
          user_id: `user-${u}`,
          items: corpus.items.slice(i, i + BATCH),
        });
      }
    }
  } finally {
    await loading.stop();
  }
  // A fresh process holds no user's model: each user's first query loads it.
  const server = await startServer(env, cpuProfDir);
  try {
    const r = rng(4242);
    const byUser = Array.from({ length: users }, (_, u) => needles.filter((n) => n.user === `user-${u}`));
    const ask = (n: Needle) => postJson(server.base, '/memory/query', { query: n.query, k: 10, user_id: n.user });
    const [loaded, ...others] = byUser.map((list) => list[0]!);
    await ask(loaded!);
    const order = others.sort(() => r() - 0.5);
    let touching = true;
    const beside: number[] = [];
    const besideStart = performance.now();
    const besides = (async () => {
      while (touching) {
        const t0 = performance.now();
        await ask(byUser[0]![beside.length % 5]!);
        beside.push(performance.now() - t0);
      }
    })();
    const first = await runConcurrent(order.length, CONCURRENCY, (i) => ask(order[i]!).then(() => {}));
    touching = false;
    await besides;
    const besideMs = performance.now() - besideStart;
    const loads = await modelMetrics(server);
    const plan = Array.from(
      { length: Math.max(users, WARM_QUERIES) },
      () => byUser[Math.floor(r() * users)]![Math.floor(r() * 5)]!,
    );
    const warm = await runConcurrent(plan.length, CONCURRENCY, (i) => ask(plan[i]!).then(() => {}));
    return {
      backend,
      scenario: `cold (${users} users x 1k, restarted)`,
      first_touch: stats(first.latencies, first.wallMs),
      warm_during_loads: stats(beside, besideMs),
      warm: stats(warm.latencies, warm.wallMs),
      model_loads: loads.loads,
      model_load_ms_mean: Math.round((loads.seconds * 1000 * 10) / Math.max(1, loads.loads)) / 10,
      model_load_ms_max: Math.round(loads.max * 1000 * 10) / 10,
      server_peak_rss_mb: server.peakRssMb(),
    };
  } finally {
    await server.stop();
  }
}
