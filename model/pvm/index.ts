/**
 * The PVM (Appendix A): the TypeScript reference engine, deblob, the standard program
 * initialization Y and the marshalling invocation Psi_M (generic over the engine).
 *
 * Readings of 0.7.2 that both engines share (the Rust twin must match them; the stepwise
 * crosscheck in `properties/pvm.crosscheck.ts` finds the first step where they do not). Where the
 * paper, the vectors and clients part, the choice is a named reading of `spec/readings.ts` that
 * both engines take when made (`tsPvm(readings)`, `nativePvm(readings)`): `pvm-exit-pc`,
 * `pvm-gas`, `pvm-exception-gas`; `sbrk-heap-start` is Y's (A.42).
 * - A.1: after `halt` or `panic` the instruction counter is 0 (`pvm-exit-pc`); after a fault, a
 *   host call or out of gas it is the exiting instruction's.
 * - A.1/A.9 (`pvm-gas`): out of gas when g - 1 < 0: the state is unchanged and the gas is
 *   reported as g - 1 (so -1 from 0), as Psi returns the signed g'; metered per basic block, when
 *   g is below the gas of the block being entered, reported as g minus that gas. Psi takes g' < 0 before the exit of Psi_1, so
 *   with gas 0 an access that faults (or panics below 2^16) ends out of gas, gas -1.
 * - A.7/A.8 against A.1's text (`pvm-exception-gas`): every instruction pays its gas before it runs, so a panic (index
 *   below 2^16) or a fault (at the page of the lowest inaccessible index, indices taken mod 2^32)
 *   leaves registers and memory unchanged but is charged. A.8 writes its exception rows with the
 *   prior counter; A.1's text says "some gas is always charged whenever execution is attempted ...
 *   even if ... machine state is unchanged", and the recorded fuzz session no_forks (step 52, a
 *   load below 2^16 in an accumulation) and the PVM vectors' faults charge it.
 * - A.17: a branch not taken continues at imath + 1 + skip(imath) (the default of A.9; A.17 writes
 *   imath); a taken branch to a non-basic-block start panics. load_imm_jump and load_imm_jump_ind
 *   write omega'_A even when the jump then panics or halts (Psi returns omega' for both).
 * - A.32: r_D = min(12, zeta_{imath+2}) (the whole octet, not its low nibble).
 * - A.21: ecalli's identifier nu_X is sign-extended; the `host` exit reports it mod 2^32.
 * - A.28: sbrk leaves h undefined and is page-granular; the model keeps a byte-precise heap pointer
 *   (from `MemoryLayout.heapStart`) as the vectors and the author's advice do (see `sbrk` in interpreter.ts).
 * - deblob (A.2) requires canonical naturals (C.6), |k| = |c| with zero padding bits, no trailing octets.
 */
export type { ExitReason, MemoryLayout, PageAccess, PvmEngine, PvmInit, PvmInstance } from './engine.js';
export { tsEngine, tsPvm } from './interpreter.js';
export { deblob, encodeBlob } from './program.js';
export { PsiH, PsiM, Y } from './invocation.js';
export type { ArgumentResult, HostCall, HostCallExit, HostedResult, StandardProgram } from './invocation.js';
