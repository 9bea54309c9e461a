/**
 * A parser process (./parser.ts): converts one document at a time for the server, which kills
 * it past the time or memory limit. It loads the converters, says it is ready (a parse's time
 * starts then), and exits when the server goes away.
 */
import { OmError } from '../../errors.js';
import { toWire } from '../../engine/thread/protocol.js';
import { parseSource, type Source } from './extract.js';
import type { IngestLimits } from './limits.js';

export interface ParseJob {
  id: number;
  source: Source;
  limits: IngestLimits;
}

process.on('message', (job: ParseJob) => {
  void parseSource(job.source, job.limits).then(
    (value) => process.send!({ id: job.id, value }),
    (err: unknown) => {
      // A converter's own failure (a stack overflow on odd markup, a bug) says nothing safe to show.
      const safe =
        err instanceof OmError
          ? err
          : new OmError('validation_error', `data: the ${job.source.format} document could not be converted`);
      process.send!({ id: job.id, error: toWire(safe) });
    },
  );
});
process.on('disconnect', () => process.exit(0));
await Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import('mammoth'), import('turndown')]);
process.send!({ ready: true });
