/**
 * The one interface both PVM engines stand behind: the TypeScript reference (`model/pvm`) and
 * the Rust engine (`native/pvm` through `native/binding`). Callers choose the engine; a
 * differential property keeps the two equal step for step.
 *
 * Exit reasons are plain tagged values (the inner loop never builds an Either).
 */

/** @gp A.1 -- epsilon: the exit reason of the machine (halt, panic, out of gas, page fault, host call). */
export type ExitReason =
  | { readonly kind: 'halt' }
  | { readonly kind: 'panic' }
  | { readonly kind: 'out-of-gas' }
  /** F with the lowest address of the page that faulted. */
  | { readonly kind: 'fault'; readonly address: number }
  /** h with the host-call identifier; `run()` again resumes after the ecalli. */
  | { readonly kind: 'host'; readonly id: number };

export type PageAccess = 'read' | 'write';

/** An initial memory layout: accessible regions (page-aligned) and their initial contents. */
export interface MemoryLayout {
  readonly pages: ReadonlyArray<{ readonly address: number; readonly length: number; readonly access: PageAccess }>;
  readonly contents: ReadonlyArray<{ readonly address: number; readonly data: Uint8Array }>;
  /** The initial heap pointer h of sbrk (A.28): the end of the standard layout's heap region (A.42); absent (h = 0) otherwise. */
  readonly heapStart?: number;
}

/** A running machine. Reads and writes go through the instance: no whole-memory copies. */
export interface PvmInstance {
  /** Runs until an exit; after a `host` exit the caller may change registers, gas and memory, then run again. */
  run(): ExitReason;
  /** The instruction counter (imath). */
  readonly pc: number;
  gas: bigint;
  getRegister(index: number): bigint;
  setRegister(index: number, value: bigint): void;
  /** Octets at [address, address + length), or undefined if any is not readable. */
  readMemory(address: number, length: number): Uint8Array | undefined;
  /** Writes octets; false (memory unchanged) if any is not writable. */
  writeMemory(address: number, data: Uint8Array): boolean;
  /** Frees native resources (no-op for the TypeScript engine). */
  dispose(): void;
}

/** 2^32: the size of the address space (RAM indices, imath, addresses of host calls). */
export const TWO_32 = 2 ** 32;

/** 2^64: registers and the gas counter are below it. */
export const TWO_64 = 2n ** 64n;

/** omega_index, or the engines' RangeError when `index` names none of the 13 registers. */
export const registerOf = (omega: ArrayLike<bigint>, index: number): bigint => {
  const v = omega[index];
  if (v === undefined) throw new RangeError(`register ${index} is not one of 0..12`);
  return v;
};

/** `value` for omega_index, or the engines' RangeError when the index or the value is out of range. */
export const checkedRegister = (index: number, value: bigint): bigint => {
  if (!Number.isInteger(index) || index < 0 || index > 12) throw new RangeError(`register ${index} is not one of 0..12`);
  if (value < 0n || value >= TWO_64) throw new RangeError(`register value ${value} is not a 64-bit natural`);
  return value;
};

export interface PvmInit {
  /** The program blob p (A.2: E(|j|) ++ E_1(z) ++ E(|c|) ++ E_z(j) ++ E(c) ++ E(k)). */
  readonly program: Uint8Array;
  readonly pc: number;
  readonly gas: bigint;
  /** omega: 13 registers. */
  readonly registers: ReadonlyArray<bigint>;
  readonly memory: MemoryLayout;
}

export interface PvmEngine {
  readonly name: 'ts' | 'native';
  /** A new instance, or a string saying why the blob does not decode (the caller's panic). */
  instantiate(init: PvmInit): PvmInstance | string;
}
