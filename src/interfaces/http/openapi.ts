/** Builds the OpenAPI document from the same route declarations and zod schemas that validate requests. */
import { z } from 'zod';
import type { RouteSpec } from './route.js';

function toSchema(s: z.ZodType): Record<string, any> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, any>;
  return schema;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema);
  const required = new Set<string>(json.required ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, unknown>).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

const errorResponse = {
  description: 'Error',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } }, required: ['error', 'message'] },
    },
  },
};

export function openApiDocument(specs: RouteSpec[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: spec.summary,
      operationId: `${spec.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        '400': errorResponse,
        ...(spec.access === 'public' ? {} : { '401': errorResponse, '403': errorResponse }),
        '404': errorResponse,
      },
      ...(spec.access === 'public' ? { security: [] } : {}),
    };
    if (spec.body) op.requestBody = { required: false, content: { 'application/json': { schema: toSchema(spec.body) } } };
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'OpenMemory', version, description: 'Long-term memory for AI agents, strictly per user; wire-compatible with OpenMemory v1.2.' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
    security: [{ bearer: [] }, { apiKeyHeader: [] }],
    paths,
  };
}
