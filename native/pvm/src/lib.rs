//! The PVM of Gray Paper 0.7.2, Appendix A: a program blob is decoded once (deblob, skip, basic
//! blocks, every instruction's operands) into an instruction stream, which a tight loop runs
//! with 1 gas per instruction over sparse paged memory.

mod machine;
mod memory;
pub mod opcodes;
mod program;
#[cfg(target_arch = "x86_64")]
mod recompiler;

pub use machine::{ExceptionGas, Exit, ExitPc, GasMetering, Machine, Readings, Recompile};
pub use memory::PAGE_SIZE;
pub use program::{deblob, BlobError, Program};
