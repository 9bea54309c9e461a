/**
 * `node --import tsx bench/locomo-embedders.ts --data locomo-dev.json [--embedders synthetic,local] [--http] [--convs 5]`
 *
 * Recall and ingest speed of embedders on LoCoMo conversations, by the protocol of the data's
 * README: each conversation one user, every turn added in order as its own memory, every question
 * of categories 1-4 with evidence asked with k 10; any@1/5/10 overall and per category, all@10.
 * In process (the engine opened here) by default; `--http` runs the same through the built server
 * (`npm run build` first), one request at a time. Also reports the time to open the engine (the
 * embedder's load) and the resident memory.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { Memory } from '../src/engine/memory.js';
import { userScope } from '../src/store/scope.js';
import { startServer } from './server.js';

interface Conversation {
  conv: string;
  turns: { id: string; text: string; date: string }[];
  qa: { q: string; ev: string[]; cat: number }[];
}
interface Client {
  add(user: string, content: string, metadata: Record<string, unknown>): Promise<void>;
  /** Contents of the results, best first. */
  query(user: string, query: string): Promise<string[]>;
  rssMb(): number;
  /** CPU time the engine's process has used so far, in ms (wall time is noisy on a shared machine). */
  cpuMs(): number;
  close(): Promise<void>;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string | null): string | null => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const dataFile = option('data', null);
if (!dataFile) throw new Error('--data FILE (a LoCoMo JSON file) is required');
const conversations = (JSON.parse(readFileSync(dataFile, 'utf8')) as Conversation[]).slice(
  0,
  Number(option('convs', '1000')),
);
const embedders = option('embedders', 'synthetic,local')!.split(',');
const overHttp = args.includes('--http');
const run = `${process.pid}`;

async function inProcess(env: Record<string, string>): Promise<Client> {
  const engine = await Memory.open({ config: loadConfig(env), jobs: false });
  return {
    add: async (user, content, metadata) => void (await engine.add(userScope(user), { content, metadata })),
    query: async (user, query) => (await engine.query(userScope(user), { query, k: 10 })).matches.map((m) => m.content),
    rssMb: () => Math.round(process.memoryUsage().rss / 1e6),
    cpuMs: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
    close: () => engine.close(),
  };
}

async function overServer(env: Record<string, string>): Promise<Client> {
  const server = await startServer(env);
  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${server.base}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ matches?: { content: string }[] }>;
  };
  return {
    add: async (user, content, metadata) => void (await post('/memory/add', { content, metadata, user_id: user })),
    query: async (user, query) =>
      ((await post('/memory/query', { query, k: 10, user_id: user, filters: { user_id: user } })).matches ?? []).map(
        (m) => m.content,
      ),
    rssMb: () => server.peakRssMb(),
    cpuMs: () => server.cpuMs(),
    close: () => server.stop(),
  };
}

type Tally = { n: number; any1: number; any5: number; any10: number; all10: number };
const empty = (): Tally => ({ n: 0, any1: 0, any5: 0, any10: 0, all10: 0 });

async function measure(embedder: string): Promise<void> {
  const db = path.join(os.tmpdir(), `om-locomo-${embedder}-${run}.sqlite`);
  const env: Record<string, string> = {
    OM_METADATA_BACKEND: 'sqlite',
    OM_DB_PATH: db,
    OM_EMBEDDINGS: embedder,
    OM_LOG_LEVEL: 'warn',
    OM_DECAY_INTERVAL_MINUTES: '0',
    OM_USER_SUMMARY_INTERVAL: '0',
  };
  if (process.env.OM_LOCAL_EMBED_CACHE_DIR) env.OM_LOCAL_EMBED_CACHE_DIR = process.env.OM_LOCAL_EMBED_CACHE_DIR;
  const opened = performance.now();
  const client = overHttp ? await overServer(env) : await inProcess(env);
  const openMs = performance.now() - opened;
  const byCategory = new Map<number, Tally>();
  let adds = 0;
  let addMs = 0;
  let addCpuMs = 0;
  let queries = 0;
  let queryMs = 0;
  for (const c of conversations) {
    const user = `${c.conv}-${run}`;
    const turnsOf = new Map<string, string[]>();
    let start = performance.now();
    const cpu = client.cpuMs();
    for (const t of c.turns) {
      await client.add(user, t.text, { turn: t.id, date: t.date });
      turnsOf.set(t.text, [...(turnsOf.get(t.text) ?? []), t.id]);
    }
    addMs += performance.now() - start;
    addCpuMs += client.cpuMs() - cpu;
    adds += c.turns.length;
    start = performance.now();
    for (const qa of c.qa) {
      if (qa.cat < 1 || qa.cat > 4 || qa.ev.length === 0) continue;
      const found = (await client.query(user, qa.q)).map((content) => turnsOf.get(content) ?? []);
      const within = (k: number) => new Set(found.slice(0, k).flat());
      const any = (k: number) => (qa.ev.some((e) => within(k).has(e)) ? 1 : 0);
      const t = byCategory.get(qa.cat) ?? empty();
      t.n++;
      t.any1 += any(1);
      t.any5 += any(5);
      t.any10 += any(10);
      t.all10 += qa.ev.filter((e) => within(10).has(e)).length / qa.ev.length;
      byCategory.set(qa.cat, t);
      queries++;
    }
    queryMs += performance.now() - start;
  }
  const rss = client.rssMb();
  await client.close();
  rmSync(db, { force: true });
  const all = empty();
  for (const t of byCategory.values()) for (const key of Object.keys(all) as (keyof Tally)[]) all[key] += t[key];
  const row = (t: Tally) => [t.any1, t.any5, t.any10, t.all10].map((x) => (x / t.n).toFixed(3)).join(' / ');
  console.log(
    `${embedder}${overHttp ? ' over HTTP' : ' in process'}: any@1 / any@5 / any@10 / all@10 ${row(all)} (${all.n} questions)`,
  );
  for (const [cat, t] of [...byCategory].sort(([a], [b]) => a - b))
    console.log(`  category ${cat}: ${row(t)} (${t.n})`);
  console.log(
    `  open ${openMs.toFixed(0)} ms, ${(adds / (addMs / 1000)).toFixed(1)} adds/s (${(addCpuMs / adds).toFixed(2)} ms CPU an add), ` +
      `${(queryMs / queries).toFixed(1)} ms a query, ` +
      `${overHttp ? 'server peak' : 'process'} RSS ${rss} MB`,
  );
}

for (const e of embedders) await measure(e);
