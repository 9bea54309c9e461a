/**
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile [N] [--last SECONDS] [--skip-last SECONDS]`: the N functions
 * with the most self time in a V8 CPU profile, and the N with the most total time (self + callees).
 * `--last` keeps only the profile's final seconds (a bench server's query phase comes last);
 * `--skip-last` leaves out its final seconds (with `--last`, a window: an earlier phase).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const lastAt = args.indexOf('--last');
const lastUs = lastAt >= 0 ? Number(args.splice(lastAt, 2)[1]) * 1e6 : Infinity;
const skipAt = args.indexOf('--skip-last');
const skipUs = skipAt >= 0 ? Number(args.splice(skipAt, 2)[1]) * 1e6 : 0;
const [file, limit = '25'] = args;
if (!file || Number.isNaN(lastUs) || Number.isNaN(skipUs))
  throw new Error('usage: profile-summary.ts FILE.cpuprofile [N] [--last SECONDS] [--skip-last SECONDS]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const total = new Map<string, number>();
const span = profile.timeDeltas.reduce((s, dt) => s + dt, 0);
let elapsed = 0;
let all = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  elapsed += dt;
  if (elapsed < span - lastUs || elapsed > span - skipUs) return;
  all += dt;
  const leaf = byId.get(id)!;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  // A frame counts once per sample even when it recurses.
  const seen = new Set<string>();
  for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
    const l = label(n);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});
const top = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(limit))
    .map(([fn, us]) => `${((100 * us) / all).toFixed(1).padStart(5)}%  ${fn}`);
console.log(
  `sampled ${(all / 1e6).toFixed(1)} s\n-- self --\n${top(self).join('\n')}\n-- total --\n${top(total).join('\n')}`,
);
