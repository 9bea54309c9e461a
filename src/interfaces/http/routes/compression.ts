/** /api/compression/* — text compression utilities (no user data is stored). */
import { analyzeBody, compressBatchBody, compressBody } from '../../schemas/compression.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function compressionRoutes({ compressor }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/api/compression/compress',
      summary: 'Compress one text (algorithm semantic, syntactic, aggressive; anything else = auto).',
      body: compressBody,
      handler: ({ body }) => ({ ok: true, ...compressor.compress(body.text, body.algorithm) }),
    }),
    route({
      method: 'POST',
      path: '/api/compression/batch',
      summary: 'Compress many texts with one algorithm.',
      body: compressBatchBody,
      handler: ({ body }) => {
        const results = body.texts.map((t) => compressor.compress(t, body.algorithm ?? 'semantic'));
        return { ok: true, results, total: results.reduce((acc, r) => acc + r.m.saved, 0) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/compression/analyze',
      summary: 'Compare the three algorithms on one text.',
      body: analyzeBody,
      handler: ({ body }) => ({ ok: true, ...compressor.analyze(body.text) }),
    }),
    route({
      method: 'GET',
      path: '/api/compression/stats',
      summary: 'Compression statistics of this server.',
      handler: () => ({ ok: true, stats: compressor.stats() }),
    }),
    route({
      method: 'POST',
      path: '/api/compression/reset',
      summary: 'Admin: clear compression statistics.',
      access: 'admin',
      handler: () => {
        compressor.reset();
        return { ok: true, msg: 'reset done' };
      },
    }),
  ];
}
