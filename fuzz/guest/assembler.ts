/**
 * A small PVM assembler built from the one instruction table (model/pvm/opcodes.ts): each
 * instruction is encoded by its group's operand layout (A.21-A.32), jumps and branches name
 * labels, and the result is a program blob (A.2), a standard program of Y (A.38) and the code
 * preimage of a service account (9.4: E(var(m), c), which Psi_A runs from instruction 5, B.9).
 *
 * Operands are given as the paper's letters read them, in the group's order: registers
 * r_A (one-register groups); r_D, r_A (two registers, A.28); r_A, r_B (two registers and an
 * immediate or offset, or two immediates); r_A, r_B, r_D (three registers, A.32). Immediates are
 * the 64-bit values nu_X, nu_Y the instruction decodes to (so 2^64 - 1 is -1, encoded in one
 * octet by the sign extension X of A.16). Every immediate is encoded in the fewest octets that
 * decode to it; an immediate no four octets reach is a bug of the caller and throws.
 */
import { Writer } from '../../spec/codec.js';
import { encodeBlob } from '../../model/pvm/index.js';
import { instructions, type Group, type InstructionName } from '../../model/pvm/opcodes.js';

const TWO_64 = 1n << 64n;

/** One instruction: its name, its registers and immediates in the group's order, and for an offset its label. */
export interface Instruction {
  readonly name: InstructionName;
  readonly regs?: ReadonlyArray<number>;
  readonly imms?: ReadonlyArray<bigint>;
  /** The label a jump or branch goes to (the groups with an offset: A.24, A.27, A.30). */
  readonly to?: string;
}

/**
 * An item of a program: an instruction; a label naming the next instruction's address; or raw
 * octets taken as one instruction (its first octet an opcode), for tests that need an encoding
 * the assembler would not choose.
 */
export type Item = Instruction | { readonly label: string } | { readonly raw: ReadonlyArray<number> };

const rows = new Map(instructions.map(([opcode, name, group]) => [name as InstructionName, { opcode, group: group as Group }]));

/** How many registers and immediates each group's instruction takes, and whether it has an offset. */
export const shapes: Readonly<Record<Group, { readonly regs: number; readonly imms: number; readonly offset: boolean }>> = {
  noArgs: { regs: 0, imms: 0, offset: false },
  oneImm: { regs: 0, imms: 1, offset: false },
  oneRegExtImm: { regs: 1, imms: 1, offset: false },
  twoImm: { regs: 0, imms: 2, offset: false },
  oneOffset: { regs: 0, imms: 0, offset: true },
  oneRegOneImm: { regs: 1, imms: 1, offset: false },
  oneRegTwoImm: { regs: 1, imms: 2, offset: false },
  oneRegImmOffset: { regs: 1, imms: 1, offset: true },
  twoReg: { regs: 2, imms: 0, offset: false },
  twoRegOneImm: { regs: 2, imms: 1, offset: false },
  twoRegOneOffset: { regs: 2, imms: 0, offset: true },
  twoRegTwoImm: { regs: 2, imms: 2, offset: false },
  threeReg: { regs: 3, imms: 0, offset: false },
};

/** E_n(x mod 2^(8n)): n little-endian octets (C.12). */
const le = (n: number, x: bigint): number[] => Array.from({ length: n }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));

/** X_n (A.16) of the n octets of v, as a 64-bit natural. */
const signExtended = (n: number, v: bigint): bigint => {
  if (n === 0) return 0n;
  const low = v & ((1n << BigInt(8 * n)) - 1n);
  return low >= 1n << BigInt(8 * n - 1) ? low + TWO_64 - (1n << BigInt(8 * n)) : low;
};

/** The fewest octets (0..4) whose sign extension X (A.16) is the 64-bit value v. */
const immediate = (v: bigint): number[] => {
  const x = ((v % TWO_64) + TWO_64) % TWO_64;
  for (let n = 0; n <= 4; n++) if (signExtended(n, x) === x) return le(n, x);
  throw new Error(`assembler: immediate ${x} is not the sign extension of four octets`);
};

/** An offset is always four octets (Z_4 of A.15), so an instruction's size does not depend on where its label falls. */
const OFFSET_OCTETS = 4;

const register = (r: number | undefined): number => {
  if (r === undefined || !Number.isInteger(r) || r < 0 || r > 12) throw new Error(`assembler: register ${r} is not one of omega_0..12`);
  return r;
};

/**
 * The octets of an instruction at `at`, with `offset(to)` the target's address minus `at`.
 * The last immediate of a group has no length field: its length is what the skip to the next
 * instruction leaves (l_Y of A.23, A.26, A.27, A.31; l_X of A.25, A.29, A.30).
 */
const encodeOne = (i: Instruction, offset: (to: string) => number): number[] => {
  const row = rows.get(i.name);
  if (row === undefined) throw new Error(`assembler: no instruction ${i.name}`);
  const shape = shapes[row.group];
  const regs = i.regs ?? [];
  const imms = i.imms ?? [];
  if (regs.length !== shape.regs || imms.length !== shape.imms || (i.to !== undefined) !== shape.offset)
    throw new Error(`assembler: ${i.name} takes ${shape.regs} registers, ${shape.imms} immediates${shape.offset ? ' and a label' : ''}`);
  const [a, b, c] = regs.map(register);
  // A.22's immediate is eight plain octets; every other is sign-extended (A.16).
  const [x, y] = row.group === 'oneRegExtImm' ? [] : imms.map(immediate);
  const o = i.to === undefined ? [] : le(OFFSET_OCTETS, BigInt(offset(i.to)));
  switch (row.group) {
    case 'noArgs':
      return [row.opcode];
    case 'oneImm':
      return [row.opcode, ...x!];
    case 'oneRegExtImm':
      return [row.opcode, a!, ...le(8, imms[0]!)];
    case 'twoImm':
      return [row.opcode, x!.length, ...x!, ...y!];
    case 'oneOffset':
      return [row.opcode, ...o];
    case 'oneRegOneImm':
      return [row.opcode, a!, ...x!];
    case 'oneRegTwoImm':
      return [row.opcode, a! + 16 * x!.length, ...x!, ...y!];
    case 'oneRegImmOffset':
      return [row.opcode, a! + 16 * x!.length, ...x!, ...o];
    case 'twoReg':
      // A.28: r_D in the low nibble, r_A in the high one.
      return [row.opcode, a! + 16 * b!];
    case 'twoRegOneImm':
      return [row.opcode, a! + 16 * b!, ...x!];
    case 'twoRegOneOffset':
      return [row.opcode, a! + 16 * b!, ...o];
    case 'twoRegTwoImm':
      return [row.opcode, a! + 16 * b!, x!.length, ...x!, ...y!];
    case 'threeReg':
      return [row.opcode, a! + 16 * b!, c!];
  }
};

/** An assembled program: c, k and j of A.2, the blob they make, and where each label fell. */
export interface Assembled {
  readonly c: Uint8Array;
  readonly k: Uint8Array;
  readonly j: ReadonlyArray<number>;
  readonly blob: Uint8Array;
  readonly labels: ReadonlyMap<string, number>;
}

/**
 * Assembles items into a program; `jumpTable` names the labels of j in order (the targets of
 * djump, A.18: address Z_A (i + 1) jumps to the i-th).
 */
export const assemble = (items: ReadonlyArray<Item>, jumpTable: ReadonlyArray<string> = []): Assembled => {
  // Sizes do not depend on label addresses (offsets are always four octets): one pass places the
  // labels, a second encodes.
  const noOffset = (): number => 0;
  const labels = new Map<string, number>();
  let at = 0;
  for (const item of items) {
    if ('label' in item) {
      if (labels.has(item.label)) throw new Error(`assembler: label ${item.label} twice`);
      labels.set(item.label, at);
    } else at += 'raw' in item ? item.raw.length : encodeOne(item, noOffset).length;
  }
  const address = (label: string): number => {
    const a = labels.get(label);
    if (a === undefined) throw new Error(`assembler: no label ${label}`);
    return a;
  };
  const c: number[] = [];
  const k: number[] = [];
  for (const item of items) {
    if ('label' in item) continue;
    const here = c.length;
    const octets = 'raw' in item ? item.raw : encodeOne(item, (to) => address(to) - here);
    octets.forEach((octet, i) => {
      c.push(octet);
      k.push(i === 0 ? 1 : 0);
    });
  }
  const j = jumpTable.map(address);
  const parts = { c: Uint8Array.from(c), k: Uint8Array.from(k), j };
  return { ...parts, blob: encodeBlob(parts), labels };
};

/** The pieces of a standard program (A.38): read-only data o, read-write data w, z extra zero pages, a stack of s octets. */
export interface StandardLayout {
  readonly ro?: Uint8Array;
  readonly rw?: Uint8Array;
  readonly heapPages?: number;
  readonly stack?: number;
}

/** @gp A.38 -- E_3(|o|) ++ E_3(|w|) ++ E_2(z) ++ E_3(s) ++ o ++ w ++ E_4(|c|) ++ c, c the blob of A.2. */
export const standardProgram = (blob: Uint8Array, { ro = new Uint8Array(0), rw = new Uint8Array(0), heapPages = 1, stack = 4096 }: StandardLayout = {}): Uint8Array => {
  const w = new Writer();
  w.uint(3, ro.length);
  w.uint(3, rw.length);
  w.uint(2, heapPages);
  w.uint(3, stack);
  w.bytes(ro);
  w.bytes(rw);
  w.uint(4, blob.length);
  w.bytes(blob);
  return w.result();
};

/** The entry of Psi_A (B.9): instruction 5. */
const ACCUMULATE_ENTRY = 5;

/**
 * A standard program whose accumulate code is `body`: five `fallthrough`s fill the octets before
 * Psi_A's entry at 5, each a terminator, so that 5 starts a basic block (A.5).
 */
export const accumulateProgram = (body: ReadonlyArray<Item>, layout: StandardLayout = {}, jumpTable: ReadonlyArray<string> = []): Uint8Array => {
  const fill: Item[] = Array.from({ length: ACCUMULATE_ENTRY }, () => ({ name: 'fallthrough' }));
  return standardProgram(assemble([...fill, ...body], jumpTable).blob, layout);
};

/** @gp 9.4 -- the code preimage E(var(m), c): metadata m with its length, then the standard program c. */
export const codePreimage = (program: Uint8Array, metadata: Uint8Array = Uint8Array.of(7, 7, 7)): Uint8Array => {
  const w = new Writer();
  w.natural(metadata.length);
  w.bytes(metadata);
  w.bytes(program);
  return w.result();
};
