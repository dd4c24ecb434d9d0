/**
 * The systematic Reed-Solomon code of Appendix H on single words: n message words extended to
 * N code words (n = W_E / 2 = 342 and N = V = 1023 in the full config; 2 and 6 in tiny).
 *
 * The paper (H.10, H.11) interpolates p with p(i-tilde) = m_i for i < n and sends p(i-tilde) to
 * validator i >= n. The public vectors (made with the Lin-Chung-Han transform the paper cites,
 * as reed-solomon-simd implements it) place the points differently whenever n is not a power of
 * two: with c = 2^ceil(log2 n), p is the polynomial of degree < c with p(i-tilde) = m_i for
 * i < n and p(i-tilde) = 0 for n <= i < c, and validator i >= n receives p((c + i - n)-tilde).
 * For tiny (n = 2 = c) both readings coincide; for full they differ, and the vectors decide.
 * `evaluationPoint` is the one place that encodes this choice.
 *
 * Both encoding and recovery are Lagrange interpolation through c known points (the n words
 * given plus the c - n implicit zeros), evaluated at the points wanted.
 */
import { gfAdd, gfExpSum, gfInv, gfLog, gfMul } from './gf.js';

/** The shape of one code: n message words, N code words. */
export interface CodeShape {
  /** n: message words per code word sequence. */
  readonly originals: number;
  /** N: code words, one per validator. */
  readonly total: number;
}

/** c: the interpolation domain size, the least power of two >= n. */
const domainSize = (shape: CodeShape): number => 2 ** Math.ceil(Math.log2(shape.originals));

/** @gp H.9 -- the field element at which validator i's word is the polynomial's value. */
export const evaluationPoint = (shape: CodeShape, i: number): number =>
  i < shape.originals ? i : domainSize(shape) + i - shape.originals;

/**
 * The Lagrange coefficients that give p(t) for each target t from the values at the known
 * points: coefficients[j][s] = prod_{s' != s} (t_j - x_s') / (x_s - x_s'). Only the first
 * `valued` known points carry values; the rest are known zeros and only shape the polynomial.
 * Returned as logs (with -1 for a zero coefficient), as the inner loops multiply by logs.
 */
const lagrangeLogCoefficients = (
  known: ReadonlyArray<number>,
  valued: number,
  targets: ReadonlyArray<number>,
): ReadonlyArray<Int32Array> => {
  // Barycentric weights w_s = 1 / prod_{s' != s} (x_s - x_s').
  const weights = known.slice(0, valued).map((xs) => {
    let d = 1;
    for (const xo of known) if (xo !== xs) d = gfMul(d, gfAdd(xs, xo));
    return gfInv(d);
  });
  return targets.map((t) => {
    let l = 1; // l(t) = prod_s (t - x_s); t is never a known point
    for (const xs of known) l = gfMul(l, gfAdd(t, xs));
    const row = new Int32Array(valued);
    for (let s = 0; s < valued; s++) {
      const c = gfMul(gfMul(l, weights[s]!), gfInv(gfAdd(t, known[s]!)));
      row[s] = c === 0 ? -1 : gfLog(c);
    }
    return row;
  });
};

/**
 * Applies coefficient rows to columns of words: out[j][p] = sum_s coefficients[j][s] * in[s][p],
 * for every word position p of the k-word columns.
 */
const combine = (
  coefficients: ReadonlyArray<Int32Array>,
  columns: ReadonlyArray<Uint16Array>,
  k: number,
): ReadonlyArray<Uint16Array> => {
  const columnLogs = columns.map((col) => {
    const logs = new Int32Array(k);
    for (let p = 0; p < k; p++) logs[p] = col[p] === 0 ? -1 : gfLog(col[p]!);
    return logs;
  });
  return coefficients.map((row) => {
    const out = new Uint16Array(k);
    for (let s = 0; s < row.length; s++) {
      const lc = row[s]!;
      if (lc < 0) continue;
      const logs = columnLogs[s]!;
      for (let p = 0; p < k; p++) {
        const lw = logs[p]!;
        if (lw >= 0) out[p] = out[p]! ^ gfExpSum(lc, lw);
      }
    }
    return out;
  });
};

const range = (from: number, to: number): ReadonlyArray<number> => Array.from({ length: to - from }, (_, i) => from + i);

const encoderCache = new Map<string, ReadonlyArray<Int32Array>>();

/** The generator rows: validator i >= n's word as a combination of the n message words. */
const encoderCoefficients = (shape: CodeShape): ReadonlyArray<Int32Array> => {
  const key = `${shape.originals}/${shape.total}`;
  let rows = encoderCache.get(key);
  if (rows === undefined) {
    rows = lagrangeLogCoefficients(
      range(0, domainSize(shape)),
      shape.originals,
      range(shape.originals, shape.total).map((i) => evaluationPoint(shape, i)),
    );
    encoderCache.set(key, rows);
  }
  return rows;
};

/**
 * @gp H.10 -- @gp H.11 -- encodes k message words at once: `message[s]` holds word s of each of
 * the k code word sequences; returns the N columns, the first n being the message itself.
 */
export const encodeWords = (shape: CodeShape, message: ReadonlyArray<Uint16Array>, k: number): ReadonlyArray<Uint16Array> => [
  ...message,
  ...combine(encoderCoefficients(shape), message, k),
];

/**
 * Recovers the n message columns from exactly n columns with distinct validator indices
 * (each < N): the given message columns are kept, the missing ones interpolated.
 */
export const recoverWords = (
  shape: CodeShape,
  pieces: ReadonlyArray<readonly [Uint16Array, number]>,
  k: number,
): ReadonlyArray<Uint16Array> => {
  const byIndex = new Map(pieces.map(([col, i]) => [i, col] as const));
  const missing = range(0, shape.originals).filter((i) => !byIndex.has(i));
  if (missing.length === 0) return range(0, shape.originals).map((i) => byIndex.get(i)!);
  const known = [...pieces.map(([, i]) => evaluationPoint(shape, i)), ...range(shape.originals, domainSize(shape))];
  const recovered = combine(
    lagrangeLogCoefficients(known, pieces.length, missing),
    pieces.map(([col]) => col),
    k,
  );
  const restored = new Map(missing.map((i, j) => [i, recovered[j]!] as const));
  return range(0, shape.originals).map((i) => byIndex.get(i) ?? restored.get(i)!);
};
