//! The machine: Psi (A.1) as a loop over the pre-decoded instruction stream, each step being
//! Psi_1 (A.6) for one instruction of the tables of Appendix A.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use crate::memory::{Inaccessible, Memory, PAGE_SIZE};
use crate::opcodes::op::*;
use crate::program::{BlobError, Program, PANIC_TARGET};

/// @gp A.1 -- epsilon: the exit reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Halt,
    Panic,
    OutOfGas,
    /// The lowest address of the page that faulted.
    Fault(u32),
    /// The host-call identifier nu_X of the ecalli.
    Host(u64),
}

/// imath after halt or panic (the reading `pvm-exit-pc` of `spec/readings.ts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitPc {
    /// A.1: Psi returns imath = 0 on halt and panic.
    Zero,
    /// The PVM vectors (polkavm): the pc of the instruction that halted or panicked.
    ExitingInstruction,
}

/// How gas is metered (the reading `pvm-gas`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GasMetering {
    /// A.9: each instruction pays its Delta before it runs.
    PerInstruction,
    /// The PVM vectors (polkavm): the whole basic block's gas on entering it.
    PerBasicBlock,
}

/// Whether a memory exception of A.8 pays its instruction's gas (the reading `pvm-exception-gas`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionGas {
    /// A.1's text: "some gas is always charged whenever execution is attempted".
    Charged,
    /// A.8's rows: the prior counter; the exception is decided before the charge.
    Uncharged,
}

/// The readings of Appendix A a machine runs under, the same as the TypeScript reference's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Readings {
    pub exit_pc: ExitPc,
    pub gas: GasMetering,
    pub exception_gas: ExceptionGas,
}

/// Gray Paper 0.7.2's defaults.
impl Default for Readings {
    fn default() -> Readings {
        Readings { exit_pc: ExitPc::Zero, gas: GasMetering::PerInstruction, exception_gas: ExceptionGas::Charged }
    }
}

/// A PVM instance: the program decoded once (shareable between instances), and the machine state
/// (imath, gas, omega, mu).
pub struct Machine {
    program: Arc<Program>,
    pub registers: [u64; 13],
    /// Signed gas: negative only after an out-of-gas exit (A.1 returns the negative counter).
    pub gas: i128,
    pc: u32,
    /// After a host call: the stream position of the instruction following the ecalli.
    resume: Option<u32>,
    pub memory: Memory,
    /// h of sbrk: the heap pointer, which sbrk advances; it starts at the layout's heap start (0 when
    /// the machine was not set up by the standard initialization).
    pub heap: u32,
    pub readings: Readings,
    /// When runs use the recompiled code (x86-64, under `ExceptionGas::Charged`): the same answers,
    /// faster.
    pub recompile: Recompile,
}

/// When a machine's runs use its program's recompiled code (`recompiler.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recompile {
    /// Every instruction interpreted.
    Never,
    /// Once the program's interpreted runs have used `RECOMPILE_AFTER` gas per instruction of its
    /// stream: a program run once, or for a few instructions, is not worth translating.
    Hot,
    /// From the first run (for the tests that compare the two).
    Always,
}

/// The dynamic address that halts (A.18).
const HALT_ADDRESS: u32 = 0xffff_0000;
/// Z_A of A.18: dynamic jump alignment.
const DYN_ALIGN: u32 = 2;
/// Accesses below this address panic (A.8).
const LOW_MEMORY: u32 = 1 << 16;

impl Machine {
    /// A machine for blob p at pc with gas and registers, and empty memory.
    pub fn new(p: &[u8], pc: u32, gas: u64, registers: [u64; 13]) -> Result<Machine, BlobError> {
        Ok(Machine::with_program(Arc::new(Program::from_blob(p)?), pc, gas, registers))
    }

    /// A machine for an already decoded program at pc with gas and registers, and empty memory.
    pub fn with_program(program: Arc<Program>, pc: u32, gas: u64, registers: [u64; 13]) -> Machine {
        Machine { program, registers, gas: i128::from(gas), pc, resume: None, memory: Memory::default(), heap: 0, readings: Readings::default(), recompile: Recompile::Hot }
    }

    /// imath: the instruction counter.
    pub fn pc(&self) -> u32 {
        self.pc
    }

    /// Runs until an exit (Psi, A.1).
    ///
    /// The cases of A.1 and A.8 decide what an exit leaves behind:
    /// - halt and panic: imath = 0 (or the exiting instruction's, under `ExitPc::ExitingInstruction`),
    ///   gas charged (a panic from an access below 2^16 too);
    /// - out of gas: imath and state of the instruction that could not pay, gas = g - cost < 0
    ///   (the cost being 1, or the block's gas under `GasMetering::PerBasicBlock`);
    /// - fault: imath of the faulting instruction, gas charged, registers and memory unchanged;
    /// - host: imath of the ecalli, gas charged; the next `run` continues after it.
    ///
    /// Every instruction is charged before it runs, so a memory exception of A.8 still pays its
    /// gas: A.8 writes the exception rows with the prior counter, but A.1's text says "some gas is
    /// always charged whenever execution is attempted ... even if ... machine state is unchanged",
    /// and the recorded fuzz sessions and the PVM vectors charge it too. Running again with
    /// negative gas stops at once, out of gas with the counter one lower. The readings decide the
    /// points where the paper and the PVM vectors part (`Readings`).
    pub fn run(&mut self) -> Exit {
        let owed = self.gas.min(0);
        let mut g = self.gas.max(0) as u64;
        // A run resumed after an ecalli is inside a basic block already paid for.
        let (start, entering) = match self.resume.take() {
            Some(p) => (Some(p), false),
            None => (self.program.position(self.pc), true),
        };
        let stop = match start {
            Some(start) => self.run_from(start, entering, &mut g),
            // @gp A.19 -- not an instruction start (or past the code): opcode 0, trap, a block of its own.
            None if g == 0 => (Exit::OutOfGas, self.pc, None, 1),
            None => {
                g -= 1;
                (Exit::Panic, self.pc, None, 0)
            }
        };
        self.finish(owed, g, stop)
    }

    /// Runs from stream position `start` with counter `g`: interpreted while the program is not
    /// recompiled (see `Recompile`), its recompiled code once it is, from the basic block reached
    /// when the program became hot during the run.
    fn run_from(&mut self, mut start: u32, mut entering: bool, g: &mut u64) -> (Exit, u32, Option<u32>, u64) {
        let mode = if self.readings.exception_gas == ExceptionGas::Charged { self.recompile } else { Recompile::Never };
        loop {
            #[cfg(target_arch = "x86_64")]
            if let Some(code) = recompiled(&self.program, mode) {
                let mixed = if self.readings.gas == GasMetering::PerBasicBlock { mixed_loop::<true> } else { mixed_loop::<false> };
                return mixed(&self.program, code, &mut self.registers, &mut self.memory, g, start, entering, &mut self.heap);
            }
            let loop_of = match (self.readings.gas, self.readings.exception_gas) {
                (GasMetering::PerInstruction, ExceptionGas::Charged) => step_loop::<false, false, false>,
                (GasMetering::PerInstruction, ExceptionGas::Uncharged) => step_loop::<false, true, false>,
                (GasMetering::PerBasicBlock, ExceptionGas::Charged) => step_loop::<true, false, false>,
                (GasMetering::PerBasicBlock, ExceptionGas::Uncharged) => step_loop::<true, true, false>,
            };
            let before = *g;
            let stop_below = before.saturating_sub(interpreted_for(&self.program, mode));
            let stop = loop_of(&self.program, &mut self.registers, &mut self.memory, g, start, entering, &mut self.heap, stop_below);
            self.program.interpreted.fetch_add(before - *g, Relaxed);
            match stop {
                Stop::Exit(exit, pc, resume, unpaid) => return (exit, pc, resume, unpaid),
                // Hot: on in the recompiled code.
                Stop::Continue(at, e) => (start, entering) = (at, e),
            }
        }
    }

    /// The machine state after a run stopped with (exit, its pc, where to resume, gas unpaid).
    fn finish(&mut self, owed: i128, g: u64, (exit, pc, resume, unpaid): (Exit, u32, Option<u32>, u64)) -> Exit {
        self.gas = owed + i128::from(g) - i128::from(unpaid);
        self.pc = match exit {
            Exit::Halt | Exit::Panic if self.readings.exit_pc == ExitPc::Zero => 0,
            _ => pc,
        };
        self.resume = resume;
        exit
    }

    /// Reads [address, address + out.len()) (not wrapping past 2^32), or false if any is not readable.
    pub fn read_memory(&self, address: u32, out: &mut [u8]) -> bool {
        if u64::from(address) + out.len() as u64 > 1 << 32 || self.memory.check_readable(address, out.len() as u64).is_err() {
            return false;
        }
        self.memory.copy_out(address, out);
        true
    }

    /// Writes octets (not wrapping past 2^32), or false (memory unchanged) if any is not writable.
    pub fn write_memory(&mut self, address: u32, data: &[u8]) -> bool {
        if u64::from(address) + data.len() as u64 > 1 << 32 || self.memory.check_writable(address, data.len() as u64).is_err() {
            return false;
        }
        self.memory.copy_in(address, data);
        true
    }
}

/// Where `step_loop` stopped: an exit (its imath, where to resume after a host call, on out of
/// gas the cost that could not be paid), or, handing back (or hot), the stream position the
/// recompiled code goes on from and whether its block is still to be paid.
enum Stop {
    Exit(Exit, u32, Option<u32>, u64),
    Continue(u32, bool),
}

/// Speed: the gas a program's interpreted runs use before it is recompiled, per instruction of
/// its stream (translating one costs about as much as interpreting some tens).
#[cfg(target_arch = "x86_64")]
const RECOMPILE_AFTER: u64 = 64;

/// The gas the program's interpreted runs have still to use before it is hot (0: it is).
#[cfg(target_arch = "x86_64")]
fn until_hot(program: &Program) -> u64 {
    (RECOMPILE_AFTER * program.instrs.len() as u64).saturating_sub(program.interpreted.load(Relaxed))
}

/// The gas an interpreted run may use before the run goes on in the program's recompiled code
/// (`u64::MAX`: the run stays interpreted).
#[cfg(target_arch = "x86_64")]
fn interpreted_for(program: &Program, mode: Recompile) -> u64 {
    if mode == Recompile::Hot && program.recompiled.get().is_none() {
        return until_hot(program).max(1);
    }
    u64::MAX
}

#[cfg(not(target_arch = "x86_64"))]
fn interpreted_for(_: &Program, _: Recompile) -> u64 {
    u64::MAX
}

/// The program's recompiled code, where and once `mode` says runs use it.
#[cfg(target_arch = "x86_64")]
fn recompiled(program: &Program, mode: Recompile) -> Option<&crate::recompiler::Compiled> {
    if mode == Recompile::Never || (mode == Recompile::Hot && until_hot(program) > 0) {
        return None;
    }
    program.recompiled.get_or_init(|| crate::recompiler::Compiled::new(program)).as_ref()
}

/// The run of a recompiled program: its code runs what it can, and hands the interpreter each
/// instruction it stops before (`step_loop`, handing back after it). The counter and omega cross
/// as the interpreter holds them: `g` with the current block paid when `entering` is false.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
fn mixed_loop<const PER_BLOCK: bool>(
    program: &Program,
    code: &crate::recompiler::Compiled,
    registers: &mut [u64; 13],
    mem: &mut Memory,
    g: &mut u64,
    start: u32,
    entering: bool,
    heap: &mut u32,
) -> (Exit, u32, Option<u32>, u64) {
    // Per instruction, a run (a resumed one too) pays its block on entering (see `step_loop`).
    let (mut ip, mut entering) = (start, entering || !PER_BLOCK);
    loop {
        if entering {
            let block_gas = u64::from(program.instrs[ip as usize].block_gas);
            if *g >= block_gas {
                *g -= block_gas;
                entering = false;
            }
        }
        if !entering {
            (ip, entering) = code.run(ip, registers, mem, g);
            if !entering && !PER_BLOCK {
                // step_loop pays the block from ip again: what it will pay, given back.
                *g += u64::from(program.instrs[ip as usize].block_gas);
                entering = true;
            }
        }
        match step_loop::<PER_BLOCK, false, true>(program, registers, mem, g, ip, entering, heap, 0) {
            Stop::Exit(exit, pc, resume, unpaid) => return (exit, pc, resume, unpaid),
            Stop::Continue(at, e) => (ip, entering) = (at, e),
        }
    }
}

#[inline(always)]
fn sext32(x: u64) -> u64 {
    x as u32 as i32 as i64 as u64
}

/// The main loop, from stream position `start` (`entering` a basic block, or resuming inside one).
/// Returns the exit, the exiting instruction's imath, where to resume after a host call, and on
/// out of gas the cost that could not be paid (Psi returns the remaining gas minus it, < 0);
/// or the position to go on from in the recompiled code: `HANDBACK`, after the instruction the
/// code stopped before; or on entering a block with the counter below `stop_below` (hot).
///
/// Speed: the loop pays gas a basic block at a time when it can. On entering a block (A.5) with
/// at least the block's gas left, it charges the whole block at once (`paid`) and runs it with no
/// check per instruction; an exit inside the block gives back the gas of the instructions it did
/// not reach (`settled!`), so every exit reports the same counter as paying one by one. With less
/// than the block's gas left, the block runs on the exact path, paying each instruction before it
/// runs (A.9), so out-of-gas stops at the same instruction with the same counter.
///
/// Speed: the gas readings are constants of each of the four loops (`PER_BLOCK`: `pvm-gas` is
/// per basic block; `UNCHARGED`: `pvm-exception-gas` is uncharged), so that the paper's loop
/// carries no test of the others' cases.
/// @gp A.6 -- Psi_1: one pass of the loop, one instruction.
#[allow(clippy::too_many_arguments)]
fn step_loop<const PER_BLOCK: bool, const UNCHARGED: bool, const HANDBACK: bool>(
    program: &Program,
    registers: &mut [u64; 13],
    mem: &mut Memory,
    gas: &mut u64,
    start: u32,
    entering: bool,
    heap: &mut u32,
    stop_below: u64,
) -> Stop {
    let instrs = &program.instrs[..];
    let jump_table = &program.jump_table[..];
    let (jump_len, zero_entry) = (program.jump_len, program.zero_entry);
    let mut ip = start as usize;
    let mut g = *gas;
    // Speed: omega in 16 slots, indexed by a register field masked to 4 bits, so that no access
    // needs a bounds check; decoding caps every field at 12 (`reg` in program.rs), so slots 13 to
    // 15 are never read or written, and the 13 registers are copied back on every exit.
    let mut regs = [0u64; 16];
    regs[..13].copy_from_slice(registers);

    let (per_block, uncharged) = (PER_BLOCK, UNCHARGED);
    // Whether the instruction at ip starts a basic block, whose gas is then decided before it
    // runs: set by the terminators (A.5), so that other instructions need not look at it.
    // Per instruction, a resumed run pays the rest of its block again (it was given back at the
    // ecalli); per basic block, the block was paid on entering it, before the host call.
    let mut entering = entering || !per_block;
    // Whether the rest of the current block is paid for (see above). Per basic block, a resumed
    // run's block is.
    let mut paid = true;
    // Per basic block: the stream position of the instruction that paid its block's gas, the only
    // one whose charge an uncharged exception gives back (A.8).
    let mut entry_ip = usize::MAX;

    // Every exit writes the gas and the registers back; `$g` is the counter to report.
    macro_rules! exit {
        ($e:expr, $pc:expr, $g:expr) => {{
            *gas = $g;
            registers.copy_from_slice(&regs[..13]);
            return Stop::Exit($e, $pc, None, 0);
        }};
    }
    // Handing back: whether an instruction ran yet (the one the recompiled code stopped before).
    let mut stepped = false;
    loop {
        // Handing back, at the first instruction after that one where the recompiled code can go
        // on: a block to enter, or a block paid for.
        if HANDBACK {
            if stepped && (entering || paid) {
                *gas = g;
                registers.copy_from_slice(&regs[..13]);
                return Stop::Continue(ip as u32, entering);
            }
            stepped = true;
        }
        // Decoding guarantees every position reached is in the stream: an instruction that falls
        // through has its destination after it (`Program::new`), and branch targets and
        // jump-table entries are positions, or PANIC_TARGET, which exits before it is used.
        debug_assert!(ip < instrs.len());
        // SAFETY: see above; speed: the dispatch then needs no bounds check.
        let ins = unsafe { instrs.get_unchecked(ip) };
        let (a, b, d) = (ins.a as usize & 15, ins.b as usize & 15, ins.d as usize & 15);

        // @gp A.9 -- gas: 1 per instruction (or, per basic block, the block's gas on entering it);
        // Psi (A.1) stops with out-of-gas when it would go negative, the state unchanged.
        if entering {
            // The program is hot (`interpreted_for`): its recompiled code goes on from this block.
            if g < stop_below {
                *gas = g;
                registers.copy_from_slice(&regs[..13]);
                return Stop::Continue(ip as u32, true);
            }
            entering = false;
            paid = g >= u64::from(ins.block_gas);
            if paid {
                g -= u64::from(ins.block_gas);
                entry_ip = ip;
            }
        }
        // The gas this instruction pays on the exact path: 1, or per basic block the block's gas
        // (the exact path is then only taken by a block that cannot be paid, on entering it).
        let cost = if per_block { u64::from(ins.block_gas) } else { 1 };
        // The counter as paying one instruction at a time would leave it after this one paid.
        macro_rules! settled {
            () => {
                if paid && !per_block {
                    g + u64::from(ins.block_gas) - 1
                } else {
                    g
                }
            };
        }
        macro_rules! charge {
            () => {{
                if !paid {
                    if g < cost {
                        *gas = g;
                        registers.copy_from_slice(&regs[..13]);
                        return Stop::Exit(Exit::OutOfGas, ins.pc, None, cost);
                    }
                    g -= cost;
                }
            }};
        }
        // @gp A.8 -- an inaccessible access leaves registers and memory unchanged. Its gas is
        // charged (A.1: "some gas is always charged whenever execution is attempted"), before the
        // access is checked: so with gas 0 a faulting access ends out of gas with gas -1, as in
        // the reference (Psi takes gas' < 0 before the exit of Psi_1). Under
        // `ExceptionGas::Uncharged` (A.8's rows) the exception is decided before the charge,
        // which it then does not pay: `precheck!` finds it where the charge would fail, and here
        // the charge taken is given back.
        macro_rules! inaccessible {
            ($e:expr) => {{
                let Inaccessible(addr) = $e;
                let charged = if !per_block || !paid || ip == entry_ip { cost } else { 0 };
                let g = if uncharged { settled!() + charged } else { settled!() };
                if addr < LOW_MEMORY {
                    exit!(Exit::Panic, ins.pc, g)
                }
                exit!(Exit::Fault(addr - addr % PAGE_SIZE), ins.pc, g)
            }};
        }
        macro_rules! precheck {
            ($check:expr) => {{
                if uncharged && !paid && g < cost {
                    if let Err(Inaccessible(addr)) = $check {
                        exit!(if addr < LOW_MEMORY { Exit::Panic } else { Exit::Fault(addr - addr % PAGE_SIZE) }, ins.pc, g)
                    }
                }
            }};
        }
        macro_rules! load {
            ($addr:expr, $n:literal, $conv:expr) => {{
                precheck!(mem.read::<$n>($addr as u32));
                charge!();
                match mem.read::<$n>($addr as u32) {
                    Ok(v) => {
                        regs[a] = $conv(v);
                        ip += 1;
                    }
                    Err(e) => inaccessible!(e),
                }
            }};
        }
        macro_rules! store {
            ($addr:expr, $n:literal, $value:expr) => {{
                precheck!(mem.check_writable($addr as u32, $n));
                charge!();
                let bytes: [u8; $n] = ($value).to_le_bytes();
                match mem.write::<$n>($addr as u32, bytes) {
                    Ok(()) => ip += 1,
                    Err(e) => inaccessible!(e),
                }
            }};
        }
        // @gp A.17 -- branch(b, C).
        macro_rules! branch {
            ($cond:expr) => {{
                charge!();
                entering = true;
                if $cond {
                    if ins.target == PANIC_TARGET {
                        exit!(Exit::Panic, ins.pc, settled!())
                    }
                    ip = ins.target as usize;
                } else {
                    ip += 1;
                }
            }};
        }
        // @gp A.18 -- djump(a): the halt address, or an aligned index into the jump table.
        macro_rules! djump {
            ($addr:expr) => {{
                let target = $addr as u32;
                entering = true;
                if target == HALT_ADDRESS {
                    exit!(Exit::Halt, ins.pc, settled!())
                }
                if target == 0 || target % DYN_ALIGN != 0 || u64::from(target / DYN_ALIGN) > jump_len {
                    exit!(Exit::Panic, ins.pc, settled!())
                }
                let p = match jump_table.get((target / DYN_ALIGN) as usize - 1) {
                    Some(&p) => p,
                    None => zero_entry,
                };
                if p == PANIC_TARGET {
                    exit!(Exit::Panic, ins.pc, settled!())
                }
                ip = p as usize;
            }};
        }
        macro_rules! set {
            ($r:expr, $v:expr) => {{
                charge!();
                let v = $v;
                regs[$r] = v;
                ip += 1;
            }};
        }
        let (ra, rb, rd) = (regs[a], regs[b], regs[d]);
        let (x, y) = (ins.x, ins.y);
        match ins.op {
            // A.21 and the no-argument table (trap: the last arm).
            FALLTHROUGH => {
                charge!();
                entering = true;
                ip += 1;
            }
            ECALLI => {
                charge!();
                *gas = settled!();
                registers.copy_from_slice(&regs[..13]);
                return Stop::Exit(Exit::Host(x), ins.pc, Some(ip as u32 + 1), 0);
            }
            // A.22
            LOAD_IMM_64 => set!(a, x),
            // A.23
            STORE_IMM_U8 => store!(x, 1, y as u8),
            STORE_IMM_U16 => store!(x, 2, y as u16),
            STORE_IMM_U32 => store!(x, 4, y as u32),
            STORE_IMM_U64 => store!(x, 8, y),
            // A.24
            JUMP => branch!(true),
            // A.25
            JUMP_IND => {
                charge!();
                djump!(ra.wrapping_add(x))
            }
            LOAD_IMM => set!(a, x),
            LOAD_U8 => load!(x, 1, |v: [u8; 1]| u64::from(v[0])),
            LOAD_I8 => load!(x, 1, |v: [u8; 1]| v[0] as i8 as i64 as u64),
            LOAD_U16 => load!(x, 2, |v| u64::from(u16::from_le_bytes(v))),
            LOAD_I16 => load!(x, 2, |v| i16::from_le_bytes(v) as i64 as u64),
            LOAD_U32 => load!(x, 4, |v| u64::from(u32::from_le_bytes(v))),
            LOAD_I32 => load!(x, 4, |v| i32::from_le_bytes(v) as i64 as u64),
            LOAD_U64 => load!(x, 8, u64::from_le_bytes),
            STORE_U8 => store!(x, 1, ra as u8),
            STORE_U16 => store!(x, 2, ra as u16),
            STORE_U32 => store!(x, 4, ra as u32),
            STORE_U64 => store!(x, 8, ra),
            // A.26
            STORE_IMM_IND_U8 => store!(ra.wrapping_add(x), 1, y as u8),
            STORE_IMM_IND_U16 => store!(ra.wrapping_add(x), 2, y as u16),
            STORE_IMM_IND_U32 => store!(ra.wrapping_add(x), 4, y as u32),
            STORE_IMM_IND_U64 => store!(ra.wrapping_add(x), 8, y),
            // A.27
            LOAD_IMM_JUMP => {
                charge!();
                entering = true;
                regs[a] = x;
                if ins.target == PANIC_TARGET {
                    exit!(Exit::Panic, ins.pc, settled!())
                }
                ip = ins.target as usize;
            }
            BRANCH_EQ_IMM => branch!(ra == x),
            BRANCH_NE_IMM => branch!(ra != x),
            BRANCH_LT_U_IMM => branch!(ra < x),
            BRANCH_LE_U_IMM => branch!(ra <= x),
            BRANCH_GE_U_IMM => branch!(ra >= x),
            BRANCH_GT_U_IMM => branch!(ra > x),
            BRANCH_LT_S_IMM => branch!((ra as i64) < (x as i64)),
            BRANCH_LE_S_IMM => branch!((ra as i64) <= (x as i64)),
            BRANCH_GE_S_IMM => branch!((ra as i64) >= (x as i64)),
            BRANCH_GT_S_IMM => branch!((ra as i64) > (x as i64)),
            // A.28 (a = r_A, d = r_D)
            MOVE_REG => set!(d, ra),
            SBRK => {
                charge!();
                regs[d] = sbrk(mem, heap, ra);
                ip += 1;
            }
            COUNT_SET_BITS_64 => set!(d, u64::from(ra.count_ones())),
            COUNT_SET_BITS_32 => set!(d, u64::from((ra as u32).count_ones())),
            LEADING_ZERO_BITS_64 => set!(d, u64::from(ra.leading_zeros())), // @gp A.14 -- the clear bits atop revbits_8(omega_A)
            LEADING_ZERO_BITS_32 => set!(d, u64::from((ra as u32).leading_zeros())),
            TRAILING_ZERO_BITS_64 => set!(d, u64::from(ra.trailing_zeros())),
            TRAILING_ZERO_BITS_32 => set!(d, u64::from((ra as u32).trailing_zeros())),
            SIGN_EXTEND_8 => set!(d, ra as u8 as i8 as i64 as u64),
            SIGN_EXTEND_16 => set!(d, ra as u16 as i16 as i64 as u64),
            ZERO_EXTEND_16 => set!(d, ra as u16 as u64),
            REVERSE_BYTES => set!(d, ra.swap_bytes()),
            // A.29 (a = r_A, b = r_B)
            STORE_IND_U8 => store!(rb.wrapping_add(x), 1, ra as u8),
            STORE_IND_U16 => store!(rb.wrapping_add(x), 2, ra as u16),
            STORE_IND_U32 => store!(rb.wrapping_add(x), 4, ra as u32),
            STORE_IND_U64 => store!(rb.wrapping_add(x), 8, ra),
            LOAD_IND_U8 => load!(rb.wrapping_add(x), 1, |v: [u8; 1]| u64::from(v[0])),
            LOAD_IND_I8 => load!(rb.wrapping_add(x), 1, |v: [u8; 1]| v[0] as i8 as i64 as u64),
            LOAD_IND_U16 => load!(rb.wrapping_add(x), 2, |v| u64::from(u16::from_le_bytes(v))),
            LOAD_IND_I16 => load!(rb.wrapping_add(x), 2, |v| i16::from_le_bytes(v) as i64 as u64),
            LOAD_IND_U32 => load!(rb.wrapping_add(x), 4, |v| u64::from(u32::from_le_bytes(v))),
            LOAD_IND_I32 => load!(rb.wrapping_add(x), 4, |v| i32::from_le_bytes(v) as i64 as u64),
            LOAD_IND_U64 => load!(rb.wrapping_add(x), 8, u64::from_le_bytes),
            ADD_IMM_32 => set!(a, sext32(rb.wrapping_add(x))),
            AND_IMM => set!(a, rb & x),
            XOR_IMM => set!(a, rb ^ x),
            OR_IMM => set!(a, rb | x),
            MUL_IMM_32 => set!(a, sext32(rb.wrapping_mul(x))),
            SET_LT_U_IMM => set!(a, u64::from(rb < x)),
            SET_LT_S_IMM => set!(a, u64::from((rb as i64) < (x as i64))),
            SHLO_L_IMM_32 => set!(a, sext32(rb << (x % 32))),
            SHLO_R_IMM_32 => set!(a, sext32(u64::from(rb as u32 >> (x % 32)))),
            SHAR_R_IMM_32 => set!(a, ((rb as i32) >> (x % 32)) as i64 as u64),
            NEG_ADD_IMM_32 => set!(a, sext32(x.wrapping_sub(rb))),
            SET_GT_U_IMM => set!(a, u64::from(rb > x)),
            SET_GT_S_IMM => set!(a, u64::from((rb as i64) > (x as i64))),
            SHLO_L_IMM_ALT_32 => set!(a, sext32(x << (rb % 32))),
            SHLO_R_IMM_ALT_32 => set!(a, sext32(u64::from(x as u32 >> (rb % 32)))),
            SHAR_R_IMM_ALT_32 => set!(a, ((x as i32) >> (rb % 32)) as i64 as u64),
            CMOV_IZ_IMM => set!(a, if rb == 0 { x } else { ra }),
            CMOV_NZ_IMM => set!(a, if rb != 0 { x } else { ra }),
            ADD_IMM_64 => set!(a, rb.wrapping_add(x)),
            MUL_IMM_64 => set!(a, rb.wrapping_mul(x)),
            SHLO_L_IMM_64 => set!(a, rb << (x % 64)),
            SHLO_R_IMM_64 => set!(a, rb >> (x % 64)),
            SHAR_R_IMM_64 => set!(a, ((rb as i64) >> (x % 64)) as u64),
            NEG_ADD_IMM_64 => set!(a, x.wrapping_sub(rb)),
            SHLO_L_IMM_ALT_64 => set!(a, x << (rb % 64)),
            SHLO_R_IMM_ALT_64 => set!(a, x >> (rb % 64)),
            SHAR_R_IMM_ALT_64 => set!(a, ((x as i64) >> (rb % 64)) as u64),
            ROT_R_64_IMM => set!(a, rb.rotate_right((x % 64) as u32)),
            ROT_R_64_IMM_ALT => set!(a, x.rotate_right((rb % 64) as u32)),
            ROT_R_32_IMM => set!(a, (rb as u32).rotate_right((x % 32) as u32) as i32 as i64 as u64),
            ROT_R_32_IMM_ALT => set!(a, (x as u32).rotate_right((rb % 32) as u32) as i32 as i64 as u64),
            // A.30
            BRANCH_EQ => branch!(ra == rb),
            BRANCH_NE => branch!(ra != rb),
            BRANCH_LT_U => branch!(ra < rb),
            BRANCH_LT_S => branch!((ra as i64) < (rb as i64)),
            BRANCH_GE_U => branch!(ra >= rb),
            BRANCH_GE_S => branch!((ra as i64) >= (rb as i64)),
            // A.31
            LOAD_IMM_JUMP_IND => {
                charge!();
                regs[a] = x;
                djump!(rb.wrapping_add(y))
            }
            // A.32 (a = r_A, b = r_B, d = r_D)
            ADD_32 => set!(d, sext32(ra.wrapping_add(rb))),
            SUB_32 => set!(d, sext32(ra.wrapping_sub(rb))),
            MUL_32 => set!(d, sext32(ra.wrapping_mul(rb))),
            DIV_U_32 => set!(d, div_u_32(ra, rb)),
            DIV_S_32 => set!(d, div_s_32(ra, rb)),
            REM_U_32 => set!(d, rem_u_32(ra, rb)),
            REM_S_32 => set!(d, rem_s_32(ra, rb)),
            SHLO_L_32 => set!(d, sext32(ra << (rb % 32))),
            SHLO_R_32 => set!(d, sext32(u64::from(ra as u32 >> (rb % 32)))),
            SHAR_R_32 => set!(d, ((ra as i32) >> (rb % 32)) as i64 as u64),
            ADD_64 => set!(d, ra.wrapping_add(rb)),
            SUB_64 => set!(d, ra.wrapping_sub(rb)),
            MUL_64 => set!(d, ra.wrapping_mul(rb)),
            DIV_U_64 => set!(d, div_u_64(ra, rb)),
            DIV_S_64 => set!(d, div_s_64(ra, rb)),
            REM_U_64 => set!(d, rem_u_64(ra, rb)),
            REM_S_64 => set!(d, rem_s_64(ra, rb)),
            SHLO_L_64 => set!(d, ra << (rb % 64)),
            SHLO_R_64 => set!(d, ra >> (rb % 64)),
            SHAR_R_64 => set!(d, ((ra as i64) >> (rb % 64)) as u64),
            AND => set!(d, ra & rb),
            XOR => set!(d, ra ^ rb),
            OR => set!(d, ra | rb),
            MUL_UPPER_S_S => set!(d, ((i128::from(ra as i64) * i128::from(rb as i64)) >> 64) as u64),
            MUL_UPPER_U_U => set!(d, ((u128::from(ra) * u128::from(rb)) >> 64) as u64),
            MUL_UPPER_S_U => set!(d, ((i128::from(ra as i64) * i128::from(rb)) >> 64) as u64),
            SET_LT_U => set!(d, u64::from(ra < rb)),
            SET_LT_S => set!(d, u64::from((ra as i64) < (rb as i64))),
            CMOV_IZ => set!(d, if rb == 0 { ra } else { rd }),
            CMOV_NZ => set!(d, if rb != 0 { ra } else { rd }),
            ROT_L_64 => set!(d, ra.rotate_left((rb % 64) as u32)),
            ROT_L_32 => set!(d, (ra as u32).rotate_left((rb % 32) as u32) as i32 as i64 as u64),
            ROT_R_64 => set!(d, ra.rotate_right((rb % 64) as u32)),
            ROT_R_32 => set!(d, (ra as u32).rotate_right((rb % 32) as u32) as i32 as i64 as u64),
            AND_INV => set!(d, ra & !rb),
            OR_INV => set!(d, ra | !rb),
            XNOR => set!(d, !(ra ^ rb)),
            MAX => set!(d, (ra as i64).max(rb as i64) as u64),
            MAX_U => set!(d, ra.max(rb)),
            MIN => set!(d, (ra as i64).min(rb as i64) as u64),
            MIN_U => set!(d, ra.min(rb)),
            // Trap; and every octet outside U, which the decoder maps to 0, trap (A.19), so this arm
            // is never reached by another. Speed: an arm for every octet lets the dispatch index its
            // jump table with no range check.
            _ => {
                debug_assert_eq!(ins.op, TRAP, "opcode outside U survived decoding");
                charge!();
                exit!(Exit::Panic, ins.pc, settled!())
            }
        }
    }
}

/// div_u_32 (193): 2^64 - 1 on a zero divisor.
pub fn div_u_32(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    a.checked_div(b).map_or(u64::MAX, |q| sext32(u64::from(q)))
}

/// div_s_32 (194), with @gp A.34 -- rtz (Rust's `/` rounds towards zero).
pub fn div_s_32(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32 as i32, b as u32 as i32);
    if b == 0 {
        u64::MAX
    } else if a == i32::MIN && b == -1 {
        a as i64 as u64
    } else {
        (a / b) as i64 as u64
    }
}

/// rem_u_32 (195): the dividend on a zero divisor.
pub fn rem_u_32(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    if b == 0 { sext32(u64::from(a)) } else { sext32(u64::from(a % b)) }
}

/// rem_s_32 (196), with @gp A.33 -- smod (Rust's `%` keeps the dividend's sign).
pub fn rem_s_32(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32 as i32, b as u32 as i32);
    if a == i32::MIN && b == -1 {
        0
    } else if b == 0 {
        a as i64 as u64
    } else {
        (a % b) as i64 as u64
    }
}

/// div_u_64 (203).
pub fn div_u_64(a: u64, b: u64) -> u64 {
    a.checked_div(b).unwrap_or(u64::MAX)
}

/// div_s_64 (204).
pub fn div_s_64(a: u64, b: u64) -> u64 {
    let (sa, sb) = (a as i64, b as i64);
    if sb == 0 {
        u64::MAX
    } else if sa == i64::MIN && sb == -1 {
        a
    } else {
        (sa / sb) as u64
    }
}

/// rem_u_64 (205).
pub fn rem_u_64(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { a % b }
}

/// rem_s_64 (206).
pub fn rem_s_64(a: u64, b: u64) -> u64 {
    let (sa, sb) = (a as i64, b as i64);
    if sa == i64::MIN && sb == -1 {
        0
    } else if sb == 0 {
        a
    } else {
        (sa % sb) as u64
    }
}

/// sbrk (101, A.28) as a byte-precise heap pointer, identical to the TypeScript reference
/// (`sbrk` in `model/pvm/interpreter.ts`, which gives the whole reading; h starts where the layout
/// says, `heap`: the end of the read-write region under Y, not the 2 Z_Z + Z(|o|) of the text under
/// the table, which 16 of the 30 accumulate vectors reject). Ambiguity of 0.7.2: the row asks for the least x >= h with [x, x + n) not
/// readable in mu and writable in mu', but the machine state has no h and the answer is
/// page-granular; the model follows the vectors and the paper author's advice (traces README,
/// "Notes on SBRK"): sbrk(0) answers h; sbrk(n) answers h, sets h to h + n and makes writable the
/// pages from P(h) up to P(h + n). A pointer that would reach 2^32 is refused: 0, nothing changes.
fn sbrk(mem: &mut Memory, heap: &mut u32, n: u64) -> u64 {
    let h = u64::from(*heap);
    if n == 0 {
        return h;
    }
    let Some(next) = h.checked_add(n).filter(|&next| next < 1 << 32) else {
        return 0;
    };
    let page_size = u64::from(PAGE_SIZE);
    for page in h.div_ceil(page_size)..next.div_ceil(page_size) {
        mem.map_page(page as u32, true);
    }
    *heap = next as u32;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_edge_cases() {
        assert_eq!(div_u_32(7, 0), u64::MAX);
        assert_eq!(div_u_32(0xffff_ffff, 1), u64::MAX);
        assert_eq!(div_s_32(0x8000_0000, 0xffff_ffff), 0xffff_ffff_8000_0000);
        assert_eq!(div_s_32((-7i64) as u64, 2), (-3i64) as u64);
        assert_eq!(div_s_32(5, 0), u64::MAX);
        assert_eq!(rem_u_32(0x1_8000_0000, 0), 0xffff_ffff_8000_0000);
        assert_eq!(rem_s_32((-7i64) as u64, 2), (-1i64) as u64);
        assert_eq!(rem_s_32(7, (-2i64) as u64), 1);
        assert_eq!(rem_s_32(0x8000_0000, 0xffff_ffff), 0);
        assert_eq!(rem_s_32((-7i64) as u64, 0), (-7i64) as u64);
        assert_eq!(div_s_64(i64::MIN as u64, u64::MAX), i64::MIN as u64);
        assert_eq!(div_s_64((-7i64) as u64, 2), (-3i64) as u64);
        assert_eq!(rem_s_64(i64::MIN as u64, u64::MAX), 0);
        assert_eq!(rem_s_64((-7i64) as u64, 0), (-7i64) as u64);
        assert_eq!(rem_u_64(9, 0), 9);
        assert_eq!(div_u_64(9, 0), u64::MAX);
    }

    /// A blob with no jump table around code c with every octet an opcode start where `starts` says.
    fn blob(code: &[u8], starts: &[usize]) -> Vec<u8> {
        let mut k = vec![0u8; code.len().div_ceil(8)];
        for &s in starts {
            k[s / 8] |= 1 << (s % 8);
        }
        let mut p = vec![0, 0, code.len() as u8];
        p.extend_from_slice(code);
        p.extend_from_slice(&k);
        p
    }

    #[test]
    fn trap_panics_and_charges() {
        let mut m = Machine::new(&blob(&[0], &[0]), 0, 10, [0; 13]).unwrap();
        assert_eq!(m.run(), Exit::Panic);
        assert_eq!((m.pc(), m.gas), (0, 9));
    }

    #[test]
    fn out_of_gas_reports_the_instruction() {
        // fallthrough; fallthrough; trap
        let mut m = Machine::new(&blob(&[1, 1, 0], &[0, 1, 2]), 0, 1, [0; 13]).unwrap();
        assert_eq!(m.run(), Exit::OutOfGas);
        assert_eq!((m.pc(), m.gas), (1, -1));
    }

    #[test]
    fn arithmetic_32_bit_sign_extends() {
        // add_32 r2 = r0 + r1; trap
        let mut m = Machine::new(&blob(&[190, 0x10, 2, 0], &[0, 3]), 0, 10, [0; 13]).unwrap();
        m.registers[0] = 0x7fff_ffff;
        m.registers[1] = 1;
        assert_eq!(m.run(), Exit::Panic);
        assert_eq!(m.registers[2], 0xffff_ffff_8000_0000);
    }

    #[test]
    fn host_call_resumes_after_ecalli() {
        // ecalli 7; trap
        let mut m = Machine::new(&blob(&[10, 7, 0], &[0, 2]), 0, 10, [0; 13]).unwrap();
        assert_eq!(m.run(), Exit::Host(7));
        assert_eq!((m.pc(), m.gas), (0, 9));
        assert_eq!(m.run(), Exit::Panic);
        assert_eq!(m.gas, 8);
    }

    #[test]
    fn store_faults_and_charges() {
        // store_imm_u8 [0x20000] = 0x12
        let mut m = Machine::new(&blob(&[30, 3, 0, 0, 2, 0x12], &[0]), 0, 10, [0; 13]).unwrap();
        assert_eq!(m.run(), Exit::Fault(0x20000));
        assert_eq!((m.pc(), m.gas), (0, 9));
        m.memory.map_page(0x20, true);
        assert_eq!(m.run(), Exit::Panic);
        let mut b = [0u8; 1];
        assert!(m.read_memory(0x20000, &mut b));
        assert_eq!(b, [0x12]);
        assert!(!m.read_memory(0xffff_ffff, &mut [0u8; 2]));
    }

    #[test]
    fn negative_gas_stops_at_once() {
        let mut m = Machine::new(&blob(&[1, 0], &[0, 1]), 0, 0, [0; 13]).unwrap();
        assert_eq!(m.run(), Exit::OutOfGas);
        assert_eq!((m.pc(), m.gas), (0, -1));
        assert_eq!(m.run(), Exit::OutOfGas);
        assert_eq!(m.gas, -2);
    }

    #[test]
    fn sbrk_is_a_bump_pointer() {
        // sbrk r1 = r0; sbrk r2 = r3; sbrk r4 = r5; sbrk r6 = r7; trap (opcode 101, r_D | r_A << 4)
        let code = [101, 0x01, 101, 0x32, 101, 0x54, 101, 0x76, 0];
        let mut m = Machine::new(&blob(&code, &[0, 2, 4, 6, 8]), 0, 10, [0; 13]).unwrap();
        m.heap = 0x30010;
        m.registers[0] = 5000; // h: 0x30010 -> 0x31398, pages 0x31000.. become writable
        m.registers[3] = 0; // sbrk(0) answers h
        m.registers[5] = (1 << 32) - 0x31398; // would reach 2^32: refused
        m.registers[7] = 3176; // 0x31398 + 3176 = 0x32000: within the mapped page
        assert_eq!(m.run(), Exit::Panic);
        assert_eq!((m.registers[1], m.registers[2], m.registers[4], m.registers[6]), (0x30010, 0x31398, 0, 0x31398));
        assert_eq!(m.heap, 0x32000);
        assert!(!m.write_memory(0x30000, &[1]));
        assert!(m.write_memory(0x31000, &[1; 4096]));
        assert!(!m.write_memory(0x32000, &[1]));
    }

    #[test]
    fn zero_width_jump_table_jumps_to_zero() {
        // |j| = 3, z = 0; code: fallthrough; jump_ind r0 + 0; r0 = 6: entry 2, which is 0.
        let p = [3, 0, 3, 1, 50, 0, 0b011];
        let mut m = Machine::new(&p, 0, 5, [0; 13]).unwrap();
        m.registers[0] = 6;
        assert_eq!(m.run(), Exit::OutOfGas);
        assert_eq!(m.pc(), 1);
        m.registers[0] = 8;
        m.gas = 5;
        m.pc = 0;
        assert_eq!(m.run(), Exit::Panic);
    }

    #[test]
    fn low_memory_access_panics() {
        // load_u8 r0 = [0x100]
        let mut m = Machine::new(&blob(&[52, 0, 0, 1], &[0]), 0, 10, [0; 13]).unwrap();
        assert_eq!(m.run(), Exit::Panic);
        assert_eq!((m.pc(), m.gas), (0, 9));
    }

    #[test]
    fn readings_change_exit_pc_metering_and_exception_gas() {
        // load_imm r0 = 0; store_imm_u8 [0x20000] = 0x12 (faults); trap: one basic block.
        let code = blob(&[51, 0, 30, 3, 0, 0, 2, 0x12, 0], &[0, 2, 8]);
        let run = |readings: Readings| {
            let mut m = Machine::new(&code, 0, 10, [0; 13]).unwrap();
            m.readings = readings;
            (m.run(), m.pc(), m.gas)
        };
        let paper = Readings::default();
        assert_eq!(run(paper), (Exit::Fault(0x20000), 2, 8));
        assert_eq!(run(Readings { gas: GasMetering::PerBasicBlock, ..paper }), (Exit::Fault(0x20000), 2, 7));
        assert_eq!(run(Readings { exception_gas: ExceptionGas::Uncharged, ..paper }), (Exit::Fault(0x20000), 2, 9));
        // load_imm r0 = 0; trap: the panic's pc.
        let trap = blob(&[51, 0, 0], &[0, 2]);
        let mut m = Machine::new(&trap, 0, 10, [0; 13]).unwrap();
        assert_eq!((m.run(), m.pc()), (Exit::Panic, 0));
        let mut m = Machine::new(&trap, 0, 10, [0; 13]).unwrap();
        m.readings.exit_pc = ExitPc::ExitingInstruction;
        assert_eq!((m.run(), m.pc()), (Exit::Panic, 2));
        // Per basic block, a block that cannot be paid whole is not entered: gas 1 against 2.
        let mut m = Machine::new(&trap, 0, 1, [0; 13]).unwrap();
        m.readings.gas = GasMetering::PerBasicBlock;
        assert_eq!((m.run(), m.pc(), m.gas), (Exit::OutOfGas, 0, -1));
    }

    #[test]
    fn dynamic_jump_to_halt_address() {
        // jump_ind r0 + 0 with r0 = 2^32 - 2^16
        let mut m = Machine::new(&blob(&[50, 0], &[0]), 0, 10, [0; 13]).unwrap();
        m.registers[0] = 0xffff_0000;
        assert_eq!(m.run(), Exit::Halt);
        assert_eq!(m.gas, 9);
    }
}
