/**
 * Stores an extracted document for one user: one memory when it is short, otherwise a root
 * memory plus one memory per section, every section linked from the root (v1.2 D4/D5 lost them),
 * all in one write; a document past OM_INGEST_MAX_SECTIONS is refused before anything is stored.
 */
import type { MemoryEngine } from '../../engine/api.js';
import type { UserScope } from '../../store/scope.js';
import type { Extraction } from './extract.js';
import { overLimit, type IngestLimits } from './limits.js';
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
  limits: IngestLimits,
  metadata: Record<string, unknown> = {},
  options: IngestOptions = {},
): Promise<IngestResult> {
  const tokens = doc.extraction.estimated_tokens;
  const base = { ...metadata, ...doc.extraction, ingested_at: Date.now() };
  const rootChild = options.force_root === true || tokens > (options.lg_thresh ?? DEFAULT_ROOT_THRESHOLD_TOKENS);
  if (!rootChild) {
    const added = await engine.add(scope, { content: doc.text, metadata: { ...base, ingestion_strategy: 'single' } });
    return {
      root_memory_id: added.id,
      child_count: 0,
      total_tokens: tokens,
      strategy: 'single',
      extraction: doc.extraction,
    };
  }

  const sections = splitSections(doc.text, options.sec_sz ?? DEFAULT_SECTION_CHARS);
  if (sections.length > limits.maxSections) {
    throw overLimit(limits, 'maxSections', `data: the document makes ${sections.length} sections`);
  }
  const shared = { ...base, ingestion_strategy: 'root-child', total_sections: sections.length };
  const [root] = await engine.addDocument(scope, {
    root: {
      content: rootContent(doc, sections.length),
      sector: 'reflective',
      salience: 1,
      metadata: { ...shared, is_root: true },
    },
    // parent_id is the root's id, which the engine sets in the same write.
    sections: sections.map((content, i) => ({
      content,
      metadata: { ...shared, is_child: true, section_index: i },
    })),
    weight: 1,
  });
  const extraction = doc.extraction;
  return {
    root_memory_id: root!.id,
    child_count: sections.length,
    total_tokens: tokens,
    strategy: 'root-child',
    extraction,
  };
}
