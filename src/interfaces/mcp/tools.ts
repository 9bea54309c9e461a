/**
 * The OpenMemory MCP tools. Each input schema is the zod schema of the matching HTTP route
 * (src/interfaces/schemas), so both transports validate alike; where v1.2's MCP tools spelled an
 * argument differently, the schema is derived from the route's with that spelling added.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { MemoryEngine, MemoryView, QueryResult } from '../../engine/api.js';
import type { UserScope } from '../../store/scope.js';
import {
  addMemoryBody,
  deleteMemoryBody,
  listMemoriesQuery,
  queryFilters,
  queryMemoryBody,
  reinforceBody,
  userQuery,
} from '../schemas/memory.js';
import { historyText } from '../history-text.js';
import { memoryIdField } from '../schemas/common.js';
import { addFactBody, compareFactsQuery, factQuery, timelineQuery } from '../schemas/temporal.js';
import { toAddInput, toListInput, toQueryInput } from '../wire-input.js';
import { preview, toolError, toolResult } from './tool-result.js';

/** What a tool needs besides its arguments: the engine and the caller's scope rule. */
export interface ToolContext {
  engine: MemoryEngine;
  /** The scope for a user id the arguments name (undefined = none named); throws `forbidden`. */
  scope: (requested: string | null | undefined) => UserScope;
  logError: (err: unknown) => void;
}

/** The HTTP list route's query string without its v1.2 short names (`l`, `u`). */
const listArgs = listMemoriesQuery.pick({ limit: true, offset: true, sector: true, user_id: true });
/** The HTTP query body plus v1.2's MCP spelling: `sector` and `min_salience` beside `query`. */
const queryArgs = queryMemoryBody.extend({
  sector: queryFilters.shape.sector,
  min_salience: queryFilters.shape.min_salience,
});
// Any string: an id that is no memory of the user is a tool error an agent can read ("not found"),
// not a protocol error as the HTTP path's UUID shape would make it.
const memoryId = z.object({ id: memoryIdField });
const memoryArgs = memoryId.extend(userQuery.shape);
const deleteArgs = memoryId.extend(deleteMemoryBody.shape);

const round = (n: number, digits: number) => Number(n.toFixed(digits));

function queryText(r: QueryResult): string {
  if (r.matches.length === 0) return 'No memories matched the supplied query.';
  return r.matches
    .map(
      (m, i) =>
        `${i + 1}. [${m.primary_sector}] score=${round(m.score, 4)} salience=${round(m.salience, 4)} id=${m.id}\n${preview(m.content, 200)}`,
    )
    .join('\n\n');
}

function listText(items: MemoryView[]): string {
  if (items.length === 0) return 'No memories stored for this user.';
  return items
    .map(
      (m, i) =>
        `${i + 1}. [${m.primary_sector}] salience=${round(m.salience, 3)} id=${m.id}\n${preview(m.content, 240)}`,
    )
    .join('\n\n');
}

export const TOOL_NAMES = [
  'openmemory_store',
  'openmemory_query',
  'openmemory_list',
  'openmemory_get',
  'openmemory_history',
  'openmemory_reinforce',
  'openmemory_delete',
  'openmemory_user_summary',
  'openmemory_temporal_fact_create',
  'openmemory_temporal_fact_query',
  'openmemory_temporal_timeline',
  'openmemory_temporal_fact_compare',
] as const;

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

/** Registers the tools; returns their names. */
export function registerTools(server: McpServer, ctx: ToolContext): string[] {
  const { engine, scope } = ctx;
  const guarded =
    <A>(run: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return await run(args);
      } catch (err) {
        return toolError(err, ctx.logError);
      }
    };

  server.registerTool(
    'openmemory_store',
    {
      description: 'Store a memory for a user. Near-identical content reinforces the existing memory instead.',
      inputSchema: addMemoryBody,
    },
    guarded(async ({ user_id, ...fields }) => {
      const s = scope(user_id);
      const r = await engine.add(s, toAddInput(fields));
      const verb = r.deduplicated ? 'Reinforced existing memory' : 'Stored memory';
      return toolResult(
        { ...r, user_id: s.userId },
        `${verb} ${r.id} (primary sector ${r.primary_sector}; sectors ${r.sectors.join(', ')}).`,
      );
    }),
  );

  server.registerTool(
    'openmemory_query',
    {
      description: "Find a user's memories relevant to a query, best first.",
      inputSchema: queryArgs,
      annotations: { openWorldHint: false },
    },
    guarded(async ({ query, k, filters, user_id, sector, min_salience }) => {
      const named = filters?.user_id !== undefined ? filters.user_id : user_id;
      const r = await engine.query(scope(named), toQueryInput(query, k, { sector, min_salience, ...filters }));
      return toolResult(r, queryText(r));
    }),
  );

  server.registerTool(
    'openmemory_list',
    { description: "List a user's memories, newest first.", inputSchema: listArgs, annotations: READ_ONLY },
    guarded(async ({ user_id, ...options }) => {
      const items = await engine.list(scope(user_id), toListInput({ limit: 10, ...options }));
      return toolResult({ items }, listText(items));
    }),
  );

  server.registerTool(
    'openmemory_get',
    { description: 'Fetch one memory of a user by id.', inputSchema: memoryArgs, annotations: READ_ONLY },
    guarded(async ({ id, user_id }) => {
      const m = await engine.get(scope(user_id), id);
      return toolResult(m, `Memory ${m.id} [${m.primary_sector}] salience=${round(m.salience, 3)}\n${m.content}`);
    }),
  );

  server.registerTool(
    'openmemory_history',
    {
      description: "A memory's changes, oldest first: add, update, reinforce, supersede, delete (kept after a delete).",
      inputSchema: memoryArgs,
      annotations: READ_ONLY,
    },
    guarded(async ({ id, user_id }) => {
      const history = await engine.history(scope(user_id), id);
      return toolResult({ id, history }, historyText(history));
    }),
  );

  server.registerTool(
    'openmemory_reinforce',
    { description: "Raise a memory's salience (default boost 0.1).", inputSchema: reinforceBody },
    guarded(async ({ id, boost, user_id }) => {
      const salience = await engine.reinforce(scope(user_id), id, boost);
      return toolResult({ id, salience }, `Reinforced memory ${id}; salience is now ${round(salience, 4)}.`);
    }),
  );

  server.registerTool(
    'openmemory_delete',
    {
      description: 'Delete a memory with its vectors and links.',
      inputSchema: deleteArgs,
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded(async ({ id, user_id }) => {
      await engine.delete(scope(user_id), id);
      return toolResult({ ok: true, id }, `Deleted memory ${id}.`);
    }),
  );

  server.registerTool(
    'openmemory_user_summary',
    {
      description: 'A short summary of what is remembered about a user.',
      inputSchema: userQuery,
      annotations: READ_ONLY,
    },
    guarded(async ({ user_id }) => {
      const s = await engine.userSummary(scope(user_id));
      return toolResult(s, s.summary || 'Nothing is remembered about this user yet.');
    }),
  );
  registerTemporalTools(server, ctx, guarded);
  return [...TOOL_NAMES];
}

/** Upstream v1.3's temporal fact tools (names as upstream), on the schemas of /api/temporal. */
function registerTemporalTools(
  server: McpServer,
  { engine, scope }: ToolContext,
  guarded: <A>(run: (args: A) => Promise<CallToolResult>) => (args: A) => Promise<CallToolResult>,
): void {
  server.registerTool(
    'openmemory_temporal_fact_create',
    {
      description:
        "Store a fact (subject, predicate, object) valid from a time; it closes the user's current fact of that subject and predicate.",
      inputSchema: addFactBody,
    },
    guarded(async ({ user_id, valid_from, confidence, metadata, ...spo }) => {
      const f = await engine.addFact(scope(user_id), {
        ...spo,
        validFrom: valid_from ?? Date.now(),
        confidence: confidence ?? 1,
        metadata: metadata ?? null,
      });
      return toolResult(
        f,
        `Created temporal fact ${f.id}: ${f.subject} ${f.predicate} ${f.object} (from ${f.valid_from}).`,
      );
    }),
  );

  server.registerTool(
    'openmemory_temporal_fact_query',
    {
      description: "The user's facts matching subject, predicate or object that hold at a time (default now).",
      inputSchema: factQuery,
      annotations: READ_ONLY,
    },
    guarded(async ({ user_id, at, min_confidence, subject, predicate, object }) => {
      const facts = await engine.findFacts(scope(user_id), {
        subject,
        predicate,
        object,
        at: at ?? Date.now(),
        minConfidence: min_confidence ?? 0,
        order: 'confidence',
      });
      const text = facts
        .map(
          (f) =>
            `${f.subject} ${f.predicate} ${f.object} (since ${f.valid_from}, confidence ${f.confidence}) id=${f.id}`,
        )
        .join('\n');
      return toolResult({ facts, count: facts.length }, text || 'No facts found matching the criteria.');
    }),
  );

  server.registerTool(
    'openmemory_temporal_timeline',
    {
      description: "Every creation and invalidation of the user's facts about a subject, oldest first.",
      inputSchema: timelineQuery,
      annotations: READ_ONLY,
    },
    guarded(async ({ user_id, subject, predicate }) => {
      const timeline = await engine.factTimeline(scope(user_id), subject, predicate);
      const text = timeline
        .map((e) => `${e.timestamp} ${e.change_type}: ${e.subject} ${e.predicate} ${e.object}`)
        .join('\n');
      return toolResult({ subject, timeline, count: timeline.length }, text || `No facts about ${subject}.`);
    }),
  );

  server.registerTool(
    'openmemory_temporal_fact_compare',
    {
      description: "The user's facts about a subject at two times: added, removed, changed, unchanged.",
      inputSchema: compareFactsQuery,
      annotations: READ_ONLY,
    },
    guarded(async ({ user_id, subject, time1, time2 }) => {
      const c = await engine.compareFacts(scope(user_id), subject, time1, time2);
      const summary = {
        added: c.added.length,
        removed: c.removed.length,
        changed: c.changed.length,
        unchanged: c.unchanged.length,
      };
      return toolResult(
        { subject, ...c, summary },
        `${subject}: ${Object.entries(summary)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}.`,
      );
    }),
  );
}
