/**
 * Checks a ZIP container's central directory before it is inflated, so a small upload that
 * expands to gigabytes (a "zip bomb" DOCX) is refused instead of exhausting memory.
 */
import { OmError } from '../../errors.js';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 2000, maxUncompressedBytes: 100_000_000 };

const broken = () => new OmError('validation_error', 'data: not a readable DOCX file (broken ZIP container)');

export function checkZip(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): void {
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw broken();
  const entries = bytes.readUInt16LE(eocd + 10);
  let pos = bytes.readUInt32LE(eocd + 16);
  if (entries > limits.maxEntries) throw new OmError('payload_too_large', `data: the document has more than ${limits.maxEntries} parts`);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (pos + 46 > bytes.length || bytes.readUInt32LE(pos) !== CENTRAL_SIGNATURE) throw broken();
    total += bytes.readUInt32LE(pos + 24);
    if (total > limits.maxUncompressedBytes) {
      throw new OmError('payload_too_large', `data: the document expands to more than ${limits.maxUncompressedBytes} bytes`);
    }
    pos += 46 + bytes.readUInt16LE(pos + 28) + bytes.readUInt16LE(pos + 30) + bytes.readUInt16LE(pos + 32);
  }
}
