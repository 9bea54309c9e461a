/**
 * Checks a ZIP container (a DOCX) by inflating every entry with a byte budget before any parser
 * sees it: the sizes an archive declares are not trusted (a part declaring 1 KB may inflate to
 * hundreds of MB), only what inflating actually produces, and inflating stops at the budget.
 */
import { inflateRawSync } from 'node:zlib';
import { OmError } from '../../errors.js';
import { overLimit, type IngestLimits } from './limits.js';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** A DOCX has a dozen parts; thousands is an attack on per-entry overhead, not a document. */
export const MAX_ZIP_ENTRIES = 2000;

const broken = (why: string) =>
  new OmError('validation_error', `data: not a readable DOCX file (broken ZIP container: ${why})`);

function endRecord(bytes: Buffer): number {
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  throw broken('no end record');
}

/**
 * Inflates each entry of the central directory, as a reader of the archive would, counting the
 * bytes produced. Entries are read while their signature holds, not up to the count the end record
 * declares: a reader that reads on (jszip does) would otherwise inflate entries never checked.
 */
export function checkZip(bytes: Buffer, limits: IngestLimits): void {
  if (bytes.length < 22) throw broken('too short');
  let pos = bytes.readUInt32LE(endRecord(bytes) + 16);
  if (pos + 4 > bytes.length || bytes.readUInt32LE(pos) !== CENTRAL_SIGNATURE) throw broken('bad directory');
  let budget = limits.maxInflatedBytes;
  for (let n = 0; pos + 4 <= bytes.length && bytes.readUInt32LE(pos) === CENTRAL_SIGNATURE; n++) {
    if (n >= MAX_ZIP_ENTRIES) {
      throw new OmError('document_too_large', `data: the document has more than ${MAX_ZIP_ENTRIES} parts`);
    }
    if (pos + 46 > bytes.length) throw broken('bad directory entry');
    const method = bytes.readUInt16LE(pos + 10);
    const compressed = bytes.readUInt32LE(pos + 20);
    const local = bytes.readUInt32LE(pos + 42);
    pos += 46 + bytes.readUInt16LE(pos + 28) + bytes.readUInt16LE(pos + 30) + bytes.readUInt16LE(pos + 32);
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL_SIGNATURE) throw broken('bad local header');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + compressed > bytes.length) throw broken('entry past the end');
    const data = bytes.subarray(start, start + compressed);
    if (method === 0) budget -= data.length;
    else if (method === 8) budget -= inflated(data, budget, limits);
    else throw broken(`compression method ${method}`);
    if (budget < 0) throw tooBig(limits);
  }
}

const tooBig = (limits: IngestLimits) =>
  overLimit(limits, 'maxInflatedBytes', 'data: the document inflates to more bytes than allowed');

/** Inflated size of one entry; zlib stops producing output once the budget is passed. */
function inflated(data: Buffer, budget: number, limits: IngestLimits): number {
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(limits);
    throw broken('bad compressed data');
  }
}
