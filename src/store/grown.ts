/** Typed-array growth shared by the in-process models' columns and lookup tables. */

/**
 * `a` when it holds `need` elements, else a copy half again as long (at least `need`), its new
 * elements `fill`: appends stay amortized.
 */
export function grown<T extends Float64Array | Float32Array | Uint32Array | Int32Array>(
  a: T,
  need: number,
  fill = 0,
): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, Math.ceil(a.length * 1.5)));
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}
