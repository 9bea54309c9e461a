/**
 * Stores an extracted document for one user: one memory when it is short, otherwise a root
 * memory plus one memory per section, every section linked from the root (v1.2 D4/D5 lost them).
 */
import type { AddInput, MemoryEngine } from '../../engine/api.js';
import type { UserScope } from '../../store/scope.js';
import { type Extraction } from './extract.js';
import { splitSections } from './sections.js';

export interface IngestOptions {
  force_root?: boolean;
  sec_sz?: number;
  lg_thresh?: number;
}

export interface IngestResult {
  root_memory_id: string;
  child_count: number;
  total_tokens: number;
  strategy: 'single' | 'root-child';
  extraction: Extraction['extraction'];
}

const DEFAULT_SECTION_CHARS = 3000;
const DEFAULT_ROOT_THRESHOLD_TOKENS = 8000;
const ROOT_PREVIEW_CHARS = 500;

function rootContent(doc: Extraction, sections: number): string {
  const preview = doc.text.length > ROOT_PREVIEW_CHARS ? `${doc.text.slice(0, ROOT_PREVIEW_CHARS)}...` : doc.text;
  return `[Document: ${doc.extraction.content_type.toUpperCase()}]\n\n${preview}\n\n[Full content split across ${sections} sections]`;
}

export async function ingestDocument(
  engine: MemoryEngine,
  scope: UserScope,
  doc: Extraction,
  metadata: Record<string, unknown> = {},
  options: IngestOptions = {},
): Promise<IngestResult> {
  const tokens = doc.extraction.estimated_tokens;
  const base = { ...metadata, ...doc.extraction, ingested_at: Date.now() };
  const rootChild = options.force_root === true || tokens > (options.lg_thresh ?? DEFAULT_ROOT_THRESHOLD_TOKENS);
  if (!rootChild) {
    const added = await engine.add(scope, { content: doc.text, metadata: { ...base, ingestion_strategy: 'single' } });
    return { root_memory_id: added.id, child_count: 0, total_tokens: tokens, strategy: 'single', extraction: doc.extraction };
  }

  const sections = splitSections(doc.text, options.sec_sz ?? DEFAULT_SECTION_CHARS);
  const root = await engine.add(scope, {
    content: rootContent(doc, sections.length),
    sector: 'reflective',
    salience: 1,
    metadata: { ...base, ingestion_strategy: 'root-child', is_root: true, total_sections: sections.length },
  });
  // Root, sections and links are three engine calls; what this call created is removed again
  // if a later one fails, so a failed ingest leaves nothing behind. Memories the user already
  // had (deduplicated) are never in this set.
  const created = new Set(root.deduplicated ? [] : [root.id]);
  try {
    const children: AddInput[] = sections.map((content, i) => ({
      content,
      metadata: { ...base, ingestion_strategy: 'root-child', is_child: true, section_index: i, total_sections: sections.length, parent_id: root.id },
    }));
    const added = await engine.addMany(scope, children);
    for (const a of added) if (!a.deduplicated) created.add(a.id);
    // Sections identical to one another deduplicate to one memory; link each distinct one once.
    const childIds = [...new Set(added.map((a) => a.id).filter((id) => id !== root.id))];
    await engine.link(scope, root.id, childIds, 1);
    return { root_memory_id: root.id, child_count: sections.length, total_tokens: tokens, strategy: 'root-child', extraction: doc.extraction };
  } catch (err) {
    await removeCreated(engine, scope, created);
    throw err;
  }
}

/** Best effort: the ingest's own error is the one to report, not a failure while undoing it. */
async function removeCreated(engine: MemoryEngine, scope: UserScope, ids: ReadonlySet<string>): Promise<void> {
  for (const id of ids) await engine.delete(scope, id).catch(() => undefined);
}
