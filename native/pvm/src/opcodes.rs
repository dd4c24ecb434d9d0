//! The PVM instruction table of Appendix A.5 ("Instruction Tables"), mirrored from the single
//! source `model/pvm/opcodes.ts`: one row per 0.7.2 opcode with its name, operand group (the
//! A.5.x subsection), gas and terminator flag. The binding exports `INSTRUCTIONS`, and the vitest
//! test `properties/pvm-instructions.test.ts` compares it with the TypeScript table entry by entry;
//! the interpreter dispatches on the named constants of `op`.

/// The operand groups of A.5.1-A.5.13; `name()` spells them as the TypeScript table does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// A.5.1: no arguments.
    NoArgs,
    /// @gp A.21 -- A.5.2: one immediate.
    OneImm,
    /// @gp A.22 -- A.5.3: one register and one extended-width immediate.
    OneRegExtImm,
    /// @gp A.23 -- A.5.4: two immediates.
    TwoImm,
    /// @gp A.24 -- A.5.5: one offset.
    OneOffset,
    /// @gp A.25 -- A.5.6: one register and one immediate.
    OneRegOneImm,
    /// @gp A.26 -- A.5.7: one register and two immediates.
    OneRegTwoImm,
    /// @gp A.27 -- A.5.8: one register, one immediate and one offset.
    OneRegImmOffset,
    /// @gp A.28 -- A.5.9: two registers.
    TwoReg,
    /// @gp A.29 -- A.5.10: two registers and one immediate.
    TwoRegOneImm,
    /// @gp A.30 -- A.5.11: two registers and one offset.
    TwoRegOneOffset,
    /// @gp A.31 -- A.5.12: two registers and two immediates.
    TwoRegTwoImm,
    /// @gp A.32 -- A.5.13: three registers.
    ThreeReg,
}

impl Group {
    /// The group's name in `model/pvm/opcodes.ts`.
    pub const fn name(self) -> &'static str {
        match self {
            Group::NoArgs => "noArgs",
            Group::OneImm => "oneImm",
            Group::OneRegExtImm => "oneRegExtImm",
            Group::TwoImm => "twoImm",
            Group::OneOffset => "oneOffset",
            Group::OneRegOneImm => "oneRegOneImm",
            Group::OneRegTwoImm => "oneRegTwoImm",
            Group::OneRegImmOffset => "oneRegImmOffset",
            Group::TwoReg => "twoReg",
            Group::TwoRegOneImm => "twoRegOneImm",
            Group::TwoRegOneOffset => "twoRegOneOffset",
            Group::TwoRegTwoImm => "twoRegTwoImm",
            Group::ThreeReg => "threeReg",
        }
    }
}

/// One row of the instruction table.
#[derive(Clone, Copy, Debug)]
pub struct Instruction {
    pub opcode: u8,
    pub name: &'static str,
    pub group: Group,
    /// The gas Delta of the row.
    pub gas: u32,
    /// Whether the opcode is in T (ends a basic block, A.5).
    pub terminator: bool,
}

/// One list of rows gives both the table and the named constants the interpreter matches on.
macro_rules! instructions {
    ($($opcode:literal $constant:ident $name:literal $group:ident $terminator:literal;)*) => {
        /// The opcode of every instruction, by its paper name in upper case.
        pub mod op {
            $(pub const $constant: u8 = $opcode;)*
        }

        /// Every opcode of U, in the paper's order. Every row of 0.7.2 costs 1 gas.
        pub const INSTRUCTIONS: &[Instruction] = &[
            $(Instruction { opcode: $opcode, name: $name, group: Group::$group, gas: 1, terminator: $terminator },)*
        ];
    };
}

instructions! {
    0 TRAP "trap" NoArgs true;
    1 FALLTHROUGH "fallthrough" NoArgs true;

    10 ECALLI "ecalli" OneImm false;

    20 LOAD_IMM_64 "load_imm_64" OneRegExtImm false;

    30 STORE_IMM_U8 "store_imm_u8" TwoImm false;
    31 STORE_IMM_U16 "store_imm_u16" TwoImm false;
    32 STORE_IMM_U32 "store_imm_u32" TwoImm false;
    33 STORE_IMM_U64 "store_imm_u64" TwoImm false;

    40 JUMP "jump" OneOffset true;

    50 JUMP_IND "jump_ind" OneRegOneImm true;
    51 LOAD_IMM "load_imm" OneRegOneImm false;
    52 LOAD_U8 "load_u8" OneRegOneImm false;
    53 LOAD_I8 "load_i8" OneRegOneImm false;
    54 LOAD_U16 "load_u16" OneRegOneImm false;
    55 LOAD_I16 "load_i16" OneRegOneImm false;
    56 LOAD_U32 "load_u32" OneRegOneImm false;
    57 LOAD_I32 "load_i32" OneRegOneImm false;
    58 LOAD_U64 "load_u64" OneRegOneImm false;
    59 STORE_U8 "store_u8" OneRegOneImm false;
    60 STORE_U16 "store_u16" OneRegOneImm false;
    61 STORE_U32 "store_u32" OneRegOneImm false;
    62 STORE_U64 "store_u64" OneRegOneImm false;

    70 STORE_IMM_IND_U8 "store_imm_ind_u8" OneRegTwoImm false;
    71 STORE_IMM_IND_U16 "store_imm_ind_u16" OneRegTwoImm false;
    72 STORE_IMM_IND_U32 "store_imm_ind_u32" OneRegTwoImm false;
    73 STORE_IMM_IND_U64 "store_imm_ind_u64" OneRegTwoImm false;

    80 LOAD_IMM_JUMP "load_imm_jump" OneRegImmOffset true;
    81 BRANCH_EQ_IMM "branch_eq_imm" OneRegImmOffset true;
    82 BRANCH_NE_IMM "branch_ne_imm" OneRegImmOffset true;
    83 BRANCH_LT_U_IMM "branch_lt_u_imm" OneRegImmOffset true;
    84 BRANCH_LE_U_IMM "branch_le_u_imm" OneRegImmOffset true;
    85 BRANCH_GE_U_IMM "branch_ge_u_imm" OneRegImmOffset true;
    86 BRANCH_GT_U_IMM "branch_gt_u_imm" OneRegImmOffset true;
    87 BRANCH_LT_S_IMM "branch_lt_s_imm" OneRegImmOffset true;
    88 BRANCH_LE_S_IMM "branch_le_s_imm" OneRegImmOffset true;
    89 BRANCH_GE_S_IMM "branch_ge_s_imm" OneRegImmOffset true;
    90 BRANCH_GT_S_IMM "branch_gt_s_imm" OneRegImmOffset true;

    100 MOVE_REG "move_reg" TwoReg false;
    101 SBRK "sbrk" TwoReg false;
    102 COUNT_SET_BITS_64 "count_set_bits_64" TwoReg false;
    103 COUNT_SET_BITS_32 "count_set_bits_32" TwoReg false;
    104 LEADING_ZERO_BITS_64 "leading_zero_bits_64" TwoReg false;
    105 LEADING_ZERO_BITS_32 "leading_zero_bits_32" TwoReg false;
    106 TRAILING_ZERO_BITS_64 "trailing_zero_bits_64" TwoReg false;
    107 TRAILING_ZERO_BITS_32 "trailing_zero_bits_32" TwoReg false;
    108 SIGN_EXTEND_8 "sign_extend_8" TwoReg false;
    109 SIGN_EXTEND_16 "sign_extend_16" TwoReg false;
    110 ZERO_EXTEND_16 "zero_extend_16" TwoReg false;
    111 REVERSE_BYTES "reverse_bytes" TwoReg false;

    120 STORE_IND_U8 "store_ind_u8" TwoRegOneImm false;
    121 STORE_IND_U16 "store_ind_u16" TwoRegOneImm false;
    122 STORE_IND_U32 "store_ind_u32" TwoRegOneImm false;
    123 STORE_IND_U64 "store_ind_u64" TwoRegOneImm false;
    124 LOAD_IND_U8 "load_ind_u8" TwoRegOneImm false;
    125 LOAD_IND_I8 "load_ind_i8" TwoRegOneImm false;
    126 LOAD_IND_U16 "load_ind_u16" TwoRegOneImm false;
    127 LOAD_IND_I16 "load_ind_i16" TwoRegOneImm false;
    128 LOAD_IND_U32 "load_ind_u32" TwoRegOneImm false;
    129 LOAD_IND_I32 "load_ind_i32" TwoRegOneImm false;
    130 LOAD_IND_U64 "load_ind_u64" TwoRegOneImm false;
    131 ADD_IMM_32 "add_imm_32" TwoRegOneImm false;
    132 AND_IMM "and_imm" TwoRegOneImm false;
    133 XOR_IMM "xor_imm" TwoRegOneImm false;
    134 OR_IMM "or_imm" TwoRegOneImm false;
    135 MUL_IMM_32 "mul_imm_32" TwoRegOneImm false;
    136 SET_LT_U_IMM "set_lt_u_imm" TwoRegOneImm false;
    137 SET_LT_S_IMM "set_lt_s_imm" TwoRegOneImm false;
    138 SHLO_L_IMM_32 "shlo_l_imm_32" TwoRegOneImm false;
    139 SHLO_R_IMM_32 "shlo_r_imm_32" TwoRegOneImm false;
    140 SHAR_R_IMM_32 "shar_r_imm_32" TwoRegOneImm false;
    141 NEG_ADD_IMM_32 "neg_add_imm_32" TwoRegOneImm false;
    142 SET_GT_U_IMM "set_gt_u_imm" TwoRegOneImm false;
    143 SET_GT_S_IMM "set_gt_s_imm" TwoRegOneImm false;
    144 SHLO_L_IMM_ALT_32 "shlo_l_imm_alt_32" TwoRegOneImm false;
    145 SHLO_R_IMM_ALT_32 "shlo_r_imm_alt_32" TwoRegOneImm false;
    146 SHAR_R_IMM_ALT_32 "shar_r_imm_alt_32" TwoRegOneImm false;
    147 CMOV_IZ_IMM "cmov_iz_imm" TwoRegOneImm false;
    148 CMOV_NZ_IMM "cmov_nz_imm" TwoRegOneImm false;
    149 ADD_IMM_64 "add_imm_64" TwoRegOneImm false;
    150 MUL_IMM_64 "mul_imm_64" TwoRegOneImm false;
    151 SHLO_L_IMM_64 "shlo_l_imm_64" TwoRegOneImm false;
    152 SHLO_R_IMM_64 "shlo_r_imm_64" TwoRegOneImm false;
    153 SHAR_R_IMM_64 "shar_r_imm_64" TwoRegOneImm false;
    154 NEG_ADD_IMM_64 "neg_add_imm_64" TwoRegOneImm false;
    155 SHLO_L_IMM_ALT_64 "shlo_l_imm_alt_64" TwoRegOneImm false;
    156 SHLO_R_IMM_ALT_64 "shlo_r_imm_alt_64" TwoRegOneImm false;
    157 SHAR_R_IMM_ALT_64 "shar_r_imm_alt_64" TwoRegOneImm false;
    158 ROT_R_64_IMM "rot_r_64_imm" TwoRegOneImm false;
    159 ROT_R_64_IMM_ALT "rot_r_64_imm_alt" TwoRegOneImm false;
    160 ROT_R_32_IMM "rot_r_32_imm" TwoRegOneImm false;
    161 ROT_R_32_IMM_ALT "rot_r_32_imm_alt" TwoRegOneImm false;

    170 BRANCH_EQ "branch_eq" TwoRegOneOffset true;
    171 BRANCH_NE "branch_ne" TwoRegOneOffset true;
    172 BRANCH_LT_U "branch_lt_u" TwoRegOneOffset true;
    173 BRANCH_LT_S "branch_lt_s" TwoRegOneOffset true;
    174 BRANCH_GE_U "branch_ge_u" TwoRegOneOffset true;
    175 BRANCH_GE_S "branch_ge_s" TwoRegOneOffset true;

    180 LOAD_IMM_JUMP_IND "load_imm_jump_ind" TwoRegTwoImm true;

    190 ADD_32 "add_32" ThreeReg false;
    191 SUB_32 "sub_32" ThreeReg false;
    192 MUL_32 "mul_32" ThreeReg false;
    193 DIV_U_32 "div_u_32" ThreeReg false;
    194 DIV_S_32 "div_s_32" ThreeReg false;
    195 REM_U_32 "rem_u_32" ThreeReg false;
    196 REM_S_32 "rem_s_32" ThreeReg false;
    197 SHLO_L_32 "shlo_l_32" ThreeReg false;
    198 SHLO_R_32 "shlo_r_32" ThreeReg false;
    199 SHAR_R_32 "shar_r_32" ThreeReg false;
    200 ADD_64 "add_64" ThreeReg false;
    201 SUB_64 "sub_64" ThreeReg false;
    202 MUL_64 "mul_64" ThreeReg false;
    203 DIV_U_64 "div_u_64" ThreeReg false;
    204 DIV_S_64 "div_s_64" ThreeReg false;
    205 REM_U_64 "rem_u_64" ThreeReg false;
    206 REM_S_64 "rem_s_64" ThreeReg false;
    207 SHLO_L_64 "shlo_l_64" ThreeReg false;
    208 SHLO_R_64 "shlo_r_64" ThreeReg false;
    209 SHAR_R_64 "shar_r_64" ThreeReg false;
    210 AND "and" ThreeReg false;
    211 XOR "xor" ThreeReg false;
    212 OR "or" ThreeReg false;
    213 MUL_UPPER_S_S "mul_upper_s_s" ThreeReg false;
    214 MUL_UPPER_U_U "mul_upper_u_u" ThreeReg false;
    215 MUL_UPPER_S_U "mul_upper_s_u" ThreeReg false;
    216 SET_LT_U "set_lt_u" ThreeReg false;
    217 SET_LT_S "set_lt_s" ThreeReg false;
    218 CMOV_IZ "cmov_iz" ThreeReg false;
    219 CMOV_NZ "cmov_nz" ThreeReg false;
    220 ROT_L_64 "rot_l_64" ThreeReg false;
    221 ROT_L_32 "rot_l_32" ThreeReg false;
    222 ROT_R_64 "rot_r_64" ThreeReg false;
    223 ROT_R_32 "rot_r_32" ThreeReg false;
    224 AND_INV "and_inv" ThreeReg false;
    225 OR_INV "or_inv" ThreeReg false;
    226 XNOR "xnor" ThreeReg false;
    227 MAX "max" ThreeReg false;
    228 MAX_U "max_u" ThreeReg false;
    229 MIN "min" ThreeReg false;
    230 MIN_U "min_u" ThreeReg false;
}

/// The group of every opcode number, None outside U.
pub const GROUP_OF: [Option<Group>; 256] = {
    let mut table = [None; 256];
    let mut i = 0;
    while i < INSTRUCTIONS.len() {
        table[INSTRUCTIONS[i].opcode as usize] = Some(INSTRUCTIONS[i].group);
        i += 1;
    }
    table
};

/// T of every opcode number (false outside U).
const TERMINATOR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < INSTRUCTIONS.len() {
        table[INSTRUCTIONS[i].opcode as usize] = INSTRUCTIONS[i].terminator;
        i += 1;
    }
    table
};

// The interpreter charges one gas per instruction without looking the row up; a row with another
// gas Delta must fail the build rather than be charged wrongly.
const _: () = {
    let mut i = 0;
    while i < INSTRUCTIONS.len() {
        assert!(INSTRUCTIONS[i].gas == 1, "the interpreter charges 1 gas per instruction");
        i += 1;
    }
};

/// @gp A.5 -- T: the basic-block termination opcodes.
pub const fn is_terminator(opcode: u8) -> bool {
    TERMINATOR[opcode as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in INSTRUCTIONS.windows(2) {
            assert!(w[0].opcode < w[1].opcode, "{} before {}", w[0].name, w[1].name);
        }
        assert_eq!(INSTRUCTIONS.len(), 139);
    }

    #[test]
    fn terminators_are_the_jumps_and_branches() {
        let t: Vec<u8> = (0..=255u8).filter(|&o| is_terminator(o)).collect();
        let mut expected = vec![op::TRAP, op::FALLTHROUGH, op::JUMP, op::JUMP_IND, op::LOAD_IMM_JUMP_IND];
        expected.extend(op::LOAD_IMM_JUMP..=op::BRANCH_GT_S_IMM);
        expected.extend(op::BRANCH_EQ..=op::BRANCH_GE_S);
        expected.sort_unstable();
        assert_eq!(t, expected);
    }
}
