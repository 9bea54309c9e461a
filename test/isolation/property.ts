/**
 * The isolation property: a model of who owns which memory id checks every response of a random
 * operation sequence. No id, content (secret markers), count, path or summary of another user may
 * appear; a request never changes another user's rows (raw fingerprints before and after); ids
 * that are not the caller's are "not found" exactly like missing ones; the database holds no
 * half-written memory and no link across users at the end.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { opsArb, propertyRuns, propertySeed, SHARED_TEXTS, type Op, type Target, type TextSpec } from './ops.js';
import { changedKeys } from './rawdb.js';
import type { SeenMemory, Subject, User } from './subject.js';

class Violation extends Error {}

function fail(message: string): never {
  throw new Violation(message);
}

/** Who owns what in one run; ids are never reused, so ownership of a deleted id stays known. */
class Model {
  readonly owner = new Map<string, User>();
  /** Counters for the report: what the run actually exercised. */
  readonly tally: Map<string, number>;
  readonly live: Map<User, string[]>;

  constructor(
    readonly users: readonly User[],
    readonly markers: readonly string[],
    tally: Map<string, number>,
  ) {
    this.live = new Map(users.map((u) => [u, []]));
    this.tally = tally;
  }

  count(what: string): void {
    this.tally.set(what, (this.tally.get(what) ?? 0) + 1);
  }

  liveOf(u: User): string[] {
    return this.live.get(u)!;
  }

  isLive(u: User, id: string): boolean {
    return this.liveOf(u).includes(id);
  }

  others(u: User): User[] {
    return this.users.filter((x) => x !== u);
  }

  /** Every id shown to `u` must be one of its live memories. */
  checkIds(u: User, ids: readonly string[], where: string): void {
    for (const id of ids) {
      const owner = this.owner.get(id);
      if (owner === undefined) fail(`${where}: unknown id ${id} shown to ${u} (another run's or an unseen memory)`);
      if (owner !== u) fail(`${where}: id ${id} of ${owner} shown to ${u}`);
      if (!this.isLive(u, id)) fail(`${where}: deleted id ${id} shown to ${u}`);
    }
  }

  /** No text shown to `u` may carry another user's secret marker. */
  checkText(u: User, texts: readonly string[], where: string): void {
    this.users.forEach((other, i) => {
      if (other === u) return;
      for (const t of texts)
        if (t.includes(this.markers[i]!)) fail(`${where}: text of ${other} shown to ${u}: ${t.slice(0, 80)}`);
    });
  }

  checkMemories(u: User, items: readonly SeenMemory[], where: string): void {
    this.checkIds(
      u,
      items.map((m) => m.id),
      where,
    );
    this.checkText(
      u,
      items.map((m) => m.content),
      where,
    );
    for (const m of items)
      if (m.user_id !== undefined && m.user_id !== u)
        fail(`${where}: memory ${m.id} shown with user_id ${m.user_id} to ${u}`);
  }
}

function text(spec: TextSpec, marker: string): string {
  const base = SHARED_TEXTS[spec.i]!;
  if (spec.kind === 'near') return base + spec.suffix;
  if (spec.kind === 'secret') return `${marker} ${base}`;
  return base;
}

function resolve(model: Model, target: Target): string {
  if (target.kind === 'missing') return randomUUID();
  if (target.kind === 'garbage') return target.text;
  const ids = model.liveOf(model.users[target.user]!);
  return ids.length ? ids[target.pick % ids.length]! : randomUUID();
}

async function readAll(subject: Subject, u: User, pageSize: number): Promise<SeenMemory[]> {
  const out: SeenMemory[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await subject.page(u, pageSize, offset);
    out.push(...page);
    if (page.length < pageSize) return out;
    if (offset > 10_000) fail(`export of ${u} does not end`);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && new Set(a).size === a.length && a.every((x) => b.includes(x));
}

/** Ops that act on an id: the caller succeeds exactly when the id is one of its live memories. */
async function targeted(
  model: Model,
  u: User,
  id: string,
  where: string,
  call: () => Promise<{ ok: boolean; code?: string }>,
): Promise<boolean> {
  const expected = model.isLive(u, id);
  const owner = model.owner.get(id);
  if (owner !== undefined && owner !== u) model.count(`${where} of another user's id`);
  const r = await call();
  if (r.ok !== expected)
    fail(
      `${where} ${id} by ${u}: ${r.ok ? 'succeeded' : `refused (${r.code})`}, owner is ${model.owner.get(id) ?? 'nobody'}`,
    );
  if (!r.ok && r.code !== 'not_found' && r.code !== 'validation_error')
    fail(`${where} ${id} by ${u}: code ${r.code}, expected not_found`);
  return r.ok;
}

/** After a job, new memories (reflections) must belong to the user they were made for. */
async function resync(subject: Subject, model: Model): Promise<void> {
  for (const u of model.users) {
    const items = await subject.page(u, 1000, 0);
    for (const m of items) {
      const owner = model.owner.get(m.id);
      if (owner === undefined) {
        const sources = Array.isArray(m.metadata?.sources) ? (m.metadata!.sources as string[]) : [];
        for (const src of sources)
          if (!model.isLive(u, src))
            fail(`reflection ${m.id} of ${u} names ${src} of ${model.owner.get(src) ?? 'nobody'}`);
        model.owner.set(m.id, u);
        model.liveOf(u).push(m.id);
        model.count('reflections created');
      }
    }
    model.checkMemories(u, items, 'after job');
    const listed = items.map((m) => m.id);
    for (const id of model.liveOf(u)) if (!listed.includes(id)) fail(`after job: memory ${id} of ${u} vanished`);
  }
}

async function apply(subject: Subject, model: Model, op: Op): Promise<void> {
  if (op.op === 'job') {
    await subject.runJob(op.job);
    return resync(subject, model);
  }
  const u = model.users[op.actor]!;
  const marker = model.markers[op.actor]!;
  switch (op.op) {
    case 'add': {
      const r = await subject.add(u, text(op.text, marker), op.tags);
      const owner = model.owner.get(r.id);
      if (owner === undefined) {
        if (r.deduplicated) fail(`add by ${u}: deduplicated into unknown id ${r.id}`);
        model.owner.set(r.id, u);
        model.liveOf(u).push(r.id);
      } else if (owner !== u || !model.isLive(u, r.id)) {
        fail(`add by ${u}: returned id ${r.id} of ${owner} (deduplicated across users or into a deleted memory)`);
      } else {
        model.count('deduplicated within the user');
      }
      return;
    }
    case 'query': {
      const matches = await subject.query(u, text(op.text, marker), op.k);
      if (matches.length > op.k) fail(`query by ${u}: ${matches.length} matches for k=${op.k}`);
      model.checkIds(
        u,
        matches.map((m) => m.id),
        'query match',
      );
      model.checkIds(
        u,
        matches.flatMap((m) => m.path),
        'query path',
      );
      model.checkText(
        u,
        matches.map((m) => m.content),
        'query',
      );
      return;
    }
    case 'list':
    case 'export': {
      const items = op.op === 'list' ? await subject.page(u, 1000, 0) : await readAll(subject, u, op.pageSize);
      model.checkMemories(u, items, op.op);
      if (
        !sameSet(
          items.map((m) => m.id),
          model.liveOf(u),
        )
      )
        fail(`${op.op} of ${u}: ${items.length} items, model has ${model.liveOf(u).length}`);
      return;
    }
    case 'get': {
      const id = resolve(model, op.target);
      let seen: SeenMemory | undefined;
      const ok = await targeted(model, u, id, 'get', async () => {
        const r = await subject.get(u, id);
        if (r.ok) seen = r.value;
        return r;
      });
      if (ok) {
        model.checkMemories(u, [seen!], 'get');
        if (seen!.id !== id) fail(`get ${id} by ${u} returned ${seen!.id}`);
      }
      return;
    }
    case 'update': {
      const id = resolve(model, op.target);
      await targeted(model, u, id, 'update', () => subject.update(u, id, text(op.text, marker)));
      return;
    }
    case 'reinforce': {
      const id = resolve(model, op.target);
      await targeted(model, u, id, 'reinforce', () => subject.reinforce(u, id));
      return;
    }
    case 'delete': {
      const id = resolve(model, op.target);
      if (await targeted(model, u, id, 'delete', () => subject.delete(u, id))) {
        model.live.set(
          u,
          model.liveOf(u).filter((x) => x !== id),
        );
      }
      return;
    }
    case 'summary': {
      const s = await subject.summary(u, op.regenerate);
      if (s === null) return;
      if (s.user_id !== u) fail(`summary of ${u} names user ${s.user_id}`);
      model.checkText(u, [s.summary], 'summary');
      return;
    }
    case 'stats': {
      const n = await subject.count(u);
      if (n !== null && n !== model.liveOf(u).length) fail(`count of ${u}: ${n}, model has ${model.liveOf(u).length}`);
      return;
    }
    case 'deleteUser': {
      const n = await subject.deleteUser(u);
      if (n === null) return;
      if (n !== model.liveOf(u).length) fail(`deleteUser ${u}: deleted ${n}, model has ${model.liveOf(u).length}`);
      model.live.set(u, []);
      return;
    }
  }
}

export interface PropertyReport {
  seed: number;
  runs: number;
  operations: number;
}

/** Runs per batch when the floor of operations decides how many runs there are. */
const BATCH_RUNS = 50;

/**
 * Runs the property against one subject until at least `minOperations` operations were checked
 * (sequence lengths are random, so a fixed number of runs would not guarantee the floor).
 * Batch b uses seed + b, so a reported failing seed replays alone with `OM_PROP_SEED`;
 * `OM_PROP_RUNS` instead runs exactly that many runs. Every run uses fresh user names (the
 * database is reused) and first empties the default user, which is shared by all runs.
 */
export async function checkIsolation(
  subject: Subject,
  opts: { minOperations: number; label: string },
): Promise<PropertyReport> {
  const seed = propertySeed();
  const fixedRuns = process.env.OM_PROP_RUNS ? propertyRuns(BATCH_RUNS) : undefined;
  console.log(`[isolation ${opts.label}] seed=${seed} (replay: OM_PROP_SEED=${seed})`);
  let operations = 0;
  let runNo = 0;
  const tally = new Map<string, number>();
  const property = fc.asyncProperty(opsArb, async (ops) => {
    const tag = `r${seed.toString(36)}x${(runNo++).toString(36)}`;
    // Names with LIKE wildcards, quotes and non-ASCII: a filter built by pattern or string
    // concatenation would match or break on them.
    const users: User[] = [null, `${tag}_u0`, `${tag}%' OR 'a'='a`, `${tag} 東京/_u2`];
    const model = new Model(
      users,
      users.map((_, i) => `zqm${tag}m${i}q`),
      tally,
    );
    await subject.reset(null);
    await subject.settle();
    // One fingerprint of all users per operation: the state after one op is the state before the next.
    let last = await subject.fingerprints(users);
    for (const op of ops) {
      await apply(subject, model, op);
      operations++;
      model.count(op.op === 'job' ? op.job : op.op);
      await subject.settle();
      const logged = subject.drainLoggedErrors();
      if (logged.length) fail(`${op.op} logged errors: ${logged.join('\n').slice(0, 1000)}`);
      const now = await subject.fingerprints(users);
      if (op.op !== 'job') {
        const actor = users[op.actor]!;
        const others = new Set(model.others(actor).map((u) => u ?? ''));
        const only = (m: Map<string, string>) => new Map([...m].filter(([k]) => others.has(k.split('|')[0]!)));
        const changed = changedKeys(only(last), only(now));
        if (changed.length) fail(`${op.op} by ${actor} changed rows of other users: ${changed.join(', ')}`);
      }
      last = now;
    }
    for (const u of users) {
      const items = await subject.page(u, 1000, 0);
      model.checkMemories(u, items, 'final list');
      if (
        !sameSet(
          items.map((m) => m.id),
          model.liveOf(u),
        )
      )
        fail(`final list of ${u}: ${items.length} items, model has ${model.liveOf(u).length}`);
    }
    const integrity = await subject.integrity();
    if (integrity.memoriesWithoutVectors || integrity.orphanOrForeignVectors || integrity.orphanOrCrossUserWaypoints) {
      fail(`integrity: ${JSON.stringify(integrity)}`);
    }
    for (const u of users) await subject.reset(u);
  });
  let runs = 0;
  for (let batch = 0; fixedRuns ? batch === 0 : operations < opts.minOperations; batch++) {
    const numRuns = fixedRuns ?? BATCH_RUNS;
    await fc.assert(property, { seed: (seed + batch) >>> 0, numRuns, includeErrorInReport: true });
    runs += numRuns;
  }
  console.log(`[isolation ${opts.label}] ${operations} operations checked in ${runs} runs (seed=${seed})`);
  console.log(`[isolation ${opts.label}] ${JSON.stringify(Object.fromEntries([...tally].sort()))}`);
  return { seed, runs, operations };
}
