/**
 * `npm run bench:locomo -- FILE [--conversations 0,1,2] [--server-env OM_X=V]... [--label NAME]`
 *
 * Recall on LoCoMo conversations (a JSON file given on the command line, never part of the
 * repository), by the protocol of the data set's README: a fresh server on a fresh SQLite file
 * with default settings, each conversation one user, every turn added with POST /memory/add in
 * order (its date as `created_at`, the time the memory is about; its id and session in
 * metadata), then each question of categories 1–4 asked with POST /memory/query, k 10, one after
 * another (reinforcement on recall as the server has it). Prints any@1/5/10 and all@5/10 overall
 * and per category with query latency, and writes a JSON file in bench/results/.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postJson, stats } from './load.js';
import { serverEnvArgs, startServer } from './server.js';

interface Turn {
  id: string;
  text: string;
  date: string;
}
interface Question {
  q: string;
  ev: string[];
  cat: number;
}
interface Conversation {
  conv: string;
  turns: Turn[];
  qa: Question[];
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1]!.startsWith('--')));
if (!file) throw new Error('usage: npm run bench:locomo -- FILE [--conversations 0,1,2] [--server-env OM_X=V]...');
const all = JSON.parse(readFileSync(file, 'utf8')) as Conversation[];
const picked = option('conversations')?.split(',').map(Number) ?? all.map((_, i) => i);
const conversations = picked.map((i) => all[i]!).filter(Boolean);
const serverEnv = serverEnvArgs(args);
const CATEGORIES = [1, 2, 3, 4];
const KS = [1, 5, 10];

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
/** "1:56 pm on 8 May, 2023" → epoch ms (UTC); the data writes every date this way. */
export function turnTime(date: string): number {
  const m = /^(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) (\w+),? (\d{4})$/i.exec(date.trim());
  if (!m) throw new Error(`unrecognised turn date '${date}'`);
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) throw new Error(`unrecognised month in '${date}'`);
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === 'pm' ? 12 : 0);
  return Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

interface Tally {
  n: number;
  any: number[];
  all5: number;
  all10: number;
}
const tally = (): Tally => ({ n: 0, any: KS.map(() => 0), all5: 0, all10: 0 });

const dir = path.join(os.tmpdir(), `om-locomo-${process.pid}`);
mkdirSync(dir, { recursive: true });
const server = await startServer({
  OM_METADATA_BACKEND: 'sqlite',
  OM_DB_PATH: path.join(dir, 'locomo.sqlite'),
  ...serverEnv,
});
const overall = tally();
const byCategory = new Map(CATEGORIES.map((c) => [c, tally()]));
const perConversation: Array<{ conv: string; questions: number; any5: number; any10: number }> = [];
const latencies: number[] = [];
let queryWall = 0;
try {
  for (const [ci, c] of conversations.entries()) {
    const user = `locomo-${process.pid}-${ci}`;
    const turnOf = new Map<string, string>();
    for (const t of c.turns) {
      const session = t.id.split(':')[0]!;
      const res = await postJson<{ id: string }>(server.base, '/memory/add', {
        content: t.text,
        created_at: turnTime(t.date),
        metadata: { turn_id: t.id, thread_id: session },
        user_id: user,
      });
      // A repeated turn is absorbed into the memory that holds the same text: it counts as either turn.
      turnOf.set(res.id, turnOf.has(res.id) ? `${turnOf.get(res.id)} ${t.id}` : t.id);
    }
    const mine = tally();
    for (const q of c.qa) {
      if (!CATEGORIES.includes(q.cat) || q.ev.length === 0) continue;
      const t0 = performance.now();
      const res = await postJson<{ matches: Array<{ id: string }> }>(server.base, '/memory/query', {
        query: q.q,
        k: 10,
        user_id: user,
        filters: { user_id: user },
      });
      const ms = performance.now() - t0;
      latencies.push(ms);
      queryWall += ms;
      const turns = res.matches.map((m) => (turnOf.get(m.id) ?? '').split(' '));
      const evidence = new Set(q.ev);
      const firstHit = turns.findIndex((ids) => ids.some((id) => evidence.has(id)));
      const covered = (k: number) =>
        new Set(
          turns
            .slice(0, k)
            .flat()
            .filter((id) => evidence.has(id)),
        ).size / evidence.size;
      for (const t of [overall, byCategory.get(q.cat)!, mine]) {
        t.n++;
        KS.forEach((k, i) => (t.any[i]! += firstHit >= 0 && firstHit < k ? 1 : 0));
        t.all5 += covered(5);
        t.all10 += covered(10);
      }
    }
    perConversation.push({
      conv: c.conv,
      questions: mine.n,
      any5: round(mine.any[1]! / mine.n),
      any10: round(mine.any[2]! / mine.n),
    });
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function figures(t: Tally) {
  const share = (x: number) => round(x / Math.max(1, t.n));
  return {
    questions: t.n,
    any1: share(t.any[0]!),
    any5: share(t.any[1]!),
    any10: share(t.any[2]!),
    all5: share(t.all5),
    all10: share(t.all10),
  };
}

const rows = [
  ['overall', figures(overall)] as const,
  ...CATEGORIES.map((c) => [`category ${c}`, figures(byCategory.get(c)!)] as const),
];
const latency = stats(latencies, queryWall);
console.log(
  `LoCoMo ${path.basename(file)}: conversations ${conversations.map((c) => c.conv).join(', ')}${Object.keys(serverEnv).length ? `; ${JSON.stringify(serverEnv)}` : ''}`,
);
console.table(Object.fromEntries(rows.map(([name, f]) => [name, f])));
console.table(
  Object.fromEntries(perConversation.map((p) => [p.conv, { questions: p.questions, any5: p.any5, any10: p.any10 }])),
);
console.log(`query latency ms: p50 ${latency.p50}, p95 ${latency.p95}, mean ${latency.mean}`);
const outDir = path.join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
const label = option('label');
const out = path.join(
  outDir,
  `locomo-${label ? `${label}-` : ''}${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
const report = {
  at: new Date().toISOString(),
  file: path.basename(file),
  conversations: perConversation,
  serverEnv,
  figures: Object.fromEntries(rows),
  latency,
};
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`written ${path.relative(process.cwd(), out)}`);
