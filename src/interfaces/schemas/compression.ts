/** Request shapes of /api/compression/*. */
import { z } from 'zod';

export const COMPRESSION_ALGORITHMS = ['semantic', 'syntactic', 'aggressive'] as const;

const text = z.string().min(1).max(1_000_000);

/** v1.2 falls back to `auto` for a missing or unknown algorithm. */
export const compressBody = z.object({ text, algorithm: z.string().max(40).optional() });

export const compressBatchBody = z.object({
  texts: z.array(text).min(1).max(1000),
  algorithm: z.enum(COMPRESSION_ALGORITHMS).optional(),
});

export const analyzeBody = z.object({ text });
