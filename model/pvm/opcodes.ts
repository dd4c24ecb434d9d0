/**
 * The one opcode table of the PVM (Gray Paper 0.7.2, Appendix A.5, "Instruction Tables").
 *
 * Each row is an opcode, its name as the paper spells it, and its argument category: the
 * Appendix A group whose decoding equation gives its operands. The decoder (`decode.ts`) and the
 * interpreter (`interpreter.ts`) both read this table; the Rust engine (`native/pvm`) mirrors it
 * row for row. Every instruction costs 1 gas in 0.7.2 (the Delta-gas column of every table).
 *
 * To mirror: `categories` gives, per category, the equation that decodes its operands; `opcodes`
 * lists [opcode, name, category] in the paper's order.
 */

/** The argument categories, one per instruction table of A.5, with the equation that decodes them. */
export const categories = {
  /** @gp A.9 -- no arguments (the defaults of Psi_1 only) */
  noArgs: 'A.9',
  /** @gp A.21 -- one immediate */
  oneImm: 'A.21',
  /** @gp A.22 -- one register and one extended-width (64-bit) immediate */
  oneRegExtImm: 'A.22',
  /** @gp A.23 -- two immediates */
  twoImm: 'A.23',
  /** @gp A.24 -- one offset */
  oneOffset: 'A.24',
  /** @gp A.25 -- one register and one immediate */
  oneRegOneImm: 'A.25',
  /** @gp A.26 -- one register and two immediates */
  oneRegTwoImm: 'A.26',
  /** @gp A.27 -- one register, one immediate and one offset */
  oneRegImmOffset: 'A.27',
  /** @gp A.28 -- two registers */
  twoReg: 'A.28',
  /** @gp A.29 -- two registers and one immediate */
  twoRegOneImm: 'A.29',
  /** @gp A.30 -- two registers and one offset */
  twoRegOneOffset: 'A.30',
  /** @gp A.31 -- two registers and two immediates */
  twoRegTwoImm: 'A.31',
  /** @gp A.32 -- three registers */
  threeReg: 'A.32',
} as const;

export type Category = keyof typeof categories;

/** [opcode, name, category]: every valid opcode of 0.7.2 (the set U), in the paper's order. */
export const opcodes = [
  [0, 'trap', 'noArgs'],
  [1, 'fallthrough', 'noArgs'],

  [10, 'ecalli', 'oneImm'],

  [20, 'load_imm_64', 'oneRegExtImm'],

  [30, 'store_imm_u8', 'twoImm'],
  [31, 'store_imm_u16', 'twoImm'],
  [32, 'store_imm_u32', 'twoImm'],
  [33, 'store_imm_u64', 'twoImm'],

  [40, 'jump', 'oneOffset'],

  [50, 'jump_ind', 'oneRegOneImm'],
  [51, 'load_imm', 'oneRegOneImm'],
  [52, 'load_u8', 'oneRegOneImm'],
  [53, 'load_i8', 'oneRegOneImm'],
  [54, 'load_u16', 'oneRegOneImm'],
  [55, 'load_i16', 'oneRegOneImm'],
  [56, 'load_u32', 'oneRegOneImm'],
  [57, 'load_i32', 'oneRegOneImm'],
  [58, 'load_u64', 'oneRegOneImm'],
  [59, 'store_u8', 'oneRegOneImm'],
  [60, 'store_u16', 'oneRegOneImm'],
  [61, 'store_u32', 'oneRegOneImm'],
  [62, 'store_u64', 'oneRegOneImm'],

  [70, 'store_imm_ind_u8', 'oneRegTwoImm'],
  [71, 'store_imm_ind_u16', 'oneRegTwoImm'],
  [72, 'store_imm_ind_u32', 'oneRegTwoImm'],
  [73, 'store_imm_ind_u64', 'oneRegTwoImm'],

  [80, 'load_imm_jump', 'oneRegImmOffset'],
  [81, 'branch_eq_imm', 'oneRegImmOffset'],
  [82, 'branch_ne_imm', 'oneRegImmOffset'],
  [83, 'branch_lt_u_imm', 'oneRegImmOffset'],
  [84, 'branch_le_u_imm', 'oneRegImmOffset'],
  [85, 'branch_ge_u_imm', 'oneRegImmOffset'],
  [86, 'branch_gt_u_imm', 'oneRegImmOffset'],
  [87, 'branch_lt_s_imm', 'oneRegImmOffset'],
  [88, 'branch_le_s_imm', 'oneRegImmOffset'],
  [89, 'branch_ge_s_imm', 'oneRegImmOffset'],
  [90, 'branch_gt_s_imm', 'oneRegImmOffset'],

  [100, 'move_reg', 'twoReg'],
  [101, 'sbrk', 'twoReg'],
  [102, 'count_set_bits_64', 'twoReg'],
  [103, 'count_set_bits_32', 'twoReg'],
  [104, 'leading_zero_bits_64', 'twoReg'],
  [105, 'leading_zero_bits_32', 'twoReg'],
  [106, 'trailing_zero_bits_64', 'twoReg'],
  [107, 'trailing_zero_bits_32', 'twoReg'],
  [108, 'sign_extend_8', 'twoReg'],
  [109, 'sign_extend_16', 'twoReg'],
  [110, 'zero_extend_16', 'twoReg'],
  [111, 'reverse_bytes', 'twoReg'],

  [120, 'store_ind_u8', 'twoRegOneImm'],
  [121, 'store_ind_u16', 'twoRegOneImm'],
  [122, 'store_ind_u32', 'twoRegOneImm'],
  [123, 'store_ind_u64', 'twoRegOneImm'],
  [124, 'load_ind_u8', 'twoRegOneImm'],
  [125, 'load_ind_i8', 'twoRegOneImm'],
  [126, 'load_ind_u16', 'twoRegOneImm'],
  [127, 'load_ind_i16', 'twoRegOneImm'],
  [128, 'load_ind_u32', 'twoRegOneImm'],
  [129, 'load_ind_i32', 'twoRegOneImm'],
  [130, 'load_ind_u64', 'twoRegOneImm'],
  [131, 'add_imm_32', 'twoRegOneImm'],
  [132, 'and_imm', 'twoRegOneImm'],
  [133, 'xor_imm', 'twoRegOneImm'],
  [134, 'or_imm', 'twoRegOneImm'],
  [135, 'mul_imm_32', 'twoRegOneImm'],
  [136, 'set_lt_u_imm', 'twoRegOneImm'],
  [137, 'set_lt_s_imm', 'twoRegOneImm'],
  [138, 'shlo_l_imm_32', 'twoRegOneImm'],
  [139, 'shlo_r_imm_32', 'twoRegOneImm'],
  [140, 'shar_r_imm_32', 'twoRegOneImm'],
  [141, 'neg_add_imm_32', 'twoRegOneImm'],
  [142, 'set_gt_u_imm', 'twoRegOneImm'],
  [143, 'set_gt_s_imm', 'twoRegOneImm'],
  [144, 'shlo_l_imm_alt_32', 'twoRegOneImm'],
  [145, 'shlo_r_imm_alt_32', 'twoRegOneImm'],
  [146, 'shar_r_imm_alt_32', 'twoRegOneImm'],
  [147, 'cmov_iz_imm', 'twoRegOneImm'],
  [148, 'cmov_nz_imm', 'twoRegOneImm'],
  [149, 'add_imm_64', 'twoRegOneImm'],
  [150, 'mul_imm_64', 'twoRegOneImm'],
  [151, 'shlo_l_imm_64', 'twoRegOneImm'],
  [152, 'shlo_r_imm_64', 'twoRegOneImm'],
  [153, 'shar_r_imm_64', 'twoRegOneImm'],
  [154, 'neg_add_imm_64', 'twoRegOneImm'],
  [155, 'shlo_l_imm_alt_64', 'twoRegOneImm'],
  [156, 'shlo_r_imm_alt_64', 'twoRegOneImm'],
  [157, 'shar_r_imm_alt_64', 'twoRegOneImm'],
  [158, 'rot_r_64_imm', 'twoRegOneImm'],
  [159, 'rot_r_64_imm_alt', 'twoRegOneImm'],
  [160, 'rot_r_32_imm', 'twoRegOneImm'],
  [161, 'rot_r_32_imm_alt', 'twoRegOneImm'],

  [170, 'branch_eq', 'twoRegOneOffset'],
  [171, 'branch_ne', 'twoRegOneOffset'],
  [172, 'branch_lt_u', 'twoRegOneOffset'],
  [173, 'branch_lt_s', 'twoRegOneOffset'],
  [174, 'branch_ge_u', 'twoRegOneOffset'],
  [175, 'branch_ge_s', 'twoRegOneOffset'],

  [180, 'load_imm_jump_ind', 'twoRegTwoImm'],

  [190, 'add_32', 'threeReg'],
  [191, 'sub_32', 'threeReg'],
  [192, 'mul_32', 'threeReg'],
  [193, 'div_u_32', 'threeReg'],
  [194, 'div_s_32', 'threeReg'],
  [195, 'rem_u_32', 'threeReg'],
  [196, 'rem_s_32', 'threeReg'],
  [197, 'shlo_l_32', 'threeReg'],
  [198, 'shlo_r_32', 'threeReg'],
  [199, 'shar_r_32', 'threeReg'],
  [200, 'add_64', 'threeReg'],
  [201, 'sub_64', 'threeReg'],
  [202, 'mul_64', 'threeReg'],
  [203, 'div_u_64', 'threeReg'],
  [204, 'div_s_64', 'threeReg'],
  [205, 'rem_u_64', 'threeReg'],
  [206, 'rem_s_64', 'threeReg'],
  [207, 'shlo_l_64', 'threeReg'],
  [208, 'shlo_r_64', 'threeReg'],
  [209, 'shar_r_64', 'threeReg'],
  [210, 'and', 'threeReg'],
  [211, 'xor', 'threeReg'],
  [212, 'or', 'threeReg'],
  [213, 'mul_upper_s_s', 'threeReg'],
  [214, 'mul_upper_u_u', 'threeReg'],
  [215, 'mul_upper_s_u', 'threeReg'],
  [216, 'set_lt_u', 'threeReg'],
  [217, 'set_lt_s', 'threeReg'],
  [218, 'cmov_iz', 'threeReg'],
  [219, 'cmov_nz', 'threeReg'],
  [220, 'rot_l_64', 'threeReg'],
  [221, 'rot_l_32', 'threeReg'],
  [222, 'rot_r_64', 'threeReg'],
  [223, 'rot_r_32', 'threeReg'],
  [224, 'and_inv', 'threeReg'],
  [225, 'or_inv', 'threeReg'],
  [226, 'xnor', 'threeReg'],
  [227, 'max', 'threeReg'],
  [228, 'max_u', 'threeReg'],
  [229, 'min', 'threeReg'],
  [230, 'min_u', 'threeReg'],
] as const satisfies ReadonlyArray<readonly [number, string, Category]>;

export type OpcodeName = (typeof opcodes)[number][1];

/** Opcode number by name, e.g. `op.trap === 0`. */
export const op = Object.fromEntries(opcodes.map(([n, name]) => [name, n])) as { readonly [K in OpcodeName]: number };

/** @gp A.5 -- T: the basic-block termination instructions (trap, fallthrough, jumps, load-and-jumps, branches). */
export const terminators: ReadonlySet<number> = new Set([
  op.trap, op.fallthrough, op.jump, op.jump_ind, op.load_imm_jump, op.load_imm_jump_ind,
  op.branch_eq, op.branch_ne, op.branch_ge_u, op.branch_ge_s, op.branch_lt_u, op.branch_lt_s,
  op.branch_eq_imm, op.branch_ne_imm,
  op.branch_lt_u_imm, op.branch_lt_s_imm, op.branch_le_u_imm, op.branch_le_s_imm,
  op.branch_ge_u_imm, op.branch_ge_s_imm, op.branch_gt_u_imm, op.branch_gt_s_imm,
]);

/** Category of each opcode 0..255, `undefined` for the opcodes outside U (they act as `trap`, A.19). */
export const categoryOf: ReadonlyArray<Category | undefined> = (() => {
  const table: Array<Category | undefined> = new Array<Category | undefined>(256).fill(undefined);
  for (const [n, , category] of opcodes) table[n] = category;
  return table;
})();

/** @gp A.19 -- U: whether an octet is a valid opcode. */
export const isValidOpcode = (n: number): boolean => categoryOf[n] !== undefined;
