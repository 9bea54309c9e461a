/**
 * /api/temporal/* — upstream v1.3's temporal fact routes with its paths and JSON, each acting for
 * the caller's user (from the key, or `user_id` as every other route); times answer as ISO 8601.
 */
import { OmError, validationError } from '../../../errors.js';
import {
  addFactBody,
  compareFactsQuery,
  currentFactQuery,
  decayFactsBody,
  factIdParams,
  factQuery,
  invalidateFactBody,
  searchFactsQuery,
  subjectFactsQuery,
  subjectParams,
  timelineQuery,
  updateFactBody,
  userOnlyQuery,
  volatileFactsQuery,
} from '../../schemas/temporal.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

const DEFAULT_MIN_CONFIDENCE = 0.1;
const DEFAULT_DECAY_RATE = 0.01;
const DEFAULT_VOLATILE_LIMIT = 10;
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Upstream's code for a fact id that is missing or another user's. */
async function orFactNotFound<T>(op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (e) {
    if (e instanceof OmError && e.code === 'not_found') throw new OmError('fact_not_found', 'fact not found');
    throw e;
  }
}

export function temporalRoutes({ engine }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/api/temporal/fact',
      summary: "Store a fact of the user; it closes the user's current fact of the same subject and predicate.",
      body: addFactBody,
      handler: async ({ body, scope }) => {
        const f = await engine.addFact(scope(body.user_id), {
          subject: body.subject,
          predicate: body.predicate,
          object: body.object,
          validFrom: body.valid_from ?? Date.now(),
          confidence: body.confidence ?? 1,
          metadata: body.metadata ?? null,
        });
        const { id, subject, predicate, object, valid_from, valid_to, confidence, user_id, project_id } = f;
        return {
          id,
          subject,
          predicate,
          object,
          valid_from,
          valid_to,
          confidence,
          user_id,
          project_id,
          message: 'Fact created successfully',
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/fact',
      summary: "The user's facts matching subject, predicate or object that hold at `at` (default now).",
      query: factQuery,
      handler: async ({ query, scope }) => {
        if (query.subject === undefined && query.predicate === undefined && query.object === undefined) {
          throw validationError('query: give at least one of subject, predicate, object');
        }
        const s = scope(query.user_id);
        const at = query.at ?? Date.now();
        const minConfidence = query.min_confidence ?? DEFAULT_MIN_CONFIDENCE;
        const { subject, predicate, object } = query;
        const facts = await engine.findFacts(s, { subject, predicate, object, at, minConfidence, order: 'confidence' });
        return {
          facts,
          query: {
            subject,
            predicate,
            object,
            at: iso(at),
            min_confidence: minConfidence,
            user_id: s.userId,
            project_id: null,
          },
          count: facts.length,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/fact/current',
      summary: "The user's current fact of a subject and predicate.",
      query: currentFactQuery,
      handler: async ({ c, query, scope }) => {
        const [fact] = await engine.findFacts(scope(query.user_id), {
          subject: query.subject,
          predicate: query.predicate,
          current: true,
          // Newest first: of two open facts (upstream allowed them), the later one is current.
          order: 'predicate',
          limit: 1,
        });
        if (fact === undefined)
          return c.json({ error: 'No current fact found', subject: query.subject, predicate: query.predicate }, 404);
        return { fact };
      },
    }),
    route({
      method: 'PATCH',
      path: '/api/temporal/fact/:id',
      summary: "Correct a fact's confidence or metadata.",
      params: factIdParams,
      body: updateFactBody,
      handler: async ({ params, body, scope }) => {
        if (body.confidence === undefined && body.metadata === undefined)
          throw validationError('body: give at least one of confidence, metadata');
        const { user_id, ...patch } = body;
        const f = await orFactNotFound(engine.updateFact(scope(user_id), params.id, patch));
        return { id: f.id, confidence: f.confidence, metadata: f.metadata, message: 'Fact updated successfully' };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/temporal/fact/:id',
      summary: 'Invalidate a fact at `valid_to` (default now); its history stays.',
      params: factIdParams,
      body: invalidateFactBody,
      handler: async ({ params, body, scope }) => {
        const f = await orFactNotFound(
          engine.updateFact(scope(body.user_id), params.id, { validTo: body.valid_to ?? Date.now() }),
        );
        return { id: f.id, valid_to: f.valid_to, message: 'Fact invalidated successfully' };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/timeline',
      summary: "Every creation and invalidation of the user's facts about a subject, oldest first.",
      query: timelineQuery,
      handler: async ({ query, scope }) => {
        const timeline = await engine.factTimeline(scope(query.user_id), query.subject, query.predicate);
        return { subject: query.subject, predicate: query.predicate, timeline, count: timeline.length };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/subject/:subject',
      summary: "The user's facts about a subject at `at` (default now), or all of them with include_historical=true.",
      params: subjectParams,
      query: subjectFactsQuery,
      handler: async ({ params, query, scope }) => {
        const historical = query.include_historical === 'true';
        const at = historical ? undefined : (query.at ?? Date.now());
        const facts = await engine.findFacts(scope(query.user_id), {
          subject: params.subject,
          ...(at === undefined ? {} : { at }),
          order: historical ? 'predicate' : 'confidence',
        });
        return {
          subject: params.subject,
          at: iso(query.at),
          include_historical: historical,
          facts,
          count: facts.length,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/search',
      summary: "The user's facts holding at `at` whose field contains the pattern (case-insensitive), at most 100.",
      query: searchFactsQuery,
      handler: async ({ query, scope }) => {
        const field = query.field ?? 'subject';
        const at = query.at ?? Date.now();
        const facts = await engine.findFacts(scope(query.user_id), {
          contains: { field, text: query.pattern },
          at,
          order: 'confidence',
          limit: 100,
        });
        return { pattern: query.pattern, field, at: iso(query.at), facts, count: facts.length };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/compare',
      summary: "The user's facts about a subject at two times: added, removed, changed, unchanged.",
      query: compareFactsQuery,
      handler: async ({ query, scope }) => {
        const c = await engine.compareFacts(scope(query.user_id), query.subject, query.time1, query.time2);
        return {
          subject: query.subject,
          time1: iso(query.time1),
          time2: iso(query.time2),
          ...c,
          summary: {
            added: c.added.length,
            removed: c.removed.length,
            changed: c.changed.length,
            unchanged: c.unchanged.length,
          },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/stats',
      summary: "Counts of the user's current and closed facts.",
      query: userOnlyQuery,
      handler: async ({ query, scope }) => ({ ...(await engine.factStats(scope(query.user_id))), scope: 'user' }),
    }),
    route({
      method: 'POST',
      path: '/api/temporal/decay',
      summary:
        "Admin: every user's current facts lose `decay_rate` of their confidence per day since they began (floor 0.1).",
      body: decayFactsBody,
      handler: async ({ body, caller }) => {
        if (caller.role !== 'admin') throw new OmError('admin_only', 'confidence decay needs the admin API key');
        const decayRate = body.decay_rate ?? DEFAULT_DECAY_RATE;
        return {
          decay_rate: decayRate,
          facts_updated: await engine.adminDecayFacts(decayRate),
          message: 'Confidence decay applied successfully',
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/temporal/volatile',
      summary: "The user's (subject, predicate) pairs that changed most often.",
      query: volatileFactsQuery,
      handler: async ({ query, scope }) => {
        const limit = query.limit ?? DEFAULT_VOLATILE_LIMIT;
        const volatile = await engine.volatileFacts(scope(query.user_id), query.subject, limit);
        return { subject: query.subject, limit, volatile_facts: volatile, count: volatile.length };
      },
    }),
  ];
}
