/**
 * The systematic Reed-Solomon code of Appendix H on single words: n message words extended to
 * N code words (n = W_E / 2 = 342 and N = V = 1023 in the full config; 2 and 6 in tiny).
 *
 * The paper says two things here. Its text: the code is "the same transform as done by the
 * algorithm of" Lin, Chung and Han. Its equations H.10 and H.11: p has degree < n with
 * p(i-tilde) = m_i for i < n, and validator i >= n receives p(i-tilde). The two agree only when
 * n is a power of two. The Lin-Chung-Han transform (as reed-solomon-simd implements it, and as
 * the public vectors were made) takes c = 2^ceil(log2 n), the polynomial of degree < c with
 * p(i-tilde) = m_i for i < n and p(i-tilde) = 0 for n <= i < c, and gives validator i >= n the
 * value p((c + i - n)-tilde). This follows the transform (the text and all 12 vectors); the
 * literal reading of H.10-H.11 differs in 681 of the 1023 chunks of every full-config vector.
 * For tiny (n = 2 = c) the two coincide. `evaluationPoint` is the one place that encodes this.
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
 * sum_s coefficients[s] * words[s] for one row of log coefficients and the logs of the words
 * (-1 standing for zero).
 */
const dot = (row: Int32Array, wordLogs: Int32Array): number => {
  let acc = 0;
  for (let s = 0; s < row.length; s++) {
    const lc = row[s]!;
    const lw = wordLogs[s]!;
    if (lc >= 0 && lw >= 0) acc ^= gfExpSum(lc, lw);
  }
  return acc;
};

const logsOf = (words: ArrayLike<number>): Int32Array => {
  const logs = new Int32Array(words.length);
  for (let s = 0; s < words.length; s++) logs[s] = words[s] === 0 ? -1 : gfLog(words[s]!);
  return logs;
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
 * @gp H.10, H.11 -- the code of one piece: its n message words m_0 ... m_{n-1} followed by the
 * words of validators n ... N-1, the interpolating polynomial's values at their points.
 */
export const encodePiece = (shape: CodeShape, m: ArrayLike<number>): Uint16Array => {
  const rows = encoderCoefficients(shape);
  const logs = logsOf(m);
  const out = new Uint16Array(shape.total);
  for (let s = 0; s < shape.originals; s++) out[s] = m[s]!;
  for (let j = 0; j < rows.length; j++) out[shape.originals + j] = dot(rows[j]!, logs);
  return out;
};

/**
 * The recovery of one piece from the words of exactly n validators with distinct indices
 * (each < N), as a function of those words in the order of `indices`; the interpolation
 * coefficients depend only on the indices, so they are computed once for every piece.
 */
export const pieceRecoverer = (shape: CodeShape, indices: ReadonlyArray<number>): ((given: ArrayLike<number>) => Uint16Array) => {
  const position = new Map(indices.map((i, j) => [i, j] as const));
  const missing = range(0, shape.originals).filter((i) => !position.has(i));
  const known = [...indices.map((i) => evaluationPoint(shape, i)), ...range(shape.originals, domainSize(shape))];
  const rows = lagrangeLogCoefficients(known, indices.length, missing);
  return (given) => {
    const out = new Uint16Array(shape.originals);
    for (const [i, j] of position) if (i < shape.originals) out[i] = given[j]!;
    if (rows.length === 0) return out;
    const logs = logsOf(given);
    missing.forEach((i, r) => (out[i] = dot(rows[r]!, logs)));
    return out;
  };
};
