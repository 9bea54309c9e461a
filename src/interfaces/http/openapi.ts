/**
 * Builds the OpenAPI document from the same route declarations and zod schemas that validate
 * requests and type replies; error responses come from the catalogue in src/errors.ts.
 */
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../../errors.js';
import { errorReply } from '../schemas/responses.js';
import { routeName, type RouteSpec } from './route.js';

type Json = Record<string, unknown>;

function toSchema(s: z.ZodType, io: 'input' | 'output') {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  const { $schema: _dialect, ...schema } = json;
  return schema;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const required = new Set<string>(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

/** One shared response per error status, describing each code that answers with it. */
function errorResponses(): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of Object.keys(ERRORS) as ErrorCode[]) {
    const { status } = ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.map((code) => `\`${code}\`: ${ERRORS[code].meaning}`).join('; '),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

const errorRef = (status: number) => ({ $ref: `#/components/responses/${status}` });

/** The error statuses an operation can answer, from what it declares. */
function errorStatuses(spec: RouteSpec): number[] {
  const statuses = [400, 401, 403, 404, 413, 415, 429];
  return statuses.filter((s) => {
    if (s === 400) return Boolean(spec.body || spec.query || spec.params);
    if (s === 401) return spec.access !== 'public';
    if (s === 404) return spec.path.includes(':');
    if (s === 413 || s === 415) return spec.method !== 'GET';
    if (s === 429) return spec.rateLimited !== false;
    return true; // 403: keys, and pages of other origins or unknown Host names on every route
  });
}

/** `get /memory/{id}` → `getMemoryId`. */
const operationId = (method: string, path: string) =>
  method.toLowerCase() +
  path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''));

function operation(spec: RouteSpec, path: string, maxPayloadBytes: number): Json {
  const bodyLimit = spec.method === 'GET' ? '' : `Request body at most ${maxPayloadBytes} bytes (OM_MAX_PAYLOAD_SIZE).`;
  const description = [spec.description, bodyLimit].filter(Boolean).join(' ');
  const media = spec.responseType ?? 'application/json';
  const bare = { type: media === 'application/json' ? 'object' : 'string' };
  const ok = spec.response ? toSchema(spec.response, 'output') : bare;
  const op: Json = {
    summary: spec.summary,
    ...(description ? { description } : {}),
    operationId: operationId(spec.method, path),
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    responses: {
      '200': { description: 'OK', content: { [media]: { schema: ok } } },
      ...Object.fromEntries(errorStatuses(spec).map((s) => [String(s), errorRef(s)])),
    },
    ...(spec.access === 'public' ? { security: [] } : {}),
  };
  if (spec.body) {
    // Required when an empty object would not do (`{}` is what an empty body reads as).
    const required = !spec.body.safeParse({}).success;
    op.requestBody = { required, content: { 'application/json': { schema: toSchema(spec.body, 'input') } } };
  }
  return op;
}

/** POST /mcp is mounted apart from the route table (src/interfaces/mcp/http.ts). */
function mcpPath(maxPayloadBytes: number): Json {
  const rpc = { type: 'object', properties: { jsonrpc: { const: '2.0' } }, required: ['jsonrpc'] };
  const json = { 'application/json': { schema: rpc } };
  const request = { 'application/json': { schema: { ...rpc, required: ['jsonrpc', 'method'] } } };
  return {
    post: {
      summary: 'Model Context Protocol over streamable HTTP: JSON-RPC 2.0, stateless, JSON answers.',
      description:
        "Tools openmemory_store, _query, _get, _list, _delete, _reinforce, _user_summary act in the key's scope; " +
        'tool failures are results with `isError` and `structuredContent: {error, message}` using the codes of the ' +
        `error catalogue. Request body at most ${maxPayloadBytes} bytes (OM_MAX_PAYLOAD_SIZE). Other methods are 405.`,
      operationId: 'postMcp',
      requestBody: { required: true, content: request },
      responses: {
        '200': { description: 'A JSON-RPC response', content: json },
        '400': { description: 'A JSON-RPC error (-32600) for a body that is not JSON', content: json },
        ...Object.fromEntries([401, 403, 413, 415, 429].map((s) => [String(s), errorRef(s)])),
      },
    },
  };
}

export function openApiDocument(specs: RouteSpec[], version: string, maxPayloadBytes: number) {
  const paths: Record<string, Json> = {};
  for (const spec of specs) {
    const path = routeName(spec.path).replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation(spec, path, maxPayloadBytes) };
  }
  paths['/mcp'] = mcpPath(maxPayloadBytes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'OpenMemory',
      version,
      description: 'Long-term memory for AI agents, strictly per user; wire-compatible with OpenMemory v1.2.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
      schemas: { Error: toSchema(errorReply, 'output') },
      responses: errorResponses(),
    },
    security: [{ bearer: [] }, { apiKeyHeader: [] }],
    paths,
  };
}
