//! JavaScript bindings of jam-pvm: `NativePvm`, one machine per instance.
//!
//! Every input from JavaScript is checked before it reaches the machine: numbers must be
//! integers in range, 64-bit values are `bigint` in [0, 2^64) (never truncated), memory layouts
//! must be page-aligned, disjoint and inside the 32-bit space. A bad input throws an `Error`
//! whose `code` is one of the stable `PVM_*` codes below; every method also catches unwinding,
//! so no Rust panic crosses into JavaScript.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;

use jam_pvm::opcodes::INSTRUCTIONS;
use jam_pvm::{BlobError, ExceptionGas, Exit, ExitPc, GasMetering, Machine, Program, Readings, Recompile, PAGE_SIZE};
use napi::bindgen_prelude::{BigInt, BigUint64ArraySlice, Uint8Array, Uint8ArraySlice};
use napi_derive::napi;

/// A stable error code, the JavaScript error's `code`.
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

type Result<T> = std::result::Result<T, napi::Error<Code>>;

fn fail<T>(code: &'static str, reason: String) -> Result<T> {
    Err(napi::Error::new(Code(code), reason))
}

/// 2^32, the size of the PVM's address space, as a JavaScript number.
const TWO_32: f64 = 4_294_967_296.0;

/// A non-negative integer below `limit` given as a JavaScript number.
fn natural(what: &str, value: f64, limit: f64) -> Result<u64> {
    if value.fract() != 0.0 || !(0.0..limit).contains(&value) {
        return fail("PVM_RANGE", format!("{what} must be an integer in [0, {limit}), got {value}"));
    }
    Ok(value as u64)
}

fn address(what: &str, value: f64) -> Result<u32> {
    Ok(natural(what, value, TWO_32)? as u32)
}

/// A bigint in [0, 2^64).
fn u64_of(what: &str, value: &BigInt) -> Result<u64> {
    let fits = value.words.iter().skip(1).all(|&w| w == 0);
    let word = value.words.first().copied().unwrap_or(0);
    if !fits || (value.sign_bit && word != 0) {
        return fail("PVM_RANGE", format!("{what} must be a bigint in [0, 2^64)"));
    }
    Ok(word)
}

/// How many decoded programs are kept, most recently used first.
const DECODED_KEPT: usize = 8;

thread_local! {
    /// Decoded programs by blob content. Accumulation instantiates the same service code block
    /// after block, and decoding a 100 KB blob (A.2-A.32) takes about a millisecond; a decoded
    /// program is immutable, so sharing it between machines changes no result.
    static DECODED: RefCell<VecDeque<(Vec<u8>, Arc<Program>)>> = const { RefCell::new(VecDeque::new()) };
}

/// The decoded program of blob p, from the cache or decoded now (and kept).
fn decoded(p: &[u8]) -> std::result::Result<Arc<Program>, BlobError> {
    DECODED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(i) = cache.iter().position(|(blob, _)| blob.as_slice() == p) {
            let hit = cache.remove(i).expect("position is in range");
            let program = hit.1.clone();
            cache.push_front(hit);
            return Ok(program);
        }
        let program = Arc::new(Program::from_blob(p)?);
        cache.push_front((p.to_vec(), program.clone()));
        cache.truncate(DECODED_KEPT);
        Ok(program)
    })
}

/// One row of the native instruction table (A.5), with the group named as `model/pvm/opcodes.ts` names it.
#[napi(object)]
pub struct PvmInstruction {
    pub opcode: u32,
    pub name: String,
    pub group: String,
    pub gas: u32,
    pub terminator: bool,
}

/// The instruction table the native engine decodes and dispatches with, for the test that compares
/// it entry by entry with the TypeScript table (the single source).
#[napi]
pub fn pvm_instructions() -> Vec<PvmInstruction> {
    INSTRUCTIONS
        .iter()
        .map(|i| PvmInstruction {
            opcode: u32::from(i.opcode),
            name: i.name.to_string(),
            group: i.group.name().to_string(),
            gas: i.gas,
            terminator: i.terminator,
        })
        .collect()
}

/// One accessible region of the initial memory.
#[napi(object)]
pub struct PvmPage {
    pub address: f64,
    pub length: f64,
    pub writable: bool,
}

/// Initial contents at an address (inside accessible pages).
#[napi(object)]
pub struct PvmChunk {
    pub address: f64,
    pub data: Uint8Array,
}

/// The readings of Appendix A (spec/readings.ts), by the names and values of `jam-model readings`:
/// `pvm-exit-pc` zero | exiting-instruction, `pvm-gas` per-instruction | per-basic-block,
/// `pvm-exception-gas` charged | uncharged.
#[napi(object)]
pub struct PvmReadings {
    pub exit_pc: String,
    pub gas: String,
    pub exception_gas: String,
}

fn readings_of(r: &PvmReadings) -> Result<Readings> {
    let unknown = |name: &str, value: &str| fail("PVM_RANGE", format!("unknown value '{value}' of the reading {name}"));
    Ok(Readings {
        exit_pc: match r.exit_pc.as_str() {
            "zero" => ExitPc::Zero,
            "exiting-instruction" => ExitPc::ExitingInstruction,
            v => return unknown("pvm-exit-pc", v),
        },
        gas: match r.gas.as_str() {
            "per-instruction" => GasMetering::PerInstruction,
            "per-basic-block" => GasMetering::PerBasicBlock,
            v => return unknown("pvm-gas", v),
        },
        exception_gas: match r.exception_gas.as_str() {
            "charged" => ExceptionGas::Charged,
            "uncharged" => ExceptionGas::Uncharged,
            v => return unknown("pvm-exception-gas", v),
        },
    })
}

#[napi]
pub struct NativePvm {
    machine: Option<Machine>,
}

impl NativePvm {
    fn machine(&mut self) -> Result<&mut Machine> {
        match self.machine.as_mut() {
            Some(m) => Ok(m),
            None => fail("PVM_DISPOSED", "the machine was disposed".into()),
        }
    }
}

#[napi]
impl NativePvm {
    /// A machine for program blob p at pc with gas, 13 registers and a memory layout (pages,
    /// contents, and the initial heap pointer h of sbrk, 0 when absent), under the readings given
    /// (0.7.2's defaults when absent), recompiling its program "never", once "hot" (the default)
    /// or "always" (from the first run; `jam_pvm::Recompile`).
    /// Throws PVM_BAD_BLOB when the blob does not deblob (the caller's panic), PVM_RANGE or
    /// PVM_LAYOUT for bad arguments.
    // One argument per field of PvmInit (model/pvm/engine.ts) as JavaScript passes it.
    #[allow(clippy::too_many_arguments)]
    #[napi(constructor, catch_unwind)]
    pub fn new(
        program: Uint8Array,
        pc: f64,
        gas: BigInt,
        registers: Vec<BigInt>,
        pages: Vec<PvmPage>,
        contents: Vec<PvmChunk>,
        heap_start: Option<f64>,
        readings: Option<PvmReadings>,
        recompile: Option<String>,
    ) -> Result<Self> {
        let readings = match readings {
            Some(r) => readings_of(&r)?,
            None => Readings::default(),
        };
        let recompile = match recompile.as_deref() {
            None | Some("hot") => Recompile::Hot,
            Some("never") => Recompile::Never,
            Some("always") => Recompile::Always,
            Some(v) => return fail("PVM_RANGE", format!("recompile is never, hot or always, not '{v}'")),
        };
        let pc = address("pc", pc)?;
        let gas = u64_of("gas", &gas)?;
        if registers.len() != 13 {
            return fail("PVM_RANGE", format!("13 registers expected, got {}", registers.len()));
        }
        let mut regs = [0u64; 13];
        for (i, r) in registers.iter().enumerate() {
            regs[i] = u64_of(&format!("register {i}"), r)?;
        }
        let mut regions = Vec::with_capacity(pages.len());
        for p in &pages {
            let start = natural("page address", p.address, TWO_32)?;
            let length = natural("page length", p.length, 4_294_967_297.0)?;
            if start % u64::from(PAGE_SIZE) != 0 || length % u64::from(PAGE_SIZE) != 0 {
                return fail("PVM_LAYOUT", format!("page region {start}+{length} is not page-aligned"));
            }
            if start + length > 1 << 32 {
                return fail("PVM_LAYOUT", format!("page region {start}+{length} passes 2^32"));
            }
            regions.push((start, start + length, p.writable));
        }
        regions.sort_unstable();
        if let Some(w) = regions.windows(2).find(|w| w[0].1 > w[1].0) {
            return fail("PVM_LAYOUT", format!("page regions at {} and {} overlap", w[0].0, w[1].0));
        }
        let mut machine = match decoded(&program) {
            Ok(p) => Machine::with_program(p, pc, gas, regs),
            Err(e) => return fail("PVM_BAD_BLOB", e.to_string()),
        };
        machine.heap = address("heapStart", heap_start.unwrap_or(0.0))?;
        (machine.readings, machine.recompile) = (readings, recompile);
        for (start, end, writable) in regions {
            for page in start / u64::from(PAGE_SIZE)..end / u64::from(PAGE_SIZE) {
                machine.memory.map_page(page as u32, writable);
            }
        }
        for c in &contents {
            let at = address("content address", c.address)?;
            let len = c.data.len() as u64;
            if u64::from(at) + len > 1 << 32 || machine.memory.check_readable(at, len).is_err() {
                return fail("PVM_LAYOUT", format!("contents at {at} (+{len}) lie outside the mapped pages"));
            }
            machine.memory.copy_in(at, &c.data);
        }
        Ok(NativePvm { machine: Some(machine) })
    }

    /// Runs until an exit (Psi), with omega and the gas counter shared with JavaScript: the 13
    /// registers are read from `omega` before the run and written back after it, and so is the
    /// counter in `gas` (its magnitude, then 1 if it is negative, as it is only after out-of-gas),
    /// so that between runs a host call reads and sets them there, with no call into the addon.
    /// The exit comes back as one number, kind * 2^32 + value: kind 0 halt, 1 panic, 2 out-of-gas,
    /// 3 fault (value: the page address), 4 host (value: the id modulo 2^32); no object is made.
    #[napi(catch_unwind)]
    pub fn run(&mut self, mut omega: BigUint64ArraySlice, mut gas: BigUint64ArraySlice) -> Result<f64> {
        // SAFETY: the slices are the caller's BigUint64Arrays, used only during this synchronous call.
        let (omega, gas) = unsafe { (omega.as_mut(), gas.as_mut()) };
        if omega.len() != 13 || gas.len() != 2 {
            return fail("PVM_RANGE", format!("13 registers and 2 gas words expected, got {} and {}", omega.len(), gas.len()));
        }
        let m = self.machine()?;
        m.gas = if gas[1] == 0 { i128::from(gas[0]) } else { -i128::from(gas[0]) };
        m.registers.copy_from_slice(omega);
        let exit = m.run();
        omega.copy_from_slice(&m.registers);
        // A negative counter is at most a few gas below 0 for each run since it went negative.
        (gas[0], gas[1]) = (m.gas.unsigned_abs() as u64, u64::from(m.gas < 0));
        let (kind, value) = match exit {
            Exit::Halt => (0, 0),
            Exit::Panic => (1, 0),
            Exit::OutOfGas => (2, 0),
            Exit::Fault(a) => (3, a),
            Exit::Host(id) => (4, id as u32),
        };
        Ok(f64::from(kind) * TWO_32 + f64::from(value))
    }

    #[napi(getter, catch_unwind)]
    pub fn pc(&mut self) -> Result<u32> {
        Ok(self.machine()?.pc())
    }

    /// Octets at [address, address + length), or null if any is not readable or the range passes 2^32.
    #[napi(catch_unwind)]
    pub fn read_memory(&mut self, address: f64, length: f64) -> Result<Option<Uint8Array>> {
        let at = self::address("address", address)?;
        // Any length up to 2^32: readability decides (A.44's R gives nothing for an unreadable
        // range), and the octets are allocated only once every page is known to be readable.
        let len = natural("length", length, TWO_32 + 1.0)?;
        let m = self.machine()?;
        if u64::from(at) + len > 1 << 32 || m.memory.check_readable(at, len).is_err() {
            return Ok(None);
        }
        let mut out = vec![0u8; len as usize];
        m.read_memory(at, &mut out);
        Ok(Some(Uint8Array::new(out)))
    }

    /// Reads [address, address + out.length) into `out` (allocated by JavaScript, which is
    /// cheaper than an addon-made array): false, `out` untouched, if any is not readable or the
    /// range passes 2^32.
    #[napi(catch_unwind)]
    pub fn read_memory_into(&mut self, address: f64, mut out: Uint8ArraySlice) -> Result<bool> {
        let at = self::address("address", address)?;
        // SAFETY: the slice is the caller's Uint8Array, used only during this synchronous call.
        Ok(self.machine()?.read_memory(at, unsafe { out.as_mut() }))
    }

    /// Writes octets; false (memory unchanged) if any is not writable or the range passes 2^32.
    #[napi(catch_unwind)]
    pub fn write_memory(&mut self, address: f64, data: Uint8Array) -> Result<bool> {
        let at = self::address("address", address)?;
        Ok(self.machine()?.write_memory(at, &data))
    }

    /// Frees the machine; later calls throw PVM_DISPOSED.
    #[napi(catch_unwind)]
    pub fn dispose(&mut self) {
        self.machine = None;
    }
}
