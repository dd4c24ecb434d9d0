/**
 * The benchmark programs, assembled into program blobs (A.2) by the guest assembler
 * (fuzz/guest/assembler.ts). Each program ends by a dynamic jump to the halt address, so every
 * engine runs it to `halt`, and leaves a checksum in a register that the benchmark compares
 * across engines.
 */
import type { MemoryLayout } from '../../model/pvm/engine.js';
import { assemble } from '../../fuzz/guest/assembler.js';

export interface BenchProgram {
  readonly name: string;
  readonly program: Uint8Array;
  readonly registers: ReadonlyArray<bigint>;
  readonly memory: MemoryLayout;
  /** Instructions executed to halt (the gas the run uses). */
  readonly instructions: number;
  /** The register holding the checksum. */
  readonly checksum: number;
}

/** 2^32 - 2^16 as load_imm sign-extends it (A.25): djump's halt address modulo 2^32 (A.18). */
const HALT = 2n ** 64n - 2n ** 16n;
const MINUS_ONE = 2n ** 64n - 1n;
const BUFFER = 0x20000;
const FNV_PRIME = 0x100000001b3n;
const FNV_BASIS = 0xcbf29ce484222325n;

/**
 * FNV-1a over a 4 KiB buffer, read cyclically `iterations` times: 8 instructions per octet
 * (add, load, xor, mul, increment, mask, decrement, branch).
 */
export const fnvLoop = (iterations: number): BenchProgram => {
  const { blob } = assemble([
    { name: 'load_imm', regs: [0], imms: [BigInt(iterations)] },
    { name: 'load_imm', regs: [1], imms: [BigInt(BUFFER)] },
    { name: 'load_imm_64', regs: [2], imms: [FNV_BASIS] },
    { name: 'load_imm_64', regs: [3], imms: [FNV_PRIME] },
    { name: 'load_imm', regs: [5], imms: [0n] },
    // The loop's head starts a basic block: after a terminator.
    { name: 'fallthrough' },
    { label: 'loop' },
    { name: 'add_64', regs: [1, 5, 6] },
    { name: 'load_ind_u8', regs: [4, 6], imms: [0n] },
    { name: 'xor', regs: [2, 4, 2] },
    { name: 'mul_64', regs: [2, 3, 2] },
    { name: 'add_imm_64', regs: [5, 5], imms: [1n] },
    { name: 'and_imm', regs: [5, 5], imms: [4095n] },
    { name: 'add_imm_64', regs: [0, 0], imms: [MINUS_ONE] },
    { name: 'branch_ne_imm', regs: [0], imms: [0n], to: 'loop' },
    { name: 'load_imm', regs: [7], imms: [HALT] },
    { name: 'jump_ind', regs: [7], imms: [0n] },
  ]);
  const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff);
  return {
    name: `fnv-1a loop, ${iterations} octets`,
    program: blob,
    registers: new Array<bigint>(13).fill(0n),
    memory: { pages: [{ address: BUFFER, length: 4096, access: 'read' }], contents: [{ address: BUFFER, data }] },
    instructions: 6 + 8 * iterations + 2,
    checksum: 2,
  };
};
