/**
 * A progress bar on stderr for long work, drawn only when stderr is a terminal so pipes and
 * logs stay clean. `total` may be unknown (a counter is shown instead).
 */
import type { Io } from './io.js';

export interface Progress {
  tick(n?: number): void;
  finish(): void;
}

const WIDTH = 30;
const REDRAW_MS = 100;

export function startProgress(io: Io, label: string, total: number | null): Progress {
  const draw = io.errIsTTY ? io.errInPlace : undefined;
  if (!draw) return { tick() {}, finish() {} };
  const started = Date.now();
  let done = 0;
  let drawnAt = 0;
  const render = () => {
    const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
    if (total === null || total === 0) return draw(`${label} ${done}  ${rate.toFixed(1)}/s`);
    const share = Math.min(done / total, 1);
    const filled = Math.round(share * WIDTH);
    draw(
      `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}  ${(share * 100).toFixed(1)}%  ${rate.toFixed(1)}/s`,
    );
  };
  return {
    tick(n = 1) {
      done += n;
      if (Date.now() - drawnAt >= REDRAW_MS) {
        drawnAt = Date.now();
        render();
      }
    },
    finish() {
      render();
      draw('\n');
    },
  };
}
