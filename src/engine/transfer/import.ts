/**
 * Loads an export back: every line is validated before anything is written, then memories go in
 * per-user batches (one transaction each) with their original ids, times and salience. Lines
 * without vectors are embedded with the configured embedder; links are restored at the end,
 * when both ends exist. Ids the user already has are skipped, so a rerun after a failure resumes;
 * a user summary is restored only for a user the database has no row for.
 */
import { isSector } from '../../core/types.js';
import type { Embedder } from '../../embed/embedder.js';
import { OmError } from '../../errors.js';
import { userKey, userScope, type UserScope } from '../../store/scope.js';
import type { NewMemory, Store } from '../../store/store.js';
import type { ImportInput, ImportReport } from '../api.js';
import { embedItems } from '../embedding.js';
import {
  decodeVector,
  linesVectors,
  memoryLine,
  toRecord,
  userLine,
  type MemoryLine,
  type UserLine,
} from './line-format.js';

const BATCH = 200;

export type LineSource = () => AsyncIterable<string>;

/** What an import writes with. */
export interface ImportTarget {
  store: Store;
  embedder: Embedder;
}

const lineError = (lineNo: number, message: string) => new OmError('validation_error', `line ${lineNo}: ${message}`);

type Entry = MemoryLine | UserLine;

const isUser = (e: Entry): e is UserLine => 'kind' in e;

function parseLine(text: string, lineNo: number): Entry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw lineError(lineNo, 'not valid JSON');
  }
  const kind =
    json !== null && typeof json === 'object' && 'kind' in json ? (json as { kind: unknown }).kind : undefined;
  const r = (kind === undefined ? memoryLine : userLine).safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw lineError(lineNo, `${issue.path.join('.') || 'line'}: ${issue.message}`);
  }
  return r.data;
}

async function* entries(source: LineSource, firstLine = 1): AsyncGenerator<{ entry: Entry; lineNo: number }> {
  let lineNo = firstLine - 1;
  for await (const text of source()) {
    lineNo++;
    if (text.trim() !== '') yield { entry: parseLine(text, lineNo), lineNo };
  }
}

/**
 * First pass: the whole input must be valid (memory ids and users once each, decodable
 * vectors); returns how many memories it holds.
 */
export async function validateImport(
  source: LineSource,
  options: { firstLine?: number; onlyUser?: UserScope } = {},
): Promise<number> {
  const firstSeen = new Map<string, number>();
  const once = (key: string, what: string, lineNo: number) => {
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) throw lineError(lineNo, `${what} was already given on line ${earlier}`);
    firstSeen.set(key, lineNo);
  };
  let memories = 0;
  const only = options.onlyUser && userKey(options.onlyUser);
  for await (const { entry, lineNo } of entries(source, options.firstLine)) {
    if (only !== undefined && userKey(userScope(entry.user_id)) !== only) {
      throw lineError(lineNo, `user_id ${JSON.stringify(entry.user_id)} is not the user being imported into`);
    }
    if (isUser(entry)) {
      once(
        `user\u0000${userKey(userScope(entry.user_id))}`,
        `the summary of user ${entry.user_id ?? '(default)'}`,
        lineNo,
      );
      continue;
    }
    once(`memory\u0000${entry.id}`, `id ${entry.id}`, lineNo);
    try {
      for (const v of entry.vectors ?? []) decodeVector(v.data);
      if (entry.mean_vector) decodeVector(entry.mean_vector);
    } catch (err) {
      throw lineError(lineNo, (err as Error).message);
    }
    memories++;
  }
  return memories;
}

/** Two writes keep both times: the first creates the row at `created_at`, the second stamps `updated_at`. */
async function restoreUser(engine: ImportTarget, u: UserLine): Promise<boolean> {
  const scope = userScope(u.user_id);
  if (await engine.store.getUser(scope)) return false;
  await engine.store.saveUserSummary(scope, u.summary, u.reflection_count, u.created_at);
  await engine.store.saveUserSummary(scope, u.summary, 0, u.updated_at);
  return true;
}

async function toNewMemories(engine: ImportTarget, batch: MemoryLine[]): Promise<NewMemory[]> {
  const bare = batch.filter((l) => !l.vectors);
  const embedded = await embedItems(
    engine.embedder,
    bare.map((l) => ({
      text: l.content,
      sectors: l.sectors.length > 0 ? l.sectors : isSector(l.primary_sector) ? [l.primary_sector] : ['semantic'],
    })),
  );
  const fresh = new Map(bare.map((l, i) => [l, embedded[i]!]));
  return batch.map((l) => {
    const made = fresh.get(l);
    const mean = made ? made.mean : l.mean_vector ? decodeVector(l.mean_vector) : null;
    const { userId: _owner, ...memory } = toRecord(l, mean);
    return { memory, vectors: made ? made.vectors : linesVectors(l), waypoints: [] };
  });
}

/** Writes a validated input (see {@link validateImport}). */
export async function importMemories(
  engine: ImportTarget,
  source: LineSource,
  onMemory?: () => void,
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, skipped: 0, embedded: 0, links: 0, users: 0 };
  const links = new Map<string, Array<{ srcId: string; dstId: string; weight: number }>>();
  let batch: MemoryLine[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const scope = userScope(batch[0]!.user_id);
    const existing = new Set(
      (
        await engine.store.getMemories(
          scope,
          batch.map((l) => l.id),
        )
      ).map((m) => m.id),
    );
    const todo = batch.filter((l) => !existing.has(l.id));
    await engine.store.insertMemories(scope, await toNewMemories(engine, todo));
    report.imported += todo.length;
    report.skipped += batch.length - todo.length;
    report.embedded += todo.filter((l) => !l.vectors).length;
    const userLinks = links.get(userKey(scope)) ?? [];
    links.set(userKey(scope), userLinks);
    for (const l of todo) for (const w of l.links) userLinks.push({ srcId: l.id, dstId: w.to, weight: w.weight });
    for (let i = 0; i < batch.length; i++) onMemory?.();
    batch = [];
  };
  for await (const { entry: l } of entries(source)) {
    if (isUser(l)) {
      if (await restoreUser(engine, l)) report.users++;
      continue;
    }
    if (batch.length >= BATCH || (batch.length > 0 && batch[0]!.user_id !== l.user_id)) await flush();
    batch.push(l);
  }
  await flush();
  for (const [key, userLinks] of links) {
    const scope = userScope(key);
    for (let i = 0; i < userLinks.length; i += BATCH)
      await engine.store.upsertWaypoints(scope, userLinks.slice(i, i + BATCH));
    report.links += userLinks.length;
  }
  return report;
}

/**
 * An import into one user in parts (HTTP uploads a file a batch at a time): the lines must all be
 * that user's and are validated together before any is written; links (of lines sent earlier)
 * are restored where both ends are the user's.
 */
export async function importIntoUser(
  target: ImportTarget,
  scope: UserScope,
  input: ImportInput,
): Promise<ImportReport> {
  const lines = input.lines ?? [];
  const source: LineSource = async function* () {
    yield* lines;
  };
  await validateImport(source, { firstLine: input.firstLine ?? 1, onlyUser: scope });
  const report = await importMemories(target, source);
  const links = input.links ?? [];
  for (let i = 0; i < links.length; i += BATCH) {
    await target.store.upsertWaypoints(
      scope,
      links.slice(i, i + BATCH).map((l) => ({ srcId: l.from, dstId: l.to, weight: l.weight })),
    );
  }
  report.links += links.length;
  return report;
}
