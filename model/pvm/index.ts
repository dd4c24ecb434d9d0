/**
 * The PVM (Appendix A): the TypeScript reference engine, deblob, the standard program
 * initialization Y and the marshalling invocation Psi_M (generic over the engine).
 */
export type { ExitReason, MemoryLayout, PageAccess, PvmEngine, PvmInit, PvmInstance } from './engine.js';
export { tsEngine } from './interpreter.js';
export { deblob, encodeBlob } from './program.js';
export { PsiH, PsiM, Y } from './invocation.js';
export type { ArgumentResult, HostCall, HostCallExit, HostedResult, StandardProgram } from './invocation.js';
