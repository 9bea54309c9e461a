/**
 * LangGraph memory (v1.2 /lgm/*) on top of the engine. Graph nodes map to sectors; the mapped
 * sector is the memory's sector (v1.2 only noted it in metadata, so retrieval missed items, D14).
 * Namespaces and graphs are metadata inside one user's memories, never a way across users.
 */
import type { Config } from '../../config.js';
import type { AddResult, MemoryEngine, MemoryView, QueryMatch } from '../../engine/api.js';
import type { Sector } from '../../core/types.js';
import type { UserScope } from '../../store/scope.js';
import { OmError } from '../../errors.js';
import { scanMemories } from '../scan.js';

export const NODE_SECTORS: Record<string, Sector> = {
  observe: 'episodic',
  plan: 'semantic',
  reflect: 'reflective',
  act: 'procedural',
  emotion: 'emotional',
};

export type LgmConfig = Config['lgm'] & { mode: string };

export interface LgmTarget {
  namespace?: string;
  graph_id?: string | null;
}

export const sectorOfNode = (node: string): Sector => NODE_SECTORS[node.toLowerCase()] ?? 'semantic';

const REFLECTION_CHARS = 480;
const SUMMARY_CHARS = 160;

export class LangGraphMemory {
  constructor(
    private readonly engine: MemoryEngine,
    private readonly config: LgmConfig,
  ) {}

  configView() {
    return {
      mode: this.config.mode,
      namespace_default: this.config.namespace,
      max_context: this.config.maxContext,
      reflective: this.config.reflective,
      node_sector_map: NODE_SECTORS,
    };
  }

  async store(
    scope: UserScope,
    input: LgmTarget & {
      node: string;
      content: string;
      tags?: string[];
      metadata?: Record<string, unknown>;
      reflective?: boolean;
    },
  ) {
    const node = input.node.toLowerCase();
    const memory = await this.#put(scope, node, input.content, input, input.tags ?? [], input.metadata ?? {});
    let reflection = null;
    if (node !== 'reflect' && (input.reflective ?? this.config.reflective)) {
      const { namespace, graphId } = this.#target(input);
      const header = `LangGraph reflection for node "${node}" | namespace=${namespace}${graphId ? ` | graph=${graphId}` : ''}`;
      reflection = await this.#put(
        scope,
        'reflect',
        `${header}\n\n${input.content.slice(0, REFLECTION_CHARS)}`,
        input,
        ['lgm:auto:reflection', `lgm:source:${memory.id}`],
        {},
      );
    }
    return { memory, reflection };
  }

  async retrieve(
    scope: UserScope,
    input: LgmTarget & { node: string; query?: string; limit?: number; include_metadata?: boolean },
  ) {
    const node = input.node.toLowerCase();
    const sector = sectorOfNode(node);
    const { namespace, graphId } = this.#target(input);
    const limit = input.limit ?? this.config.maxContext;
    const inTarget = (meta: Record<string, unknown>) => {
      const lgm = meta.lgm as { namespace?: unknown; graph_id?: unknown } | undefined;
      return lgm?.namespace === namespace && (graphId === null || lgm.graph_id === graphId);
    };
    const items = input.query
      ? (await this.engine.query(scope, { query: input.query, k: Math.min(100, limit * 2), sectors: [sector] })).matches
          .filter((m) => inTarget(m.metadata))
          .slice(0, limit)
          .map((m) => this.#item(node, m, input.include_metadata))
      : (
          await scanMemories(this.engine, scope, { sector, order: 'last_seen_desc' }, (m) => inTarget(m.metadata), {
            want: limit,
            maxScan: limit * 20,
          })
        ).map((m) => this.#item(node, m, input.include_metadata));
    return { node, sector, namespace, graph_id: graphId, query: input.query ?? null, count: items.length, items };
  }

  async context(scope: UserScope, input: LgmTarget & { limit?: number }) {
    const { namespace, graphId } = this.#target(input);
    const limit = input.limit ?? this.config.maxContext;
    const perNode = Math.max(1, Math.floor(limit / Object.keys(NODE_SECTORS).length));
    const nodes = [];
    for (const node of Object.keys(NODE_SECTORS)) {
      const r = await this.retrieve(scope, {
        node,
        namespace,
        graph_id: graphId,
        limit: perNode,
        include_metadata: true,
      });
      nodes.push({ node, sector: r.sector, items: r.items });
    }
    const summary = nodes
      .flatMap((n) => n.items.map((i) => `- [${n.node}] ${i.content.slice(0, SUMMARY_CHARS)}`))
      .join('\n');
    return { namespace, graph_id: graphId, limit, nodes, summary };
  }

  async reflection(scope: UserScope, input: LgmTarget & { node?: string; content?: string; context_ids?: string[] }) {
    const { namespace, graphId } = this.#target(input);
    const contextIds = input.context_ids ?? [];
    let content = input.content;
    if (!content) {
      const ctx = await this.context(scope, { namespace, graph_id: graphId });
      const lines = ctx.nodes.flatMap((n) => n.items.map((i) => `[${n.node}] ${i.content.slice(0, SUMMARY_CHARS)}`));
      if (lines.length === 0)
        throw new OmError('validation_error', 'content: nothing to reflect on (no content and no LangGraph context)');
      const head = `Reflection synthesized from LangGraph context (namespace=${namespace}${graphId ? `, graph=${graphId}` : ''})`;
      content = [head, ...lines.map((l, i) => `${i + 1}. ${l}`)].join('\n');
    }
    return this.store(scope, {
      node: input.node ?? 'reflect',
      content,
      namespace,
      graph_id: graphId,
      tags: ['lgm:manual:reflection', ...contextIds.map((id) => `lgm:context:${id}`)],
      metadata: { lgm_context_ids: contextIds },
      reflective: false,
    });
  }

  #target(t: LgmTarget): { namespace: string; graphId: string | null } {
    return { namespace: t.namespace ?? this.config.namespace, graphId: t.graph_id ?? null };
  }

  async #put(
    scope: UserScope,
    node: string,
    content: string,
    target: LgmTarget,
    tags: string[],
    metadata: Record<string, unknown>,
  ) {
    const { namespace, graphId } = this.#target(target);
    const sector = sectorOfNode(node);
    const allTags = [
      ...tags,
      `lgm:node:${node}`,
      `lgm:namespace:${namespace}`,
      ...(graphId ? [`lgm:graph:${graphId}`] : []),
    ];
    const meta = {
      ...metadata,
      lgm: { node, sector, namespace, graph_id: graphId, stored_at: Date.now(), mode: 'langgraph' },
    };
    const added: AddResult = await this.engine.add(scope, { content, tags: allTags, metadata: meta, sector });
    return {
      id: added.id,
      node,
      primary_sector: added.primary_sector,
      sectors: added.sectors,
      namespace,
      graph_id: graphId,
      tags: allTags,
      chunks: added.chunks,
      metadata: meta,
    };
  }

  #item(node: string, m: MemoryView | QueryMatch, includeMetadata = false) {
    const view = 'version' in m ? m : null;
    const match = 'score' in m ? m : null;
    return {
      id: m.id,
      node,
      content: m.content,
      primary_sector: m.primary_sector,
      sectors: m.sectors,
      tags: m.tags,
      created_at: m.created_at,
      last_seen_at: m.last_seen_at,
      salience: m.salience,
      ...(view ? { updated_at: view.updated_at, decay_lambda: view.decay_lambda, version: view.version } : {}),
      ...(match ? { score: match.score, path: match.path } : {}),
      ...(includeMetadata ? { metadata: m.metadata } : {}),
    };
  }
}
