/**
 * GF(2^16) as Appendix H represents it: the field F_2[x] / (x^16 + x^5 + x^3 + x^2 + 1) with
 * generator alpha, written in the Cantor basis v_0 ... v_15 (the table of section H.2). A word
 * m = m_15 ... m_0 (two little-endian octets) stands for the element sum_j m_j v_j, and the
 * validator (piece) index i for i-tilde, the same sum over the bits of i. Every value here is
 * a 16-bit number read in that basis; multiplication goes through log/exp tables built in it.
 */

/** @gp H.6 -- the irreducible polynomial x^16 + x^5 + x^3 + x^2 + 1. */
const POLYNOMIAL = 0x1002d;

/** The Cantor basis v_0 ... v_15 as the powers of alpha each sums (the paper's table). */
const CANTOR_BASIS_POWERS: ReadonlyArray<ReadonlyArray<number>> = [
  [0],
  [15, 13, 11, 10, 7, 6, 3, 1],
  [13, 12, 11, 10, 3, 2, 1],
  [12, 10, 9, 5, 4, 3, 2, 1],
  [15, 14, 10, 8, 7, 1],
  [15, 14, 13, 11, 10, 8, 5, 3, 2, 1],
  [15, 12, 8, 6, 3, 2],
  [14, 4, 1],
  [14, 13, 11, 10, 7, 4, 3],
  [12, 7, 6, 4, 3],
  [14, 13, 11, 9, 6, 5, 4, 1],
  [15, 13, 12, 11, 8],
  [15, 14, 13, 12, 11, 10, 8, 7, 5, 4, 3],
  [15, 14, 13, 12, 11, 9, 8, 5, 4, 2],
  [15, 14, 13, 12, 11, 10, 9, 8, 5, 4, 3],
  [15, 12, 11, 8, 4, 3, 2, 1],
];

/** v_j in the standard basis {1, alpha, ..., alpha^15}. */
const cantorBasis = CANTOR_BASIS_POWERS.map((powers) => powers.reduce((acc, p) => acc | (1 << p), 0));

/** The field's order minus one: the multiplicative group's order. */
const GROUP_ORDER = 0xffff;

/**
 * @gp H.7, H.8 -- the field F_2(alpha) with each word m read as sum_j m_j v_j:
 * exp[i] = alpha^i and log[alpha^i] = i, both in the Cantor representation. exp is doubled in
 * length so that exp[log a + log b] needs no reduction.
 */
const { exp, log } = (() => {
  // The standard-basis value of each Cantor-basis word, then its inverse.
  const toStandard = new Uint16Array(1 << 16);
  for (let c = 1; c < 1 << 16; c++) {
    const low = c & -c;
    toStandard[c] = toStandard[c ^ low]! ^ cantorBasis[31 - Math.clz32(low)]!;
  }
  const toCantor = new Uint16Array(1 << 16);
  for (let c = 0; c < 1 << 16; c++) toCantor[toStandard[c]!] = c;
  const expTable = new Uint16Array(2 * GROUP_ORDER);
  const logTable = new Uint16Array(1 << 16);
  let x = 1; // alpha^0 in the standard basis
  for (let i = 0; i < GROUP_ORDER; i++) {
    const c = toCantor[x]!;
    expTable[i] = c;
    expTable[i + GROUP_ORDER] = c;
    logTable[c] = i;
    x <<= 1;
    if (x & 0x10000) x ^= POLYNOMIAL;
  }
  return { exp: expTable, log: logTable };
})();

/** Addition (and subtraction) in characteristic 2. */
export const gfAdd = (a: number, b: number): number => a ^ b;

export const gfMul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : exp[log[a]! + log[b]!]!);

export const gfInv = (a: number): number => {
  if (a === 0) throw new Error('gfInv(0)');
  return exp[GROUP_ORDER - log[a]!]!;
};

/** log_alpha(a) for a != 0, for loops that multiply many words by one constant. */
export const gfLog = (a: number): number => log[a]!;

/** alpha^(la + lb) for logs la, lb < 2^16 - 1: a product of two non-zero elements given by their logs. */
export const gfExpSum = (la: number, lb: number): number => exp[la + lb]!;
