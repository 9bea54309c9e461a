/**
 * The soak driver: a real server process, 16 concurrent clients of mixed reads and writes over
 * several users (user keys and the admin key naming users), VmRSS sampled from /proc. Every
 * non-200 reply, network error or reply holding another user's memory counts as an error.
 */
import { request, SERVER_ADMIN_KEY, startServerProcess } from '../crash/server-process.js';

export interface SoakOptions {
  env: Record<string, string>;
  durationMs: number;
  clients: number;
  sampleEveryMs: number;
}

export interface SoakReport {
  requests: number;
  errors: string[];
  byOp: Record<string, number>;
  rssKb: number[];
  requestsPerSecond: number;
}

const TOPICS = [
  'the harbor lantern',
  'quarterly budget review',
  'a violet orchard',
  'the copper kettle',
  '東京の会議',
  'falcon migration',
  'the glacier trip',
  '🎉 release party',
];

/** Contents in a reply that do not start with the caller's name (every soak content does). */
function foreign(user: string, body: any): string[] {
  const items: Array<{ content?: unknown }> =
    body?.matches ?? body?.items ?? (typeof body?.content === 'string' ? [body] : []);
  return items.map((m) => String(m.content)).filter((c) => !c.startsWith(`${user} `));
}

/** Memories each client keeps at most. */
const WORKING_SET = 24;

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const server = await startServerProcess(opts.env);
  const report: SoakReport = { requests: 0, errors: [], byOp: {}, rssKb: [], requestsPerSecond: 0 };
  const deadline = Date.now() + opts.durationMs;
  const sampler = setInterval(() => {
    const kb = server.rssKb();
    if (kb !== null) report.rssKb.push(kb);
  }, opts.sampleEveryMs);
  try {
    const users = Array.from({ length: opts.clients / 2 }, (_, i) => `soak${i}`);
    const keys = new Map<string, string>();
    for (const u of users.filter((_, i) => i % 2 === 0)) {
      const r = await request(server.url, 'POST', '/admin/keys', { user_id: u });
      keys.set(u, r.body.key);
    }

    async function client(c: number): Promise<void> {
      const user = users[c % users.length]!;
      const key = keys.get(user) ?? SERVER_ADMIN_KEY;
      const named = keys.has(user) ? {} : { user_id: user };
      const qs = keys.has(user) ? '' : `?user_id=${user}`;
      const mine: string[] = [];
      for (let n = 0; Date.now() < deadline; n++) {
        const roll = Math.random();
        // Adds give way to deletes at the working set, so the data reaches a steady size early and
        // a resident set that keeps growing means a leak, not more memories.
        const adding = mine.length < 5 || (roll < 0.2 && mine.length < WORKING_SET);
        const op = adding
          ? 'add'
          : roll < 0.2
            ? 'delete'
            : roll < 0.6
              ? 'query'
              : roll < 0.72
                ? 'get'
                : roll < 0.8
                  ? 'list'
                  : roll < 0.9
                    ? 'update'
                    : 'delete';
        const id = mine.length ? pick(mine) : '';
        try {
          let r: Awaited<ReturnType<typeof request>>;
          if (op === 'add')
            r = await request(
              server.url,
              'POST',
              '/memory/add',
              {
                content: `${user} note ${c}-${n} about ${pick(TOPICS)} ${Math.random().toString(36).slice(2, 8)}`,
                tags: ['soak'],
                ...named,
              },
              key,
            );
          else if (op === 'query')
            r = await request(server.url, 'POST', '/memory/query', { query: pick(TOPICS), k: 8, filters: named }, key);
          else if (op === 'get') r = await request(server.url, 'GET', `/memory/${id}${qs}`, undefined, key);
          else if (op === 'list')
            r = await request(server.url, 'GET', `/memory/all${qs}${qs ? '&' : '?'}l=20`, undefined, key);
          else if (op === 'update')
            r = await request(
              server.url,
              'PATCH',
              `/memory/${id}`,
              { content: `${user} revised ${pick(TOPICS)} ${n}`, ...named },
              key,
            );
          else {
            mine.splice(mine.indexOf(id), 1);
            r = await request(server.url, 'DELETE', `/memory/${id}${qs}`, undefined, key);
          }
          report.requests++;
          report.byOp[op] = (report.byOp[op] ?? 0) + 1;
          if (r.status !== 200) report.errors.push(`${op}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
          else if (op === 'add' && !r.body.deduplicated) mine.push(r.body.id);
          else if (foreign(user, r.body).length)
            report.errors.push(
              `${op} by ${user} returned another user's memory: ${foreign(user, r.body)[0]!.slice(0, 100)}`,
            );
        } catch (err) {
          report.errors.push(`${op}: ${String(err)}`);
        }
      }
    }

    const started = Date.now();
    await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
    report.requestsPerSecond = Math.round(report.requests / ((Date.now() - started) / 1000));
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      report.errors.push(`server exited: ${server.stderr().slice(-500)}`);
    return report;
  } finally {
    clearInterval(sampler);
    await server.kill();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** Medians of VmRSS over the middle and the last third of the run, in kB. */
export function rssThirds(samples: number[]): { middle: number; last: number } {
  const third = Math.floor(samples.length / 3);
  return { middle: median(samples.slice(third, 2 * third)), last: median(samples.slice(2 * third)) };
}
