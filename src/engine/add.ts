/**
 * Adding memories: validate, deduplicate within the user, classify, embed (one batched
 * call), link to the user's closest memories, and insert everything in one store call.
 */
import { randomUUID } from 'node:crypto';
import { classify, sectorsOf } from '../core/classify.js';
import { DEDUP_BOOST, clamp01 } from '../core/decay.js';
import { sectorLambda } from '../core/sectors.js';
import { THREAD_LINK_WEIGHT, threadOf } from '../core/thread.js';
import { unitCosine } from '../core/vector.js';
import { fingerprintBits, isNearDuplicate, sameWording, simhash, type FingerprintBits } from '../core/simhash.js';
import type { Sector } from '../core/types.js';
import { OmError, validationError } from '../errors.js';
import type { MemoryMerge, NewMemory, RecallMemory, UserView } from '../store/store.js';
import { isLowerUuid } from '../store/ids.js';
import { actorOf, userKey, type UserScope } from '../store/scope.js';
import type { AddInput, AddResult } from './api.js';
import type { EngineContext } from './context.js';
import { embedItems } from './embedding.js';
import { optionalNumber, optionalObject, optionalSector, optionalTags, requireText } from './validate.js';
import { BatchPeers, linksFor } from './waypoints.js';

/** Nearest neighbours at least this similar are checked for a near-duplicate fingerprint. */
const NEAR_DUPLICATE_SIMILARITY = 0.95;
const MAX_CONTENT_CHARS = 200_000;

interface Prepared {
  index: number;
  input: AddInput;
  simhash: string;
  /** The input's tags plus those of later repeats in the same batch. */
  tags: string[];
}

/** An earlier fresh item of the batch, for near-duplicate checks (its links go through {@link BatchPeers}). */
interface Peer {
  /** Its primary sector's vector. */
  primary: Float32Array;
  index: number;
  /** Parsed once: every later item of the batch is compared with it. */
  bits: FingerprintBits | null;
  tags: string[];
}

export function checkInput(input: AddInput, index: number): AddInput {
  const at = (f: string) => (index === 0 ? f : `[${index}].${f}`);
  if (input === null || typeof input !== 'object') throw validationError(`${at('input')} must be an object`);
  const content = requireText(input.content, at('content'));
  if (content.length > MAX_CONTENT_CHARS)
    throw validationError(`${at('content')} must be at most ${MAX_CONTENT_CHARS} characters`);
  optionalTags(input.tags, at('tags'));
  optionalObject(input.metadata, at('metadata'));
  optionalSector(input.sector, at('sector'));
  optionalNumber(input.salience, at('salience'), 0, 1);
  optionalNumber(input.createdAt, at('createdAt'), 0, Number.MAX_SAFE_INTEGER);
  if (input.id !== undefined && !isLowerUuid(input.id)) throw validationError(`${at('id')} must be a lower-case UUID`);
  return input;
}

/** An existing memory that inputs of this call repeat; written in the same transaction as the new rows. */
interface Absorbed {
  memory: Pick<RecallMemory, 'id' | 'salience' | 'tags' | 'primarySector'>;
  hits: number;
  tags: string[];
  /** The first input that repeated it, and who added that. */
  repeatedBy: string;
  actor: string;
}

function addTags(into: string[], extra: readonly string[] | undefined): void {
  for (const t of extra ?? []) if (!into.includes(t)) into.push(t);
}

function duplicateResult(id: string, primary: string): AddResult {
  return { id, primary_sector: primary as Sector, sectors: [primary as Sector], chunks: 0, deduplicated: true };
}

/** Each repeat reinforces the existing memory, which also adopts the new tags (v1.2 dropped them). */
function merges(absorbed: ReadonlyMap<string, Absorbed>, now: number): MemoryMerge[] {
  return [...absorbed.values()].map((a) => ({
    id: a.memory.id,
    salience: clamp01(a.memory.salience + a.hits * DEDUP_BOOST),
    lastSeenAt: now,
    ...(a.tags.length !== (a.memory.tags ?? []).length ? { tags: a.tags } : {}),
    repeatedBy: a.repeatedBy,
    actor: a.actor,
  }));
}

/** An input of a batch with the actor of the call that brought it (see UserScope.actor). */
export interface Queued {
  input: AddInput;
  actor: string;
}

/** Adds of one user arriving while another of theirs is written are written together next (see KeyedLock.batch). */
const MAX_JOINT_ITEMS = 256;

/**
 * `quota: false` for memories the engine derives itself (reflections): a user at
 * OM_MAX_MEMORIES_PER_USER can add nothing, but the jobs still run for them.
 */
export async function addMemories(
  ctx: EngineContext,
  scope: UserScope,
  inputs: readonly AddInput[],
  { quota = true } = {},
): Promise<AddResult[]> {
  if (!Array.isArray(inputs)) throw validationError('inputs must be an array');
  inputs.forEach(checkInput);
  const limit = quota ? ctx.config.maxMemoriesPerUser : 0;
  // Adds of the same user by other keys may join the batch: each input keeps its own actor.
  const queued = inputs.map((input) => ({ input, actor: actorOf(scope) }));
  return ctx.userLock.batch(userKey(scope), queued, MAX_JOINT_ITEMS, async (items) => {
    const results = await addLocked(ctx, scope, items, limit);
    ctx.summaries.markDirty(scope);
    return results;
  });
}

/** What a caller may change in the rows about to be inserted, knowing every input's result (./add-document.ts). */
export type BeforeInsert = (results: readonly AddResult[], rows: NewMemory[]) => void;

/**
 * Under the user's lock: one transaction with the new rows and the merges into the memories they
 * repeat. `limit` is OM_MAX_MEMORIES_PER_USER for this call (0: none).
 */
export async function addLocked(
  ctx: EngineContext,
  scope: UserScope,
  queued: readonly Queued[],
  limit: number,
  beforeInsert?: BeforeInsert,
): Promise<AddResult[]> {
  const inputs = queued.map((q) => q.input);
  const results: AddResult[] = new Array(inputs.length);
  const fresh: Prepared[] = [];
  const absorbed = new Map<string, Absorbed>();
  const absorb = (m: Absorbed['memory'], index: number, tags: readonly string[]): AddResult => {
    const { input, actor } = queued[index]!;
    const a = absorbed.get(m.id) ?? { memory: m, hits: 0, tags: [...(m.tags ?? [])], repeatedBy: input.content, actor };
    a.hits++;
    addTags(a.tags, tags);
    absorbed.set(m.id, a);
    return duplicateResult(m.id, m.primarySector);
  };
  /** Later items of the batch that repeat an earlier fresh item: index → that item's index. */
  const repeats = new Map<number, number>();
  const hashes = inputs.map((input) => simhash(input.content));
  const stored = await ctx.store.findBySimhash(scope, hashes);
  for (const [index, input] of inputs.entries()) {
    const hash = hashes[index]!;
    // Same fingerprint and wording; near (not equal) fingerprints are confirmed with vectors below.
    const earlier = fresh.find((p) => p.simhash === hash && sameWording(p.input.content, input.content));
    if (earlier) {
      addTags(earlier.tags, input.tags);
      repeats.set(index, earlier.index);
      continue;
    }
    const prepared: Prepared = { index, input, simhash: hash, tags: [] };
    addTags(prepared.tags, input.tags);
    const existing = stored.find((m) => m.simhash === hash && sameWording(m.content, input.content));
    if (existing) results[index] = absorb(existing, index, prepared.tags);
    else fresh.push(prepared);
  }
  const classes = fresh.map((p) => classify(p.input.content, p.input.sector ?? p.input.metadata?.sector));
  const embedded = await embedItems(
    ctx.embedder,
    fresh.map((p, i) => ({ text: p.input.content, sectors: sectorsOf(classes[i]!) })),
  );
  const now = ctx.now();
  const rows: NewMemory[] = [];
  const peers: Peer[] = [];
  const peerVectors = new BatchPeers();
  /** The newest memory of each thread written by this call so far. */
  const threadTails = new Map<string, string>();
  // One epoch read for the whole call: the user's writes are serialised, and the batch's own memories are its peers.
  const view = await ctx.store.view(scope);
  for (const [i, p] of fresh.entries()) {
    const c = classes[i]!;
    const e = embedded[i]!;
    const bits = fingerprintBits(p.simhash);
    const twin = peers.find(
      (q) =>
        isNearDuplicate(q.bits, bits) &&
        unitCosine(q.primary, e.vectors[0]!.vector) >= NEAR_DUPLICATE_SIMILARITY &&
        sameWording(inputs[q.index]!.content, p.input.content),
    );
    if (twin) {
      addTags(twin.tags, p.tags);
      repeats.set(p.index, twin.index);
      continue;
    }
    const links = linksFor(view, e.vectors, peerVectors);
    const near = nearDuplicate(view, p, links.candidates);
    if (near) {
      results[p.index] = absorb(near, p.index, p.tags);
      continue;
    }
    const id = p.input.id ?? randomUUID();
    const createdAt = p.input.createdAt ?? now;
    const thread = ctx.config.engine.threadLinks ? threadOf(p.input.metadata) : null;
    const previous = thread === null ? undefined : (threadTails.get(thread) ?? view.threadTail(thread));
    if (thread !== null) threadTails.set(thread, id);
    rows.push({
      memory: {
        id,
        segment: 0,
        content: p.input.content,
        simhash: p.simhash,
        primarySector: c.primary,
        // Shared with the peer entry: repeats later in the batch add their tags before the insert.
        tags: p.tags,
        meta: p.input.metadata ?? {},
        createdAt,
        updatedAt: createdAt,
        lastSeenAt: createdAt,
        salience: p.input.salience ?? clamp01(0.4 + 0.1 * c.additional.length),
        decayLambda: sectorLambda(c.primary),
        version: 1,
        meanDim: e.mean?.length ?? null,
        meanVec: e.mean,
        feedbackScore: 0,
      },
      vectors: e.vectors,
      waypoints:
        previous === undefined
          ? links.waypoints
          : [
              ...links.waypoints.filter((w) => w.dstId !== previous),
              { dstId: previous, weight: ctx.config.engine.threadBackWeight },
            ],
      incoming: previous === undefined ? undefined : [{ srcId: previous, weight: THREAD_LINK_WEIGHT }],
      actor: queued[p.index]!.actor,
    });
    results[p.index] = { id, primary_sector: c.primary, sectors: sectorsOf(c), chunks: e.chunks };
    peers.push({ primary: e.vectors[0]!.vector, index: p.index, bits, tags: p.tags });
    peerVectors.add(id, e.vectors);
  }
  const newRows = new Map(rows.map((r) => [r.memory.id, r]));
  for (const index of repeats.keys()) {
    // A repeat may point at an item that itself became a near-duplicate twin: follow the chain.
    let original = repeats.get(index)!;
    while (!results[original]) original = repeats.get(original)!;
    const { id, primary_sector, deduplicated } = results[original]!;
    results[index] = duplicateResult(id, primary_sector);
    // Reinforced as if added after it: batched adds end as the same adds one by one would.
    if (deduplicated) absorbed.get(id)!.hits++;
    else {
      const row = newRows.get(id)!;
      row.memory.salience = clamp01(row.memory.salience + DEDUP_BOOST);
      (row.repeats ??= []).push({ content: inputs[index]!.content, actor: queued[index]!.actor });
    }
  }
  // Counted from the model in process (no query): duplicates absorbed above add nothing.
  if (limit > 0 && rows.length > 0 && view.size + rows.length > limit) {
    const message = `this user holds ${view.size} memories; ${rows.length} more would pass OM_MAX_MEMORIES_PER_USER (${limit})`;
    throw new OmError('quota_exceeded', message);
  }
  beforeInsert?.(results, rows);
  // One transaction: if it fails, nothing of this call has been written.
  if (rows.length > 0 || absorbed.size > 0) {
    const embedLog = { model: ctx.embedder.id, ts: now };
    await ctx.store.insertMemories(scope, rows, { embedLog, merges: merges(absorbed, now), at: now });
  }
  return results;
}

function nearDuplicate(
  view: UserView,
  p: Prepared,
  candidates: ReadonlyArray<{ id: string; similarity: number }>,
): RecallMemory | null {
  const close = candidates
    .filter((c) => c.similarity >= NEAR_DUPLICATE_SIMILARITY)
    .flatMap((c) => view.memory(c.id) ?? []);
  return (
    close
      .filter((m) => isNearDuplicate(m.simhash, p.simhash) && sameWording(m.content, p.input.content))
      .sort((a, b) => b.salience - a.salience)[0] ?? null
  );
}
