/**
 * A WebAssembly SIMD kernel for the hot loop of every vector search: the dot products of many
 * matrix rows with one query, with four accumulators of four lanes. Plain JavaScript does one
 * multiply-add at a time; this does sixteen (float32) or thirty-two (int8) per step.
 *
 * The module is assembled here from its instructions (no toolchain, nothing downloaded). It
 * imports its memory, so each matrix can own a memory of its own and be freed by the garbage
 * collector like any other object. Its functions, with addresses and lengths in bytes:
 *
 *   dots(data, n, rowBytes, q, out)         out[i] = row(data + i·rowBytes) · q      for i < n
 *   dotsAt(data, rows, n, rowBytes, q, out) out[i] = row(data + rows[i]·rowBytes) · q for i < n
 *
 * over float32 rows and query, and `dots8` / `dots8At` over int8 rows and an int16 query (a unit
 * vector times {@link UNIT_SCALE}), whose int32 sums come out as float32 divided by that scale
 * (the caller applies each row's own scale). rowBytes must be a multiple of 16; callers check.
 */

const I32 = 0x7f;
const V128 = 0x7b;

/**
 * The int16 query of int8 rows holds unit-vector components times 2^14. An int8 row scaled to
 * its largest component has length at most 127·√dim, so by Cauchy-Schwarz a sum of products is
 * at most 127·√dim·2^14: int32 does not overflow below some 16,000 dimensions.
 */
export const UNIT_SCALE = 2 ** 14;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const text = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// Instructions (https://webassembly.github.io/spec/core/binary/instructions.html).
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const tee = (l: number) => [0x22, l];
/** i32.const takes a signed LEB128: bit 6 of the last byte is the sign, so 64 needs two bytes. */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}
const i32 = (v: number) => [0x41, ...sleb(v)];
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_SHL = [0x74];
const I32_SHR_U = [0x76];
const I32_LT_U = [0x49];
const I32_GT_U = [0x4b];
const I32_GE_U = [0x4f];
const F32_ADD = [0x92];
const i32Load = [0x28, 2, 0];
const f32Store = [0x38, 2, 0];
const v128Load = (offset: number) => [0xfd, 0x00, 4, ...uleb(offset)];
/** Eight int8 lanes sign-extended to int16. */
const v128Load8x8 = (offset: number) => [0xfd, 0x01, 3, ...uleb(offset)];
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const F32X4_ADD = [0xfd, ...uleb(0xe4)];
const F32X4_MUL = [0xfd, ...uleb(0xe6)];
const I32X4_ADD = [0xfd, ...uleb(174)];
const I32X4_DOT_I16X8_S = [0xfd, ...uleb(186)];
const lane = (i: number) => [0xfd, 0x1f, i];
const intLane = (i: number) => [0xfd, 0x1b, i];
const F32_CONVERT_I32_S = [0xb2];
const F32_MUL = [0x94];
const f32 = (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const br = (depth: number) => [0x0c, depth];
const brIf = (depth: number) => [0x0d, depth];

/** What differs between float32 and int8 rows: how rows are read, the lane arithmetic and how the four lanes become one float. */
interface Lanes {
  /** Query bytes per row byte, as a shift (int8 rows: 1, a query of int16). */
  queryShift: number;
  /** The row's lanes at a byte offset, given the query's offset (the address is on the stack). */
  loadRow: (queryOffset: number) => number[];
  /** acc, row, q → acc + row · q, lane-wise. */
  mulAdd: number[];
  add: number[];
  /** The summed accumulator (a local) → its lanes' sum as f32. */
  total: (acc: number) => number[];
}

const FLOAT_LANES: Lanes = {
  queryShift: 0,
  loadRow: v128Load,
  mulAdd: [...F32X4_MUL, ...F32X4_ADD],
  add: F32X4_ADD,
  total: (acc) => [
    ...get(acc),
    ...lane(0),
    ...get(acc),
    ...lane(1),
    ...F32_ADD,
    ...get(acc),
    ...lane(2),
    ...F32_ADD,
    ...get(acc),
    ...lane(3),
    ...F32_ADD,
  ],
};

const INT8_LANES: Lanes = {
  queryShift: 1,
  loadRow: (queryOffset) => v128Load8x8(queryOffset >> 1),
  mulAdd: [...I32X4_DOT_I16X8_S, ...I32X4_ADD],
  add: I32X4_ADD,
  total: (acc) => [
    ...get(acc),
    ...intLane(0),
    ...get(acc),
    ...intLane(1),
    ...I32_ADD,
    ...get(acc),
    ...intLane(2),
    ...I32_ADD,
    ...get(acc),
    ...intLane(3),
    ...I32_ADD,
    ...F32_CONVERT_I32_S,
    ...f32(1 / UNIT_SCALE),
    ...F32_MUL,
  ],
};

/**
 * The body of one function. `rows` is the parameter holding the row-number list, or null for
 * consecutive rows. Parameters come first, then the locals declared below.
 */
function body(rows: number | null, lanes: Lanes): number[] {
  const p =
    rows === null ? { data: 0, n: 1, rowBytes: 2, q: 3, out: 4 } : { data: 0, rows, n: 2, rowBytes: 3, q: 4, out: 5 };
  const first = rows === null ? 5 : 6;
  // j walks the query's bytes (qBytes of them); the row's are j >> queryShift.
  const [row, end, j, qBytes] = [first, first + 1, first + 2, first + 3];
  const acc = [first + 4, first + 5, first + 6, first + 7];
  const rowByte = lanes.queryShift === 0 ? get(j) : [...get(j), ...i32(lanes.queryShift), ...I32_SHR_U];
  // acc[a] += row[j + offset] · q[j + offset]
  const step = (a: number, offset: number) => [
    ...get(acc[a]!),
    ...get(row),
    ...rowByte,
    ...I32_ADD,
    ...lanes.loadRow(offset),
    ...get(p.q),
    ...get(j),
    ...I32_ADD,
    ...v128Load(offset),
    ...lanes.mulAdd,
    ...set(acc[a]!),
  ];
  const rowStart =
    rows === null
      ? [] // `row` starts at data and moves by rowBytes after each row
      : [
          ...get(p.data),
          ...get(rows),
          ...i32Load,
          ...get(p.rowBytes),
          ...I32_MUL,
          ...I32_ADD,
          ...set(row),
          ...get(rows),
          ...i32(4),
          ...I32_ADD,
          ...set(rows),
        ];
  const code = [
    ...get(p.out),
    ...get(p.n),
    ...i32(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(end),
    ...get(p.rowBytes),
    ...i32(lanes.queryShift),
    ...I32_SHL,
    ...set(qBytes),
    ...get(p.data),
    ...set(row),
    ...BLOCK,
    ...get(p.out),
    ...get(end),
    ...I32_GE_U,
    ...brIf(0),
    ...LOOP,
    ...rowStart,
    ...acc.flatMap((a) => [...V128_ZERO, ...set(a)]),
    ...i32(0),
    ...set(j),
    // Four vectors per step while they last...
    ...BLOCK,
    ...LOOP,
    ...get(j),
    ...i32(64),
    ...I32_ADD,
    ...get(qBytes),
    ...I32_GT_U,
    ...brIf(1),
    ...step(0, 0),
    ...step(1, 16),
    ...step(2, 32),
    ...step(3, 48),
    ...get(j),
    ...i32(64),
    ...I32_ADD,
    ...set(j),
    ...br(0),
    ...END,
    ...END,
    // ...then one at a time.
    ...BLOCK,
    ...LOOP,
    ...get(j),
    ...get(qBytes),
    ...I32_GE_U,
    ...brIf(1),
    ...step(0, 0),
    ...get(j),
    ...i32(16),
    ...I32_ADD,
    ...set(j),
    ...br(0),
    ...END,
    ...END,
    ...get(p.out),
    ...get(acc[0]!),
    ...get(acc[1]!),
    ...lanes.add,
    ...get(acc[2]!),
    ...get(acc[3]!),
    ...lanes.add,
    ...lanes.add,
    ...set(acc[0]!),
    ...lanes.total(acc[0]!),
    ...f32Store,
    ...(rows === null ? [...get(row), ...get(p.rowBytes), ...I32_ADD, ...set(row)] : []),
    ...get(p.out),
    ...i32(4),
    ...I32_ADD,
    ...tee(p.out),
    ...get(end),
    ...I32_LT_U,
    ...brIf(0),
    ...END,
    ...END,
  ];
  const locals = vec([
    [4, I32],
    [4, V128],
  ]);
  const fn = [...locals, ...code, ...END];
  return [...uleb(fn.length), ...fn];
}

function assemble(): Uint8Array {
  const type = (params: number) => [0x60, ...vec(new Array(params).fill([I32])), 0];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([type(5), type(6)])),
    ...section(2, vec([[...text('env'), ...text('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0], [1], [0], [1]])),
    ...section(
      7,
      vec([
        [...text('dots'), 0x00, 0],
        [...text('dotsAt'), 0x00, 1],
        [...text('dots8'), 0x00, 2],
        [...text('dots8At'), 0x00, 3],
      ]),
    ),
    ...section(10, [
      ...uleb(4),
      ...body(null, FLOAT_LANES),
      ...body(1, FLOAT_LANES),
      ...body(null, INT8_LANES),
      ...body(1, INT8_LANES),
    ]),
  ]);
}

export interface DotsKernel {
  dots(data: number, n: number, rowBytes: number, q: number, out: number): void;
  dotsAt(data: number, rows: number, n: number, rowBytes: number, q: number, out: number): void;
  dots8(data: number, n: number, rowBytes: number, q: number, out: number): void;
  dots8At(data: number, rows: number, n: number, rowBytes: number, q: number, out: number): void;
}

/** The compiled module, or null where this runtime has no WebAssembly SIMD (plain JavaScript is used then). */
export const dotsModule: WebAssembly.Module | null = (() => {
  const bytes = assemble();
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
})();

export function dotsKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): DotsKernel {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as DotsKernel;
}
