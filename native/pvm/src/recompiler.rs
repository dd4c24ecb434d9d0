//! The recompiler: a program's instruction stream translated once into x86-64 code that runs the
//! interpreter's common case, and hands every other case back to the interpreter.
//!
//! The interpreter stays the definition. The translated code runs an instruction only when it
//! cannot exit: its basic block's gas paid on entering it (as `step_loop` pays it), its memory
//! access within one page that is mapped, allocated and permitted, its jump to a known block.
//! Anything else (an exit of any kind, ecalli, sbrk, a division, an access the fast path cannot
//! decide, a block that cannot be paid) stops the code *before* that instruction, with omega, mu
//! and the counter exactly as the interpreter would hold them there; the interpreter then runs
//! it. So every exit (halt, panic, fault, out of gas, host call) and its counter, imath and state
//! are the interpreter's own, and the code only has to agree with it on instructions that
//! complete: `tests::recompiled_runs_equal_interpreted` checks that on random programs.
//!
//! Speed: the interpreter spends most of an instruction on its dispatch (one indirect jump for all
//! opcodes); here each instruction is a few machine instructions, branches jump straight to their
//! target's code, and gas is one subtraction a block. The seven registers of omega the program
//! names most live in x86 registers while the code runs (`held`), the others in `registers`;
//! every instruction moves its operands through scratch registers, so no allocation is needed.

// dynasm's dynamic registers (`Rq(x)`) expand to an `.into()` of the number given.
#![allow(clippy::useless_conversion)]

use dynasmrt::{dynasm, x64::Assembler, AssemblyOffset, DynamicLabel, DynasmApi, DynasmLabelApi, ExecutableBuffer};

use crate::memory::{Memory, PAGE_SIZE};
use crate::opcodes::{is_terminator, op::*};
use crate::program::{Instr, Program, PANIC_TARGET};

/// What the code reads and writes of the machine, at fixed offsets (r12 points here).
#[repr(C)]
struct Context {
    /// omega (r15 while running).
    registers: *mut u64,
    /// `Memory`'s top-level table (r14).
    table: *const u8,
    /// The counter (r13 while running).
    gas: u64,
    /// Per jump-table entry, the address of its target's code, or 0 where the interpreter decides.
    djump: *const usize,
    djump_len: u64,
}

/// The translated program.
pub struct Compiled {
    code: ExecutableBuffer,
    /// The prologue: `extern "sysv64" fn(*mut Context, *const u8) -> u64`.
    enter: AssemblyOffset,
    /// Per stream position, its code past any gas check (its block already paid).
    paid: Vec<AssemblyOffset>,
    djump: Vec<usize>,
}

// SAFETY: the code and the tables are immutable once built; a run writes only what it is given.
unsafe impl Send for Compiled {}
unsafe impl Sync for Compiled {}

/// The condition of a branch or comparison, as an x86 condition code.
#[derive(Clone, Copy)]
enum Cc {
    E,
    Ne,
    B,
    Be,
    Ae,
    A,
    L,
    Le,
    Ge,
    G,
}

struct Emitter<'p> {
    ops: Assembler,
    instrs: &'p [Instr],
    /// Per stream position, its code's start (its block's gas check, where it starts a block).
    start: Vec<DynamicLabel>,
    paid: Vec<AssemblyOffset>,
    /// Stubs that stop before the instruction at a position: (label, position, entering).
    stubs: Vec<(DynamicLabel, u32, bool)>,
    /// The x86 register that holds omega_r while the code runs, for the registers the program
    /// names most; the others stay in `registers`.
    map: [Option<u8>; 13],
}

// The scratch registers (x86 numbers): rax, rcx (shift counts), rdx (mul's upper half), r8.
const RAX: u8 = 0;
const RCX: u8 = 1;
const R8: u8 = 8;
/// The registers that hold omega's most named registers: rbx, rbp, rsi, rdi, r9, r10, r11.
const HELD: [u8; 7] = [3, 5, 6, 7, 9, 10, 11];

/// Where omega_r lives in `registers`, relative to r15.
fn slot(r: u8) -> i32 {
    i32::from(r) * 8
}

/// The registers of omega an instruction names (its operand group's, A.5).
fn named(ins: &Instr) -> impl Iterator<Item = u8> {
    use crate::opcodes::{Group::*, GROUP_OF};
    let (a, b, d) = match GROUP_OF[ins.op as usize] {
        Some(OneRegExtImm | OneRegOneImm | OneRegTwoImm | OneRegImmOffset) => (true, false, false),
        Some(TwoReg) => (true, false, true),
        Some(TwoRegOneImm | TwoRegOneOffset | TwoRegTwoImm) => (true, true, false),
        Some(ThreeReg) => (true, true, true),
        _ => (false, false, false),
    };
    [(a, ins.a), (b, ins.b), (d, ins.d)].into_iter().filter_map(|(is, r)| is.then_some(r))
}

/// Speed: the registers of omega the program names most, each given one of `HELD`.
fn held(instrs: &[Instr]) -> [Option<u8>; 13] {
    let mut count = [0usize; 13];
    for r in instrs.iter().flat_map(named) {
        count[r.min(12) as usize] += 1;
    }
    let mut order: Vec<usize> = (0..13).filter(|&r| count[r] > 0).collect();
    order.sort_by_key(|&r| std::cmp::Reverse(count[r]));
    let mut map = [None; 13];
    for (&r, &x) in order.iter().zip(HELD.iter()) {
        map[r] = Some(x);
    }
    map
}

impl Emitter<'_> {
    /// A label whose code stops before the instruction at `ip` (`entering`: its block not paid).
    fn stop(&mut self, ip: usize, entering: bool) -> DynamicLabel {
        let label = self.ops.new_dynamic_label();
        self.stubs.push((label, ip as u32, entering));
        label
    }

    /// Scratch register s := omega_r.
    fn get(&mut self, s: u8, r: u8) {
        match self.map[r as usize] {
            Some(x) => dynasm!(self.ops ; .arch x64 ; mov Rq(s), Rq(x)),
            None => dynasm!(self.ops ; .arch x64 ; mov Rq(s), QWORD [r15 + slot(r)]),
        }
    }

    /// Scratch register s := omega_r mod 2^32.
    fn get32(&mut self, s: u8, r: u8) {
        match self.map[r as usize] {
            Some(x) => dynasm!(self.ops ; .arch x64 ; mov Rd(s), Rd(x)),
            None => dynasm!(self.ops ; .arch x64 ; mov Rd(s), DWORD [r15 + slot(r)]),
        }
    }

    /// omega_r := rax.
    fn set(&mut self, r: u8) {
        match self.map[r as usize] {
            Some(x) => dynasm!(self.ops ; .arch x64 ; mov Rq(x), rax),
            None => dynasm!(self.ops ; .arch x64 ; mov QWORD [r15 + slot(r)], rax),
        }
    }

    /// omega_r := eax as a 32-bit result, sign-extended (X_4).
    fn set32(&mut self, r: u8) {
        dynasm!(self.ops ; .arch x64 ; movsxd rax, eax);
        self.set(r);
    }

    /// The held registers from `registers` (entering the code) or back to it (leaving).
    fn held_registers(&mut self, entering: bool) {
        for r in 0..13u8 {
            if let Some(x) = self.map[r as usize] {
                if entering {
                    dynasm!(self.ops ; .arch x64 ; mov Rq(x), QWORD [r15 + slot(r)]);
                } else {
                    dynasm!(self.ops ; .arch x64 ; mov QWORD [r15 + slot(r)], Rq(x));
                }
            }
        }
    }

    /// rcx := x.
    fn imm(&mut self, x: u64) {
        dynasm!(self.ops ; .arch x64 ; mov rcx, QWORD x as i64);
    }

    /// Jumps to `to` when the flags say `cc`.
    fn jcc(&mut self, cc: Cc, to: DynamicLabel) {
        match cc {
            Cc::E => dynasm!(self.ops ; .arch x64 ; je =>to),
            Cc::Ne => dynasm!(self.ops ; .arch x64 ; jne =>to),
            Cc::B => dynasm!(self.ops ; .arch x64 ; jb =>to),
            Cc::Be => dynasm!(self.ops ; .arch x64 ; jbe =>to),
            Cc::Ae => dynasm!(self.ops ; .arch x64 ; jae =>to),
            Cc::A => dynasm!(self.ops ; .arch x64 ; ja =>to),
            Cc::L => dynasm!(self.ops ; .arch x64 ; jl =>to),
            Cc::Le => dynasm!(self.ops ; .arch x64 ; jle =>to),
            Cc::Ge => dynasm!(self.ops ; .arch x64 ; jge =>to),
            Cc::G => dynasm!(self.ops ; .arch x64 ; jg =>to),
        }
    }

    /// rax := 1 if the flags say `cc`, else 0.
    fn setcc(&mut self, cc: Cc) {
        match cc {
            Cc::B => dynasm!(self.ops ; .arch x64 ; setb al),
            Cc::A => dynasm!(self.ops ; .arch x64 ; seta al),
            Cc::L => dynasm!(self.ops ; .arch x64 ; setl al),
            Cc::G => dynasm!(self.ops ; .arch x64 ; setg al),
            _ => unreachable!("set_* compares with <, >"),
        }
        dynasm!(self.ops ; .arch x64 ; movzx eax, al);
    }

    /// ecx := the address omega_r + x (mod 2^32).
    fn address(&mut self, r: u8, x: u64) {
        self.get32(RCX, r);
        dynasm!(self.ops ; .arch x64 ; add ecx, x as u32 as i32);
    }

    /// For the address in ecx and an access of n octets: [rdx + rcx] is its octets, or the code
    /// stops at `out`. The access must lie in one page whose slot is `Write` (or, reading, not
    /// `None`) and whose octets exist (a page never written reads as zeroes without them): the
    /// interpreter decides every other access, faults included.
    fn page(&mut self, n: u32, write: bool, out: DynamicLabel) {
        let directory_shift = 12 + crate::memory::L2_BITS;
        dynasm!(self.ops
            ; .arch x64
            ; mov eax, ecx
            ; shr eax, directory_shift as i8
            ; mov rdx, QWORD [r14 + rax * 8]
            ; test rdx, rdx
            ; jz =>out
            ; mov eax, ecx
            ; shr eax, 12
            ; and eax, (crate::memory::L2_LEN - 1) as i32
            ; shl eax, 4
            ; add rdx, rax
        );
        if write {
            dynasm!(self.ops ; .arch x64 ; cmp BYTE [rdx + 8], crate::memory::WRITE as i8 ; jne =>out);
        } else {
            dynasm!(self.ops ; .arch x64 ; cmp BYTE [rdx + 8], crate::memory::NONE as i8 ; je =>out);
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov rdx, QWORD [rdx]
            ; test rdx, rdx
            ; jz =>out
            ; and ecx, (PAGE_SIZE - 1) as i32
            ; cmp ecx, (PAGE_SIZE - n) as i32
            ; ja =>out
        );
    }

    /// omega_a := the n octets at ecx, zero- or sign-extended.
    fn load(&mut self, a: u8, n: u32, signed: bool, out: DynamicLabel) {
        self.page(n, false, out);
        match (n, signed) {
            (1, false) => dynasm!(self.ops ; .arch x64 ; movzx eax, BYTE [rdx + rcx]),
            (1, true) => dynasm!(self.ops ; .arch x64 ; movsx rax, BYTE [rdx + rcx]),
            (2, false) => dynasm!(self.ops ; .arch x64 ; movzx eax, WORD [rdx + rcx]),
            (2, true) => dynasm!(self.ops ; .arch x64 ; movsx rax, WORD [rdx + rcx]),
            (4, false) => dynasm!(self.ops ; .arch x64 ; mov eax, DWORD [rdx + rcx]),
            (4, true) => dynasm!(self.ops ; .arch x64 ; movsxd rax, DWORD [rdx + rcx]),
            _ => dynasm!(self.ops ; .arch x64 ; mov rax, QWORD [rdx + rcx]),
        }
        self.set(a);
    }

    /// The n low octets of r8 to the address in ecx.
    fn store(&mut self, n: u32, out: DynamicLabel) {
        self.page(n, true, out);
        match n {
            1 => dynasm!(self.ops ; .arch x64 ; mov BYTE [rdx + rcx], r8b),
            2 => dynasm!(self.ops ; .arch x64 ; mov WORD [rdx + rcx], r8w),
            4 => dynasm!(self.ops ; .arch x64 ; mov DWORD [rdx + rcx], r8d),
            _ => dynasm!(self.ops ; .arch x64 ; mov QWORD [rdx + rcx], r8),
        }
    }

    /// The code of the block at stream position `target`, or, outside varpi, a stop at `ip`
    /// (whose jump the interpreter then takes to its panic).
    fn block(&mut self, ip: usize, target: u32) -> DynamicLabel {
        if target == PANIC_TARGET { self.stop(ip, false) } else { self.start[target as usize] }
    }

    /// Jumps to the block at stream position `target` when the flags say `cc`.
    fn branch(&mut self, ip: usize, cc: Cc, target: u32) {
        let to = self.block(ip, target);
        self.jcc(cc, to);
    }

    /// Jumps to the block at stream position `target`.
    fn jump(&mut self, ip: usize, target: u32) {
        let to = self.block(ip, target);
        dynasm!(self.ops ; .arch x64 ; jmp =>to);
    }

    /// @gp A.18 -- djump to eax's address, through the jump table; the halt address, a misaligned
    /// or unknown entry stop at `ip`. `before` runs once the jump is decided, before it is taken.
    fn djump(&mut self, ip: usize, before: impl FnOnce(&mut Self)) {
        let out = self.stop(ip, false);
        dynasm!(self.ops
            ; .arch x64
            ; test eax, 1
            ; jnz =>out
            ; shr eax, 1
            ; sub eax, 1
            ; cmp rax, QWORD [r12 + 32]
            ; jae =>out
            ; mov rdx, QWORD [r12 + 24]
            ; mov rdx, QWORD [rdx + rax * 8]
            ; test rdx, rdx
            ; jz =>out
        );
        before(self);
        dynasm!(self.ops ; .arch x64 ; jmp rdx);
    }

    /// One instruction's code. Everything that could exit, and what is rare, stops before it.
    /// Operands go through the scratch registers: rax (and rcx) from omega, the result to omega.
    fn instruction(&mut self, ip: usize) {
        let ins = self.instrs[ip];
        let (a, b, d, x, y) = (ins.a, ins.b, ins.d, ins.x, ins.y);
        macro_rules! emit {
            ($($t:tt)*) => { dynasm!(self.ops ; .arch x64 ; $($t)*) };
        }
        // omega_a := omega_b op x (64 bits).
        macro_rules! rb_x {
            ($op:ident) => {{
                self.get(RAX, b);
                self.imm(x);
                emit!($op rax, rcx);
                self.set(a);
            }};
        }
        // omega_a := omega_b shifted or rotated by x mod 32 (32 bits).
        macro_rules! rb_s32 {
            ($op:ident) => {{
                self.get32(RAX, b);
                emit!($op eax, (x % 32) as i8);
                self.set32(a);
            }};
        }
        // omega_d := omega_a op omega_b (64 or 32 bits).
        macro_rules! ra_rb {
            ($op:ident) => {{
                self.get(RAX, a);
                self.get(RCX, b);
                emit!($op rax, rcx);
                self.set(d);
            }};
        }
        macro_rules! ra_rb32 {
            ($op:ident) => {{
                self.get32(RAX, a);
                self.get32(RCX, b);
                emit!($op eax, ecx);
                self.set32(d);
            }};
        }
        // A shift or rotation of $value (rax or eax) by cl into omega_$dst.
        macro_rules! by_cl {
            ($op:ident, $value:ident, $dst:expr, $wide:literal) => {{
                emit!($op $value, cl);
                if $wide { self.set($dst) } else { self.set32($dst) }
            }};
        }
        macro_rules! load_imm_addr {
            ($n:literal, $signed:literal) => {{
                let out = self.stop(ip, false);
                emit!(mov ecx, x as u32 as i32);
                self.load(a, $n, $signed, out);
            }};
        }
        macro_rules! load_ind {
            ($n:literal, $signed:literal) => {{
                let out = self.stop(ip, false);
                self.address(b, x);
                self.load(a, $n, $signed, out);
            }};
        }
        match ins.op {
            // The next instruction starts a block; its code checks its gas.
            FALLTHROUGH => {}
            LOAD_IMM_64 | LOAD_IMM => {
                emit!(mov rax, QWORD x as i64);
                self.set(a);
            }
            STORE_IMM_U8 | STORE_IMM_U16 | STORE_IMM_U32 | STORE_IMM_U64 => {
                let out = self.stop(ip, false);
                emit!(mov r8, QWORD y as i64 ; mov ecx, x as u32 as i32);
                self.store(1 << (ins.op - STORE_IMM_U8), out);
            }
            JUMP => self.jump(ip, ins.target),
            JUMP_IND => {
                self.get32(RAX, a);
                emit!(add eax, x as u32 as i32);
                self.djump(ip, |_| {});
            }
            LOAD_U8 => load_imm_addr!(1, false),
            LOAD_I8 => load_imm_addr!(1, true),
            LOAD_U16 => load_imm_addr!(2, false),
            LOAD_I16 => load_imm_addr!(2, true),
            LOAD_U32 => load_imm_addr!(4, false),
            LOAD_I32 => load_imm_addr!(4, true),
            LOAD_U64 => load_imm_addr!(8, false),
            STORE_U8 | STORE_U16 | STORE_U32 | STORE_U64 => {
                let out = self.stop(ip, false);
                self.get(R8, a);
                emit!(mov ecx, x as u32 as i32);
                self.store(1 << (ins.op - STORE_U8), out);
            }
            STORE_IMM_IND_U8 | STORE_IMM_IND_U16 | STORE_IMM_IND_U32 | STORE_IMM_IND_U64 => {
                let out = self.stop(ip, false);
                emit!(mov r8, QWORD y as i64);
                self.address(a, x);
                self.store(1 << (ins.op - STORE_IMM_IND_U8), out);
            }
            LOAD_IMM_JUMP => {
                if ins.target != PANIC_TARGET {
                    emit!(mov rax, QWORD x as i64);
                    self.set(a);
                }
                self.jump(ip, ins.target);
            }
            BRANCH_EQ_IMM..=BRANCH_GT_S_IMM => {
                let cc = [Cc::E, Cc::Ne, Cc::B, Cc::Be, Cc::Ae, Cc::A, Cc::L, Cc::Le, Cc::Ge, Cc::G][(ins.op - BRANCH_EQ_IMM) as usize];
                self.get(RAX, a);
                self.imm(x);
                emit!(cmp rax, rcx);
                self.branch(ip, cc, ins.target);
            }
            MOVE_REG => {
                self.get(RAX, a);
                self.set(d);
            }
            SIGN_EXTEND_8 | SIGN_EXTEND_16 | ZERO_EXTEND_16 | REVERSE_BYTES => {
                self.get(RAX, a);
                match ins.op {
                    SIGN_EXTEND_8 => emit!(movsx rax, al),
                    SIGN_EXTEND_16 => emit!(movsx rax, ax),
                    ZERO_EXTEND_16 => emit!(movzx eax, ax),
                    _ => emit!(bswap rax),
                }
                self.set(d);
            }
            STORE_IND_U8 | STORE_IND_U16 | STORE_IND_U32 | STORE_IND_U64 => {
                let out = self.stop(ip, false);
                self.get(R8, a);
                self.address(b, x);
                self.store(1 << (ins.op - STORE_IND_U8), out);
            }
            LOAD_IND_U8 => load_ind!(1, false),
            LOAD_IND_I8 => load_ind!(1, true),
            LOAD_IND_U16 => load_ind!(2, false),
            LOAD_IND_I16 => load_ind!(2, true),
            LOAD_IND_U32 => load_ind!(4, false),
            LOAD_IND_I32 => load_ind!(4, true),
            LOAD_IND_U64 => load_ind!(8, false),
            ADD_IMM_32 => {
                self.get32(RAX, b);
                emit!(add eax, x as u32 as i32);
                self.set32(a);
            }
            AND_IMM => rb_x!(and),
            XOR_IMM => rb_x!(xor),
            OR_IMM => rb_x!(or),
            MUL_IMM_32 => {
                self.get32(RAX, b);
                emit!(imul eax, eax, x as u32 as i32);
                self.set32(a);
            }
            SET_LT_U_IMM | SET_LT_S_IMM | SET_GT_U_IMM | SET_GT_S_IMM => {
                let cc = match ins.op {
                    SET_LT_U_IMM => Cc::B,
                    SET_LT_S_IMM => Cc::L,
                    SET_GT_U_IMM => Cc::A,
                    _ => Cc::G,
                };
                self.get(RAX, b);
                self.imm(x);
                emit!(cmp rax, rcx);
                self.setcc(cc);
                self.set(a);
            }
            SHLO_L_IMM_32 => rb_s32!(shl),
            SHLO_R_IMM_32 => rb_s32!(shr),
            SHAR_R_IMM_32 => rb_s32!(sar),
            ROT_R_32_IMM => rb_s32!(ror),
            NEG_ADD_IMM_32 => {
                self.get32(RCX, b);
                emit!(mov eax, x as u32 as i32 ; sub eax, ecx);
                self.set32(a);
            }
            SHLO_L_IMM_ALT_32 | SHLO_R_IMM_ALT_32 | SHAR_R_IMM_ALT_32 | ROT_R_32_IMM_ALT => {
                self.get32(RCX, b);
                emit!(mov eax, x as u32 as i32);
                match ins.op {
                    SHLO_L_IMM_ALT_32 => by_cl!(shl, eax, a, false),
                    SHLO_R_IMM_ALT_32 => by_cl!(shr, eax, a, false),
                    SHAR_R_IMM_ALT_32 => by_cl!(sar, eax, a, false),
                    _ => by_cl!(ror, eax, a, false),
                }
            }
            CMOV_IZ_IMM | CMOV_NZ_IMM => {
                self.get(RAX, a);
                self.get(R8, b);
                self.imm(x);
                emit!(test r8, r8);
                if ins.op == CMOV_IZ_IMM {
                    emit!(cmove rax, rcx);
                } else {
                    emit!(cmovne rax, rcx);
                }
                self.set(a);
            }
            ADD_IMM_64 => rb_x!(add),
            MUL_IMM_64 => rb_x!(imul),
            SHLO_L_IMM_64 | SHLO_R_IMM_64 | SHAR_R_IMM_64 | ROT_R_64_IMM => {
                let s = (x % 64) as i8;
                self.get(RAX, b);
                match ins.op {
                    SHLO_L_IMM_64 => emit!(shl rax, s),
                    SHLO_R_IMM_64 => emit!(shr rax, s),
                    SHAR_R_IMM_64 => emit!(sar rax, s),
                    _ => emit!(ror rax, s),
                }
                self.set(a);
            }
            NEG_ADD_IMM_64 => {
                self.get(RCX, b);
                emit!(mov rax, QWORD x as i64 ; sub rax, rcx);
                self.set(a);
            }
            SHLO_L_IMM_ALT_64 | SHLO_R_IMM_ALT_64 | SHAR_R_IMM_ALT_64 | ROT_R_64_IMM_ALT => {
                self.get(RCX, b);
                emit!(mov rax, QWORD x as i64);
                match ins.op {
                    SHLO_L_IMM_ALT_64 => by_cl!(shl, rax, a, true),
                    SHLO_R_IMM_ALT_64 => by_cl!(shr, rax, a, true),
                    SHAR_R_IMM_ALT_64 => by_cl!(sar, rax, a, true),
                    _ => by_cl!(ror, rax, a, true),
                }
            }
            BRANCH_EQ..=BRANCH_GE_S => {
                let cc = [Cc::E, Cc::Ne, Cc::B, Cc::L, Cc::Ae, Cc::Ge][(ins.op - BRANCH_EQ) as usize];
                self.get(RAX, a);
                self.get(RCX, b);
                emit!(cmp rax, rcx);
                self.branch(ip, cc, ins.target);
            }
            LOAD_IMM_JUMP_IND => {
                self.get32(RAX, b);
                emit!(add eax, y as u32 as i32);
                self.djump(ip, |e| {
                    dynasm!(e.ops ; .arch x64 ; mov rax, QWORD x as i64);
                    e.set(a);
                });
            }
            ADD_32 => ra_rb32!(add),
            SUB_32 => ra_rb32!(sub),
            MUL_32 => ra_rb32!(imul),
            SHLO_L_32 | SHLO_R_32 | SHAR_R_32 | ROT_L_32 | ROT_R_32 => {
                self.get32(RAX, a);
                self.get32(RCX, b);
                match ins.op {
                    SHLO_L_32 => by_cl!(shl, eax, d, false),
                    SHLO_R_32 => by_cl!(shr, eax, d, false),
                    SHAR_R_32 => by_cl!(sar, eax, d, false),
                    ROT_L_32 => by_cl!(rol, eax, d, false),
                    _ => by_cl!(ror, eax, d, false),
                }
            }
            ADD_64 => ra_rb!(add),
            SUB_64 => ra_rb!(sub),
            MUL_64 => ra_rb!(imul),
            AND => ra_rb!(and),
            XOR => ra_rb!(xor),
            OR => ra_rb!(or),
            SHLO_L_64 | SHLO_R_64 | SHAR_R_64 | ROT_L_64 | ROT_R_64 => {
                self.get(RAX, a);
                self.get32(RCX, b);
                match ins.op {
                    SHLO_L_64 => by_cl!(shl, rax, d, true),
                    SHLO_R_64 => by_cl!(shr, rax, d, true),
                    SHAR_R_64 => by_cl!(sar, rax, d, true),
                    ROT_L_64 => by_cl!(rol, rax, d, true),
                    _ => by_cl!(ror, rax, d, true),
                }
            }
            MUL_UPPER_U_U | MUL_UPPER_S_S => {
                self.get(RAX, a);
                self.get(RCX, b);
                if ins.op == MUL_UPPER_U_U {
                    emit!(mul rcx);
                } else {
                    emit!(imul rcx);
                }
                emit!(mov rax, rdx);
                self.set(d);
            }
            SET_LT_U | SET_LT_S => {
                self.get(RAX, a);
                self.get(RCX, b);
                emit!(cmp rax, rcx);
                self.setcc(if ins.op == SET_LT_U { Cc::B } else { Cc::L });
                self.set(d);
            }
            CMOV_IZ | CMOV_NZ => {
                self.get(RAX, d);
                self.get(RCX, a);
                self.get(R8, b);
                emit!(test r8, r8);
                if ins.op == CMOV_IZ {
                    emit!(cmove rax, rcx);
                } else {
                    emit!(cmovne rax, rcx);
                }
                self.set(d);
            }
            AND_INV | OR_INV | XNOR => {
                self.get(RAX, b);
                self.get(RCX, a);
                match ins.op {
                    AND_INV => emit!(not rax ; and rax, rcx),
                    OR_INV => emit!(not rax ; or rax, rcx),
                    _ => emit!(xor rax, rcx ; not rax),
                }
                self.set(d);
            }
            MAX | MAX_U | MIN | MIN_U => {
                self.get(RAX, a);
                self.get(RCX, b);
                emit!(cmp rax, rcx);
                match ins.op {
                    MAX => emit!(cmovl rax, rcx),
                    MAX_U => emit!(cmovb rax, rcx),
                    MIN => emit!(cmovg rax, rcx),
                    _ => emit!(cmova rax, rcx),
                }
                self.set(d);
            }
            // Trap, ecalli, sbrk, the bit counts, divisions and mul_upper_s_u: the interpreter's.
            _ => {
                let out = self.stop(ip, false);
                emit!(jmp =>out);
            }
        }
    }
}

/// Programs of more instructions are not translated (their code, some tens of octets an
/// instruction, would take more memory than it saves time): the interpreter runs them.
const MOST_INSTRUCTIONS: usize = 1 << 20;

/// Per jump-table entry at most this many (djump's index of the halt address, 2^31 - 2^15 - 1,
/// must find no entry): the rest, if a table were ever that long, the interpreter's.
const DJUMP_LIMIT: usize = 0x7fff_7fff;

impl Compiled {
    /// The program translated, or None where there is nothing to run or it is too long.
    pub fn new(program: &Program) -> Option<Compiled> {
        let instrs = &program.instrs[..];
        let n = instrs.len();
        // The stream ends in a trap (the fall-through past the code's end, `Program::new`), so the
        // code never runs past its last instruction.
        if n == 0 || n > MOST_INSTRUCTIONS || instrs[n - 1].op != TRAP {
            return None;
        }
        let mut ops = Assembler::new().ok()?;
        let start = (0..n).map(|_| ops.new_dynamic_label()).collect();
        let mut e = Emitter { ops, instrs, start, paid: Vec::with_capacity(n), stubs: Vec::new(), map: held(instrs) };
        for ip in 0..n {
            let label = e.start[ip];
            dynasm!(e.ops ; .arch x64 ; =>label);
            // @gp A.5 -- a terminator's successor starts a basic block: its gas is paid on entering
            // it, or the interpreter takes the block (and stops it out of gas where it must).
            if ip == 0 || is_terminator(instrs[ip - 1].op) {
                let block_gas = instrs[ip].block_gas;
                let out = e.stop(ip, true);
                if block_gas > i32::MAX as u32 {
                    dynasm!(e.ops ; .arch x64 ; jmp =>out);
                } else {
                    dynasm!(e.ops ; .arch x64 ; cmp r13, block_gas as i32 ; jb =>out ; sub r13, block_gas as i32);
                }
            }
            e.paid.push(e.ops.offset());
            e.instruction(ip);
        }
        for (label, ip, entering) in std::mem::take(&mut e.stubs) {
            dynasm!(e.ops ; .arch x64 ; =>label ; mov eax, ip as i32 ; mov edx, i32::from(entering) ; jmp ->exit);
        }
        // The exit: the held registers back to omega, the counter to the context, and the
        // position and `entering` as one number.
        dynasm!(e.ops ; .arch x64 ; ->exit:);
        e.held_registers(false);
        dynasm!(e.ops
            ; .arch x64
            ; mov QWORD [r12 + 16], r13
            ; shl rdx, 32
            ; or rax, rdx
            ; pop r15
            ; pop r14
            ; pop r13
            ; pop r12
            ; pop rbp
            ; pop rbx
            ; ret
        );
        // The prologue: the context's pointers and counter to r12-r15, the held registers from
        // omega, then the code at the address given (rsi, moved to rax: rsi may hold a register).
        let enter = e.ops.offset();
        dynasm!(e.ops
            ; .arch x64
            ; push rbx
            ; push rbp
            ; push r12
            ; push r13
            ; push r14
            ; push r15
            ; mov r12, rdi
            ; mov rax, rsi
            ; mov r15, QWORD [r12]
            ; mov r14, QWORD [r12 + 8]
            ; mov r13, QWORD [r12 + 16]
        );
        e.held_registers(true);
        dynasm!(e.ops ; .arch x64 ; jmp rax);
        let Emitter { ops, paid, start, .. } = e;
        // Each jump-table entry's block, as an offset now and as an address once finalized.
        let targets: Vec<Option<AssemblyOffset>> = program
            .jump_table
            .iter()
            .take(DJUMP_LIMIT)
            .map(|&p| if p == PANIC_TARGET { Ok(None) } else { ops.labels().resolve_dynamic(start[p as usize]).map(Some) })
            .collect::<Result<_, _>>()
            .ok()?;
        let code = ops.finalize().ok()?;
        let djump = targets.iter().map(|t| t.map_or(0, |t| code.ptr(t) as usize)).collect();
        Some(Compiled { code, enter, paid, djump })
    }

    /// Runs from stream position `ip`, its block paid, until an instruction the code leaves to the
    /// interpreter: that instruction's position, and whether its block is still to be paid.
    pub fn run(&self, ip: u32, registers: &mut [u64; 13], memory: &mut Memory, gas: &mut u64) -> (u32, bool) {
        let mut context =
            Context { registers: registers.as_mut_ptr(), table: memory.table(), gas: *gas, djump: self.djump.as_ptr(), djump_len: self.djump.len() as u64 };
        // SAFETY: `enter` is the prologue built above for this signature; the code reads and
        // writes only omega, the pages the table reaches (within one page each, by its checks)
        // and the context, all borrowed mutably here for the call.
        let exit = unsafe {
            let enter: extern "sysv64" fn(*mut Context, *const u8) -> u64 = std::mem::transmute(self.code.ptr(self.enter));
            enter(&mut context, self.code.ptr(self.paid[ip as usize]))
        };
        *gas = context.gas;
        (exit as u32, exit >> 32 != 0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::machine::{ExceptionGas, Exit, GasMetering, Machine, Readings, Recompile};
    use crate::opcodes::INSTRUCTIONS;
    use crate::program::{Deblobbed, Program};

    /// xorshift64*: a fixed sequence, so that a failing case is found again by its number.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// An operand octet: small numbers (registers, short offsets forward), octets near 0xff
        /// (offsets backward, -1), or any.
        fn octet(&mut self) -> u8 {
            match self.below(4) {
                0 | 1 => self.below(16) as u8,
                2 => 0xf0 | self.below(16) as u8,
                _ => self.next() as u8,
            }
        }

        /// A register's value: addresses in and around the mapped pages, djump addresses (small
        /// even numbers, the halt address), or any.
        fn value(&mut self) -> u64 {
            match self.below(8) {
                0 => self.below(32) as u64,
                1..=3 => 0x1_0000 + self.below(0x6000) as u64,
                4 => 0x1_0ffc + self.below(8) as u64,
                5 => 2 * self.below(10) as u64,
                6 => 0xffff_0000,
                _ => self.next(),
            }
        }
    }

    /// Random instructions (any opcode of the table, then up to 12 operand octets), a jump table
    /// of up to 8 entries at instruction starts or anywhere.
    fn random_program(r: &mut Rng) -> Deblobbed {
        let (mut code, mut bitmask, mut starts) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..1 + r.below(80) {
            starts.push(code.len() as u64);
            code.push(INSTRUCTIONS[r.below(INSTRUCTIONS.len())].opcode);
            bitmask.push(true);
            for _ in 0..r.below(13) {
                code.push(r.octet());
                bitmask.push(false);
            }
        }
        let jump_table: Vec<u64> = (0..r.below(9)).map(|_| if r.below(4) == 0 { r.below(code.len() + 2) as u64 } else { starts[r.below(starts.len())] }).collect();
        let jump_len = jump_table.len() as u64;
        Deblobbed { code, bitmask, jump_table, jump_len }
    }

    /// What a run leaves: the exit, imath, gas, omega, h, and the octets of the pages it may reach.
    type RunState = (Exit, u32, i128, [u64; 13], u32, Vec<Option<Vec<u8>>>);

    fn state(m: &Machine, exit: Exit) -> RunState {
        let pages = (0x10..0x20u32)
            .map(|page| {
                let mut octets = vec![0u8; 4096];
                m.read_memory(page * 4096, &mut octets).then_some(octets)
            })
            .collect();
        (exit, m.pc(), m.gas, m.registers, m.heap, pages)
    }

    /// A loop of n rounds (omega_7 counts down, omega_8 mixes it in), then a trap.
    fn countdown(n: u16) -> Vec<u8> {
        // 0: load_imm r7 = n; 4: fallthrough; 5: add_64 r8 = r8 + r7; 8: xor r8 = r8 ^ r7;
        // 11: add_imm_64 r7 = r7 - 1; 14: branch_ne_imm r7 != 0 -> 5; 18: trap.
        let [low, high] = n.to_le_bytes();
        let code = [51, 0x07, low, high, 1, 200, 0x78, 8, 211, 0x78, 8, 149, 0x77, 0xff, 82, 0x17, 0, 0xf7, 0];
        let mut k = [0u8; 3];
        for s in [0, 4, 5, 8, 11, 14, 18] {
            k[s / 8] |= 1 << (s % 8);
        }
        [&[0, 0, code.len() as u8][..], &code, &k].concat()
    }

    #[test]
    fn a_program_hot_within_its_first_run_goes_on_recompiled() {
        // 4 instructions a round, 8 in the stream: hot after 128 rounds.
        let blob = countdown(1000);
        let run = |recompile: Recompile| {
            let program = Arc::new(Program::from_blob(&blob).unwrap());
            let mut m = Machine::with_program(program.clone(), 0, 10_000, [0; 13]);
            m.recompile = recompile;
            let exit = m.run();
            (exit, m.pc(), m.gas, m.registers, program.recompiled.get().is_some())
        };
        let (hot, never) = (run(Recompile::Hot), run(Recompile::Never));
        assert_eq!(hot.0, Exit::Panic);
        assert!(hot.4, "recompiled during the run");
        assert!(!never.4);
        assert_eq!((hot.0, hot.1, hot.2, hot.3), (never.0, never.1, never.2, never.3));
    }

    #[test]
    fn recompiled_runs_equal_interpreted() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut exits, mut used) = ([0usize; 5], 0i128);
        for case in 0..20_000 {
            let program = Arc::new(Program::new(random_program(&mut r)));
            let gas = match r.below(3) {
                0 => r.below(40) as u64,
                _ => r.below(20_000) as u64,
            };
            let registers: [u64; 13] = std::array::from_fn(|_| r.value());
            let readings = Readings { gas: if r.below(4) == 0 { GasMetering::PerBasicBlock } else { GasMetering::PerInstruction }, ..Readings::default() };
            assert_eq!(readings.exception_gas, ExceptionGas::Charged);
            let contents: Vec<u8> = (0..2 * 4096).map(|_| r.octet()).collect();
            let machine = |recompile: Recompile| {
                let mut m = Machine::with_program(program.clone(), 0, gas, registers);
                (m.readings, m.recompile, m.heap) = (readings, recompile, 0x1_7000);
                for page in 0x10..0x15 {
                    m.memory.map_page(page, true);
                }
                m.memory.map_page(0x15, false);
                m.memory.copy_in(0x1_0000, &contents[..4096]);
                m.memory.copy_in(0x1_5000, &contents[4096..]);
                m
            };
            let (mut interpreted, mut recompiled) = (machine(Recompile::Never), machine(Recompile::Always));
            for resume in 0..4 {
                let (a, b) = (interpreted.run(), recompiled.run());
                assert_eq!(state(&recompiled, b), state(&interpreted, a), "case {case}, run {resume}");
                exits[match a {
                    Exit::Halt => 0,
                    Exit::Panic => 1,
                    Exit::OutOfGas => 2,
                    Exit::Fault(_) => 3,
                    Exit::Host(_) => 4,
                }] += 1;
                if !matches!(a, Exit::Host(_)) {
                    break;
                }
            }
            used += i128::from(gas) - interpreted.gas;
        }
        // Every kind of exit was reached, so each was compared, and the runs were not all short.
        assert!(exits[0] > 20 && exits[1..].iter().all(|&n| n > 200) && used > 1_000_000, "exits (halt, panic, out of gas, fault, host) {exits:?}, gas {used}");
    }
}
