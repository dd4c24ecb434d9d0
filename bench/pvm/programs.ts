/**
 * The benchmark programs, assembled here into program blobs (A.2) from a handful of
 * instructions. Each program ends by a dynamic jump to the halt address, so every engine runs
 * it to `halt`, and leaves a checksum in a register that the benchmark compares across engines.
 */
import type { MemoryLayout } from '../../model/pvm/engine.js';

/** One instruction: its octets (the opcode first). */
type Instruction = ReadonlyArray<number>;

/** The octets of a signed 32-bit immediate, little-endian (the decoder sign-extends 4 octets). */
const imm32 = (x: number): number[] => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];

const le64 = (x: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));

/** The instructions the programs use, named as Appendix A names them. */
const ins = {
  fallthrough: (): Instruction => [1],
  /** load_imm (51): rA = imm. */
  loadImm: (a: number, x: number): Instruction => [51, a, ...imm32(x)],
  /** load_imm_64 (20): rA = imm (64 bits). */
  loadImm64: (a: number, x: bigint): Instruction => [20, a, ...le64(x)],
  /** jump_ind (50): djump(rA + imm). */
  jumpInd: (a: number, x: number): Instruction => [50, a, ...imm32(x)],
  /** Two registers and one immediate (A.29): rA = op(rB, imm). */
  regRegImm: (op: number, a: number, b: number, x: number): Instruction => [op, a | (b << 4), ...imm32(x)],
  /** Three registers (A.32): rD = op(rA, rB). */
  threeReg: (op: number, d: number, a: number, b: number): Instruction => [op, a | (b << 4), d],
  /** branch_ne_imm (82) rA != imm, with a 4-octet immediate and a 4-octet offset. */
  branchNeImm: (a: number, x: number, offset: number): Instruction => [82, a | (4 << 4), ...imm32(x), ...imm32(offset)],
};

const OP = { loadIndU8: 124, andImm: 132, addImm64: 149, add64: 200, mul64: 202, xor: 211 } as const;

/** Encodes a program with no jump table: E(0) ++ E_1(0) ++ E(|c|) ++ c ++ E(k). */
const assemble = (instructions: ReadonlyArray<Instruction>): { blob: Uint8Array; offsets: number[] } => {
  const code: number[] = [];
  const offsets: number[] = [];
  for (const i of instructions) {
    offsets.push(code.length);
    code.push(...i);
  }
  const k = new Array<number>(Math.ceil(code.length / 8)).fill(0);
  for (const o of offsets) k[o >> 3] = (k[o >> 3] ?? 0) | (1 << (o & 7));
  if (code.length >= 0x4000) throw new Error('benchmark program too long for this encoder');
  const length = code.length < 0x80 ? [code.length] : [0x80 | (code.length >> 8), code.length & 0xff];
  return { blob: Uint8Array.from([0, 0, ...length, ...code, ...k]), offsets };
};

/** Resolves branch offsets: `at` is the instruction index of the branch, `to` that of its target. */
const relative = (offsets: ReadonlyArray<number>, at: number, to: number): number => (offsets[to] ?? 0) - (offsets[at] ?? 0);

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

const HALT = 0xffff0000 | 0;
const BUFFER = 0x20000;
const FNV_PRIME = 0x100000001b3n;
const FNV_BASIS = 0xcbf29ce484222325n;

/**
 * FNV-1a over a 4 KiB buffer, read cyclically `iterations` times: 8 instructions per octet
 * (add, load, xor, mul, increment, mask, decrement, branch).
 */
export const fnvLoop = (iterations: number): BenchProgram => {
  const body = (offsets: number[]): Instruction[] => [
    ins.loadImm(0, iterations),
    ins.loadImm(1, BUFFER),
    ins.loadImm64(2, FNV_BASIS),
    ins.loadImm64(3, FNV_PRIME),
    ins.loadImm(5, 0),
    ins.fallthrough(),
    // loop (index 6):
    ins.threeReg(OP.add64, 6, 1, 5),
    ins.regRegImm(OP.loadIndU8, 4, 6, 0),
    ins.threeReg(OP.xor, 2, 2, 4),
    ins.threeReg(OP.mul64, 2, 2, 3),
    ins.regRegImm(OP.addImm64, 5, 5, 1),
    ins.regRegImm(OP.andImm, 5, 5, 4095),
    ins.regRegImm(OP.addImm64, 0, 0, -1),
    ins.branchNeImm(0, 0, relative(offsets, 13, 6)),
    ins.loadImm(7, HALT),
    ins.jumpInd(7, 0),
  ];
  const { offsets } = assemble(body([]));
  const { blob } = assemble(body(offsets));
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
