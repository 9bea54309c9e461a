/**
 * Stateful side of the compression API: running statistics. One instance per server; nothing here
 * touches user data or the store. v1.2 also cached results by text, shared by every caller: a hit
 * (its old `ts`, its speed, the count it left unchanged) told one user that another had sent that
 * exact text, so every call is computed afresh (regular expressions over the text, no I/O).
 */
import { createHash } from 'node:crypto';
import { COMPRESSORS, chooseAlgorithm, type Algorithm } from './algorithms.js';

export interface CompressionMetrics {
  ogTok: number;
  compTok: number;
  ratio: number;
  saved: number;
  pct: number;
  latency: number;
  algo: Algorithm;
  ts: number;
}

export interface CompressionResult {
  comp: string;
  m: CompressionMetrics;
  hash: string;
}

export function estimateTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.ceil(text.length / 4 + words / 2);
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export class Compressor {
  #stats = this.#emptyStats();

  #emptyStats() {
    return {
      total: 0,
      ogTok: 0,
      compTok: 0,
      saved: 0,
      latency: 0,
      algos: {} as Record<string, number>,
      updated: Date.now(),
    };
  }

  compress(text: string, algorithm?: string): CompressionResult {
    const algo: Algorithm = isAlgorithm(algorithm) ? algorithm : chooseAlgorithm(text);
    const hash = createHash('md5').update(text).digest('hex').slice(0, 16);
    const comp = COMPRESSORS[algo](text);
    const ogTok = estimateTokens(text);
    const compTok = estimateTokens(comp);
    const saved = Math.max(0, ogTok - compTok);
    const m: CompressionMetrics = {
      ogTok,
      compTok,
      ratio: ogTok === 0 ? 1 : round(compTok / ogTok, 4),
      saved,
      pct: ogTok === 0 ? 0 : round((saved / ogTok) * 100),
      // v1.2 reports a synthetic latency proportional to the tokens saved.
      latency: round(saved * 0.05),
      algo,
      ts: Date.now(),
    };
    this.#record(m);
    return { comp, m, hash };
  }

  analyze(text: string) {
    const analysis = {
      semantic: this.compress(text, 'semantic').m,
      syntactic: this.compress(text, 'syntactic').m,
      aggressive: this.compress(text, 'aggressive').m,
    };
    const best = Object.values(analysis).reduce((a, b) => (b.saved > a.saved ? b : a));
    return { analysis, rec: { algo: best.algo, save: `${best.pct.toFixed(2)}%`, lat: `${best.latency.toFixed(2)}ms` } };
  }

  stats() {
    const s = this.#stats;
    const avgRatio = s.ogTok === 0 ? 0 : (s.compTok / s.ogTok) * 100;
    const totalPct = s.ogTok === 0 ? 0 : (s.saved / s.ogTok) * 100;
    const avgLat = s.total === 0 ? 0 : s.latency / s.total;
    return {
      ...s,
      algos: { ...s.algos },
      avgRatio: `${avgRatio.toFixed(2)}%`,
      totalPct: `${totalPct.toFixed(2)}%`,
      lat: `${s.latency.toFixed(2)}ms`,
      avgLat: `${avgLat.toFixed(2)}ms`,
    };
  }

  reset(): void {
    this.#stats = this.#emptyStats();
  }

  #record(m: CompressionMetrics): void {
    const s = this.#stats;
    s.total += 1;
    s.ogTok += m.ogTok;
    s.compTok += m.compTok;
    s.saved += m.saved;
    s.latency += m.latency;
    s.algos[m.algo] = (s.algos[m.algo] ?? 0) + 1;
    s.updated = m.ts;
  }
}

function isAlgorithm(value: string | undefined): value is Algorithm {
  return value !== undefined && Object.hasOwn(COMPRESSORS, value);
}
