/**
 * The PVM instruction table of Gray Paper 0.7.2, Appendix A.5 ("Instruction Tables"): the single
 * source of both engines. Each row is an opcode, its name as the paper spells it, its operand
 * group (the A.5.x subsection whose equation decodes its operands), its gas Delta and whether it
 * terminates a basic block (the set T of A.5).
 *
 * The TypeScript reference (`interpreter.ts`, `program.ts`) reads this table directly. The Rust
 * engine keeps a mirror (`native/pvm/src/opcodes.rs`, with named constants for its dispatch), and
 * `properties/pvm-instructions.test.ts` compares the mirror, exported through the binding, with
 * this table entry by entry over all 256 octets: a row changed on one side only fails the test.
 */

/** The operand groups, one per subsection A.5.1-A.5.13, with the equation that decodes their operands. */
export const groups = {
  /** A.5.1 -- without arguments: the defaults of Psi_1 only (A.9) */
  noArgs: { section: 'A.5.1', equation: 'A.9' },
  /** @gp A.21 -- A.5.2: one immediate */
  oneImm: { section: 'A.5.2', equation: 'A.21' },
  /** @gp A.22 -- A.5.3: one register and one extended-width immediate */
  oneRegExtImm: { section: 'A.5.3', equation: 'A.22' },
  /** @gp A.23 -- A.5.4: two immediates */
  twoImm: { section: 'A.5.4', equation: 'A.23' },
  /** @gp A.24 -- A.5.5: one offset */
  oneOffset: { section: 'A.5.5', equation: 'A.24' },
  /** @gp A.25 -- A.5.6: one register and one immediate */
  oneRegOneImm: { section: 'A.5.6', equation: 'A.25' },
  /** @gp A.26 -- A.5.7: one register and two immediates */
  oneRegTwoImm: { section: 'A.5.7', equation: 'A.26' },
  /** @gp A.27 -- A.5.8: one register, one immediate and one offset */
  oneRegImmOffset: { section: 'A.5.8', equation: 'A.27' },
  /** @gp A.28 -- A.5.9: two registers */
  twoReg: { section: 'A.5.9', equation: 'A.28' },
  /** @gp A.29 -- A.5.10: two registers and one immediate */
  twoRegOneImm: { section: 'A.5.10', equation: 'A.29' },
  /** @gp A.30 -- A.5.11: two registers and one offset */
  twoRegOneOffset: { section: 'A.5.11', equation: 'A.30' },
  /** @gp A.31 -- A.5.12: two registers and two immediates */
  twoRegTwoImm: { section: 'A.5.12', equation: 'A.31' },
  /** @gp A.32 -- A.5.13: three registers */
  threeReg: { section: 'A.5.13', equation: 'A.32' },
} as const;

export type Group = keyof typeof groups;

/**
 * [opcode, name, group, gas Delta, terminator]: every valid opcode of 0.7.2 (the set U of A.19),
 * in the paper's order, each row as its table in A.5.1-A.5.13 states it.
 */
export const instructions = [
  [0, 'trap', 'noArgs', 1, true],
  [1, 'fallthrough', 'noArgs', 1, true],

  [10, 'ecalli', 'oneImm', 1, false],

  [20, 'load_imm_64', 'oneRegExtImm', 1, false],

  [30, 'store_imm_u8', 'twoImm', 1, false],
  [31, 'store_imm_u16', 'twoImm', 1, false],
  [32, 'store_imm_u32', 'twoImm', 1, false],
  [33, 'store_imm_u64', 'twoImm', 1, false],

  [40, 'jump', 'oneOffset', 1, true],

  [50, 'jump_ind', 'oneRegOneImm', 1, true],
  [51, 'load_imm', 'oneRegOneImm', 1, false],
  [52, 'load_u8', 'oneRegOneImm', 1, false],
  [53, 'load_i8', 'oneRegOneImm', 1, false],
  [54, 'load_u16', 'oneRegOneImm', 1, false],
  [55, 'load_i16', 'oneRegOneImm', 1, false],
  [56, 'load_u32', 'oneRegOneImm', 1, false],
  [57, 'load_i32', 'oneRegOneImm', 1, false],
  [58, 'load_u64', 'oneRegOneImm', 1, false],
  [59, 'store_u8', 'oneRegOneImm', 1, false],
  [60, 'store_u16', 'oneRegOneImm', 1, false],
  [61, 'store_u32', 'oneRegOneImm', 1, false],
  [62, 'store_u64', 'oneRegOneImm', 1, false],

  [70, 'store_imm_ind_u8', 'oneRegTwoImm', 1, false],
  [71, 'store_imm_ind_u16', 'oneRegTwoImm', 1, false],
  [72, 'store_imm_ind_u32', 'oneRegTwoImm', 1, false],
  [73, 'store_imm_ind_u64', 'oneRegTwoImm', 1, false],

  [80, 'load_imm_jump', 'oneRegImmOffset', 1, true],
  [81, 'branch_eq_imm', 'oneRegImmOffset', 1, true],
  [82, 'branch_ne_imm', 'oneRegImmOffset', 1, true],
  [83, 'branch_lt_u_imm', 'oneRegImmOffset', 1, true],
  [84, 'branch_le_u_imm', 'oneRegImmOffset', 1, true],
  [85, 'branch_ge_u_imm', 'oneRegImmOffset', 1, true],
  [86, 'branch_gt_u_imm', 'oneRegImmOffset', 1, true],
  [87, 'branch_lt_s_imm', 'oneRegImmOffset', 1, true],
  [88, 'branch_le_s_imm', 'oneRegImmOffset', 1, true],
  [89, 'branch_ge_s_imm', 'oneRegImmOffset', 1, true],
  [90, 'branch_gt_s_imm', 'oneRegImmOffset', 1, true],

  [100, 'move_reg', 'twoReg', 1, false],
  [101, 'sbrk', 'twoReg', 1, false],
  [102, 'count_set_bits_64', 'twoReg', 1, false],
  [103, 'count_set_bits_32', 'twoReg', 1, false],
  [104, 'leading_zero_bits_64', 'twoReg', 1, false],
  [105, 'leading_zero_bits_32', 'twoReg', 1, false],
  [106, 'trailing_zero_bits_64', 'twoReg', 1, false],
  [107, 'trailing_zero_bits_32', 'twoReg', 1, false],
  [108, 'sign_extend_8', 'twoReg', 1, false],
  [109, 'sign_extend_16', 'twoReg', 1, false],
  [110, 'zero_extend_16', 'twoReg', 1, false],
  [111, 'reverse_bytes', 'twoReg', 1, false],

  [120, 'store_ind_u8', 'twoRegOneImm', 1, false],
  [121, 'store_ind_u16', 'twoRegOneImm', 1, false],
  [122, 'store_ind_u32', 'twoRegOneImm', 1, false],
  [123, 'store_ind_u64', 'twoRegOneImm', 1, false],
  [124, 'load_ind_u8', 'twoRegOneImm', 1, false],
  [125, 'load_ind_i8', 'twoRegOneImm', 1, false],
  [126, 'load_ind_u16', 'twoRegOneImm', 1, false],
  [127, 'load_ind_i16', 'twoRegOneImm', 1, false],
  [128, 'load_ind_u32', 'twoRegOneImm', 1, false],
  [129, 'load_ind_i32', 'twoRegOneImm', 1, false],
  [130, 'load_ind_u64', 'twoRegOneImm', 1, false],
  [131, 'add_imm_32', 'twoRegOneImm', 1, false],
  [132, 'and_imm', 'twoRegOneImm', 1, false],
  [133, 'xor_imm', 'twoRegOneImm', 1, false],
  [134, 'or_imm', 'twoRegOneImm', 1, false],
  [135, 'mul_imm_32', 'twoRegOneImm', 1, false],
  [136, 'set_lt_u_imm', 'twoRegOneImm', 1, false],
  [137, 'set_lt_s_imm', 'twoRegOneImm', 1, false],
  [138, 'shlo_l_imm_32', 'twoRegOneImm', 1, false],
  [139, 'shlo_r_imm_32', 'twoRegOneImm', 1, false],
  [140, 'shar_r_imm_32', 'twoRegOneImm', 1, false],
  [141, 'neg_add_imm_32', 'twoRegOneImm', 1, false],
  [142, 'set_gt_u_imm', 'twoRegOneImm', 1, false],
  [143, 'set_gt_s_imm', 'twoRegOneImm', 1, false],
  [144, 'shlo_l_imm_alt_32', 'twoRegOneImm', 1, false],
  [145, 'shlo_r_imm_alt_32', 'twoRegOneImm', 1, false],
  [146, 'shar_r_imm_alt_32', 'twoRegOneImm', 1, false],
  [147, 'cmov_iz_imm', 'twoRegOneImm', 1, false],
  [148, 'cmov_nz_imm', 'twoRegOneImm', 1, false],
  [149, 'add_imm_64', 'twoRegOneImm', 1, false],
  [150, 'mul_imm_64', 'twoRegOneImm', 1, false],
  [151, 'shlo_l_imm_64', 'twoRegOneImm', 1, false],
  [152, 'shlo_r_imm_64', 'twoRegOneImm', 1, false],
  [153, 'shar_r_imm_64', 'twoRegOneImm', 1, false],
  [154, 'neg_add_imm_64', 'twoRegOneImm', 1, false],
  [155, 'shlo_l_imm_alt_64', 'twoRegOneImm', 1, false],
  [156, 'shlo_r_imm_alt_64', 'twoRegOneImm', 1, false],
  [157, 'shar_r_imm_alt_64', 'twoRegOneImm', 1, false],
  [158, 'rot_r_64_imm', 'twoRegOneImm', 1, false],
  [159, 'rot_r_64_imm_alt', 'twoRegOneImm', 1, false],
  [160, 'rot_r_32_imm', 'twoRegOneImm', 1, false],
  [161, 'rot_r_32_imm_alt', 'twoRegOneImm', 1, false],

  [170, 'branch_eq', 'twoRegOneOffset', 1, true],
  [171, 'branch_ne', 'twoRegOneOffset', 1, true],
  [172, 'branch_lt_u', 'twoRegOneOffset', 1, true],
  [173, 'branch_lt_s', 'twoRegOneOffset', 1, true],
  [174, 'branch_ge_u', 'twoRegOneOffset', 1, true],
  [175, 'branch_ge_s', 'twoRegOneOffset', 1, true],

  [180, 'load_imm_jump_ind', 'twoRegTwoImm', 1, true],

  [190, 'add_32', 'threeReg', 1, false],
  [191, 'sub_32', 'threeReg', 1, false],
  [192, 'mul_32', 'threeReg', 1, false],
  [193, 'div_u_32', 'threeReg', 1, false],
  [194, 'div_s_32', 'threeReg', 1, false],
  [195, 'rem_u_32', 'threeReg', 1, false],
  [196, 'rem_s_32', 'threeReg', 1, false],
  [197, 'shlo_l_32', 'threeReg', 1, false],
  [198, 'shlo_r_32', 'threeReg', 1, false],
  [199, 'shar_r_32', 'threeReg', 1, false],
  [200, 'add_64', 'threeReg', 1, false],
  [201, 'sub_64', 'threeReg', 1, false],
  [202, 'mul_64', 'threeReg', 1, false],
  [203, 'div_u_64', 'threeReg', 1, false],
  [204, 'div_s_64', 'threeReg', 1, false],
  [205, 'rem_u_64', 'threeReg', 1, false],
  [206, 'rem_s_64', 'threeReg', 1, false],
  [207, 'shlo_l_64', 'threeReg', 1, false],
  [208, 'shlo_r_64', 'threeReg', 1, false],
  [209, 'shar_r_64', 'threeReg', 1, false],
  [210, 'and', 'threeReg', 1, false],
  [211, 'xor', 'threeReg', 1, false],
  [212, 'or', 'threeReg', 1, false],
  [213, 'mul_upper_s_s', 'threeReg', 1, false],
  [214, 'mul_upper_u_u', 'threeReg', 1, false],
  [215, 'mul_upper_s_u', 'threeReg', 1, false],
  [216, 'set_lt_u', 'threeReg', 1, false],
  [217, 'set_lt_s', 'threeReg', 1, false],
  [218, 'cmov_iz', 'threeReg', 1, false],
  [219, 'cmov_nz', 'threeReg', 1, false],
  [220, 'rot_l_64', 'threeReg', 1, false],
  [221, 'rot_l_32', 'threeReg', 1, false],
  [222, 'rot_r_64', 'threeReg', 1, false],
  [223, 'rot_r_32', 'threeReg', 1, false],
  [224, 'and_inv', 'threeReg', 1, false],
  [225, 'or_inv', 'threeReg', 1, false],
  [226, 'xnor', 'threeReg', 1, false],
  [227, 'max', 'threeReg', 1, false],
  [228, 'max_u', 'threeReg', 1, false],
  [229, 'min', 'threeReg', 1, false],
  [230, 'min_u', 'threeReg', 1, false],
] as const satisfies ReadonlyArray<readonly [number, string, Group, number, boolean]>;

export type Instruction = (typeof instructions)[number];
export type InstructionName = Instruction[1];

/** Opcode number by name, e.g. `op.trap === 0`. */
export const op = Object.fromEntries(instructions.map(([n, name]) => [name, n])) as { readonly [K in InstructionName]: number };

/** The row of each octet 0..255, `undefined` for the octets outside U (they act as `trap`, A.19). */
export const instructionOf: ReadonlyArray<Instruction | undefined> = (() => {
  const table = new Array<Instruction | undefined>(256).fill(undefined);
  for (const row of instructions) table[row[0]] = row;
  return table;
})();

/** @gp A.5 -- T: trap, fallthrough, the jumps, the load-and-jumps and the branches (the terminator column). */
export const terminators: ReadonlySet<number> = new Set(instructions.filter((row) => row[4]).map(([n]) => n));

/** @gp A.19 -- U: whether an octet is a valid opcode. */
export const isValidOpcode = (n: number): boolean => instructionOf[n] !== undefined;
