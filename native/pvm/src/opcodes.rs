//! The opcode table of Appendix A (section "Instruction Tables"): one row per 0.7.2 opcode with
//! its name and argument group. It mirrors `model/pvm/opcodes.ts` of the TypeScript reference;
//! the decoder reads operands by group, the interpreter dispatches on the opcode number.

/// The argument groups of Appendix A, each defined by one equation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// No arguments (trap, fallthrough).
    NoArgs,
    /// @gp A.21 -- one immediate.
    OneImm,
    /// @gp A.22 -- one register and one extended-width immediate.
    RegExtImm,
    /// @gp A.23 -- two immediates.
    TwoImm,
    /// @gp A.24 -- one offset.
    OneOffset,
    /// @gp A.25 -- one register and one immediate.
    RegImm,
    /// @gp A.26 -- one register and two immediates.
    RegTwoImm,
    /// @gp A.27 -- one register, one immediate and one offset.
    RegImmOffset,
    /// @gp A.28 -- two registers.
    TwoReg,
    /// @gp A.29 -- two registers and one immediate.
    TwoRegImm,
    /// @gp A.30 -- two registers and one offset.
    TwoRegOffset,
    /// @gp A.31 -- two registers and two immediates.
    TwoRegTwoImm,
    /// @gp A.32 -- three registers.
    ThreeReg,
}

use Group::*;

/// (opcode, name, group) for every opcode of U, in the paper's order.
pub const OPCODES: &[(u8, &str, Group)] = &[
    (0, "trap", NoArgs),
    (1, "fallthrough", NoArgs),
    (10, "ecalli", OneImm),
    (20, "load_imm_64", RegExtImm),
    (30, "store_imm_u8", TwoImm),
    (31, "store_imm_u16", TwoImm),
    (32, "store_imm_u32", TwoImm),
    (33, "store_imm_u64", TwoImm),
    (40, "jump", OneOffset),
    (50, "jump_ind", RegImm),
    (51, "load_imm", RegImm),
    (52, "load_u8", RegImm),
    (53, "load_i8", RegImm),
    (54, "load_u16", RegImm),
    (55, "load_i16", RegImm),
    (56, "load_u32", RegImm),
    (57, "load_i32", RegImm),
    (58, "load_u64", RegImm),
    (59, "store_u8", RegImm),
    (60, "store_u16", RegImm),
    (61, "store_u32", RegImm),
    (62, "store_u64", RegImm),
    (70, "store_imm_ind_u8", RegTwoImm),
    (71, "store_imm_ind_u16", RegTwoImm),
    (72, "store_imm_ind_u32", RegTwoImm),
    (73, "store_imm_ind_u64", RegTwoImm),
    (80, "load_imm_jump", RegImmOffset),
    (81, "branch_eq_imm", RegImmOffset),
    (82, "branch_ne_imm", RegImmOffset),
    (83, "branch_lt_u_imm", RegImmOffset),
    (84, "branch_le_u_imm", RegImmOffset),
    (85, "branch_ge_u_imm", RegImmOffset),
    (86, "branch_gt_u_imm", RegImmOffset),
    (87, "branch_lt_s_imm", RegImmOffset),
    (88, "branch_le_s_imm", RegImmOffset),
    (89, "branch_ge_s_imm", RegImmOffset),
    (90, "branch_gt_s_imm", RegImmOffset),
    (100, "move_reg", TwoReg),
    (101, "sbrk", TwoReg),
    (102, "count_set_bits_64", TwoReg),
    (103, "count_set_bits_32", TwoReg),
    (104, "leading_zero_bits_64", TwoReg),
    (105, "leading_zero_bits_32", TwoReg),
    (106, "trailing_zero_bits_64", TwoReg),
    (107, "trailing_zero_bits_32", TwoReg),
    (108, "sign_extend_8", TwoReg),
    (109, "sign_extend_16", TwoReg),
    (110, "zero_extend_16", TwoReg),
    (111, "reverse_bytes", TwoReg),
    (120, "store_ind_u8", TwoRegImm),
    (121, "store_ind_u16", TwoRegImm),
    (122, "store_ind_u32", TwoRegImm),
    (123, "store_ind_u64", TwoRegImm),
    (124, "load_ind_u8", TwoRegImm),
    (125, "load_ind_i8", TwoRegImm),
    (126, "load_ind_u16", TwoRegImm),
    (127, "load_ind_i16", TwoRegImm),
    (128, "load_ind_u32", TwoRegImm),
    (129, "load_ind_i32", TwoRegImm),
    (130, "load_ind_u64", TwoRegImm),
    (131, "add_imm_32", TwoRegImm),
    (132, "and_imm", TwoRegImm),
    (133, "xor_imm", TwoRegImm),
    (134, "or_imm", TwoRegImm),
    (135, "mul_imm_32", TwoRegImm),
    (136, "set_lt_u_imm", TwoRegImm),
    (137, "set_lt_s_imm", TwoRegImm),
    (138, "shlo_l_imm_32", TwoRegImm),
    (139, "shlo_r_imm_32", TwoRegImm),
    (140, "shar_r_imm_32", TwoRegImm),
    (141, "neg_add_imm_32", TwoRegImm),
    (142, "set_gt_u_imm", TwoRegImm),
    (143, "set_gt_s_imm", TwoRegImm),
    (144, "shlo_l_imm_alt_32", TwoRegImm),
    (145, "shlo_r_imm_alt_32", TwoRegImm),
    (146, "shar_r_imm_alt_32", TwoRegImm),
    (147, "cmov_iz_imm", TwoRegImm),
    (148, "cmov_nz_imm", TwoRegImm),
    (149, "add_imm_64", TwoRegImm),
    (150, "mul_imm_64", TwoRegImm),
    (151, "shlo_l_imm_64", TwoRegImm),
    (152, "shlo_r_imm_64", TwoRegImm),
    (153, "shar_r_imm_64", TwoRegImm),
    (154, "neg_add_imm_64", TwoRegImm),
    (155, "shlo_l_imm_alt_64", TwoRegImm),
    (156, "shlo_r_imm_alt_64", TwoRegImm),
    (157, "shar_r_imm_alt_64", TwoRegImm),
    (158, "rot_r_64_imm", TwoRegImm),
    (159, "rot_r_64_imm_alt", TwoRegImm),
    (160, "rot_r_32_imm", TwoRegImm),
    (161, "rot_r_32_imm_alt", TwoRegImm),
    (170, "branch_eq", TwoRegOffset),
    (171, "branch_ne", TwoRegOffset),
    (172, "branch_lt_u", TwoRegOffset),
    (173, "branch_lt_s", TwoRegOffset),
    (174, "branch_ge_u", TwoRegOffset),
    (175, "branch_ge_s", TwoRegOffset),
    (180, "load_imm_jump_ind", TwoRegTwoImm),
    (190, "add_32", ThreeReg),
    (191, "sub_32", ThreeReg),
    (192, "mul_32", ThreeReg),
    (193, "div_u_32", ThreeReg),
    (194, "div_s_32", ThreeReg),
    (195, "rem_u_32", ThreeReg),
    (196, "rem_s_32", ThreeReg),
    (197, "shlo_l_32", ThreeReg),
    (198, "shlo_r_32", ThreeReg),
    (199, "shar_r_32", ThreeReg),
    (200, "add_64", ThreeReg),
    (201, "sub_64", ThreeReg),
    (202, "mul_64", ThreeReg),
    (203, "div_u_64", ThreeReg),
    (204, "div_s_64", ThreeReg),
    (205, "rem_u_64", ThreeReg),
    (206, "rem_s_64", ThreeReg),
    (207, "shlo_l_64", ThreeReg),
    (208, "shlo_r_64", ThreeReg),
    (209, "shar_r_64", ThreeReg),
    (210, "and", ThreeReg),
    (211, "xor", ThreeReg),
    (212, "or", ThreeReg),
    (213, "mul_upper_s_s", ThreeReg),
    (214, "mul_upper_u_u", ThreeReg),
    (215, "mul_upper_s_u", ThreeReg),
    (216, "set_lt_u", ThreeReg),
    (217, "set_lt_s", ThreeReg),
    (218, "cmov_iz", ThreeReg),
    (219, "cmov_nz", ThreeReg),
    (220, "rot_l_64", ThreeReg),
    (221, "rot_l_32", ThreeReg),
    (222, "rot_r_64", ThreeReg),
    (223, "rot_r_32", ThreeReg),
    (224, "and_inv", ThreeReg),
    (225, "or_inv", ThreeReg),
    (226, "xnor", ThreeReg),
    (227, "max", ThreeReg),
    (228, "max_u", ThreeReg),
    (229, "min", ThreeReg),
    (230, "min_u", ThreeReg),
];

/// The group of every opcode number, None outside U.
pub const GROUP_OF: [Option<Group>; 256] = {
    let mut table = [None; 256];
    let mut i = 0;
    while i < OPCODES.len() {
        table[OPCODES[i].0 as usize] = Some(OPCODES[i].2);
        i += 1;
    }
    table
};

/// T: the basic-block termination opcodes (section "Basic Blocks and Termination Instructions").
pub const fn is_terminator(opcode: u8) -> bool {
    matches!(opcode, 0 | 1 | 40 | 50 | 80..=90 | 170..=175 | 180)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in OPCODES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].1, w[1].1);
        }
        assert_eq!(OPCODES.len(), 139);
    }

    #[test]
    fn terminators_are_valid_opcodes() {
        for op in 0..=255u8 {
            if is_terminator(op) {
                assert!(GROUP_OF[op as usize].is_some(), "{op}");
            }
        }
    }
}
