/**
 * fast-check generators of PVM programs and machine states, shared by the TypeScript-only
 * properties (`pvm.property.test.ts`) and the differential property (native vs ts).
 *
 * `arbInstructionStream` builds valid instruction streams: opcodes drawn from the one opcode
 * table, operands shaped by each opcode's argument category with random registers (13..15
 * included, which clamp to 12) and random immediate widths, branch offsets aimed at instruction
 * starts most of the time, a jump table of instruction starts. `arbProgram` mixes these with raw
 * random bytes (which mostly fail to deblob) and random code under a valid header.
 */
import fc from 'fast-check';
import type { PvmInit } from '../model/pvm/index.js';
import { encodeBlob } from '../model/pvm/index.js';
import { type Group, instructions } from '../model/pvm/opcodes.js';

/** One instruction before layout: its opcode, operand octets, and where a 4-octet offset goes. */
interface Draft {
  readonly opcode: number;
  readonly bytes: ReadonlyArray<number>;
  /** Index into `bytes` of a 4-octet offset to patch, and the instruction it aims at (mod count). */
  readonly offset?: { readonly at: number; readonly aim: number; readonly random: boolean };
}

const byte = fc.integer({ min: 0, max: 255 });
const reg = fc.integer({ min: 0, max: 15 });
const immediate = fc.integer({ min: 0, max: 4 }).chain((l) => fc.array(byte, { minLength: l, maxLength: l }));
const aim = fc.record({ aim: fc.nat(), random: fc.boolean() });

const operands = (category: Group): fc.Arbitrary<Omit<Draft, 'opcode'>> => {
  switch (category) {
    case 'noArgs':
      return fc.constant({ bytes: [] });
    case 'oneImm':
      return immediate.map((x) => ({ bytes: x }));
    case 'oneRegExtImm':
      return fc.tuple(reg, fc.array(byte, { minLength: 8, maxLength: 8 })).map(([r, x]) => ({ bytes: [r, ...x] }));
    case 'twoImm':
      return fc.tuple(immediate, immediate).map(([x, y]) => ({ bytes: [x.length, ...x, ...y] }));
    case 'oneOffset':
      return aim.map((a) => ({ bytes: [0, 0, 0, 0], offset: { at: 0, ...a } }));
    case 'oneRegOneImm':
      return fc.tuple(reg, immediate).map(([r, x]) => ({ bytes: [r, ...x] }));
    case 'oneRegTwoImm':
      return fc.tuple(reg, immediate, immediate).map(([r, x, y]) => ({ bytes: [r | (x.length << 4), ...x, ...y] }));
    case 'oneRegImmOffset':
      return fc
        .tuple(reg, immediate, aim)
        .map(([r, x, a]) => ({ bytes: [r | (x.length << 4), ...x, 0, 0, 0, 0], offset: { at: 1 + x.length, ...a } }));
    case 'twoReg':
      return fc.tuple(reg, reg).map(([d, a]) => ({ bytes: [d | (a << 4)] }));
    case 'twoRegOneImm':
      return fc.tuple(reg, reg, immediate).map(([a, b, x]) => ({ bytes: [a | (b << 4), ...x] }));
    case 'twoRegOneOffset':
      return fc.tuple(reg, reg, aim).map(([a, b, o]) => ({ bytes: [a | (b << 4), 0, 0, 0, 0], offset: { at: 1, ...o } }));
    case 'twoRegTwoImm':
      return fc.tuple(reg, reg, immediate, immediate).map(([a, b, x, y]) => ({ bytes: [a | (b << 4), x.length, ...x, ...y] }));
    case 'threeReg':
      return fc.tuple(reg, reg, reg).map(([a, b, d]) => ({ bytes: [a | (b << 4), d] }));
  }
};

const arbDraft: fc.Arbitrary<Draft> = fc
  .constantFrom(...instructions)
  .chain(([opcode, , category]) => operands(category).map((o) => ({ opcode, ...o })));

/** A valid instruction stream laid out as a blob (A.2), with a jump table of instruction starts. */
export const arbInstructionStream: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.array(arbDraft, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }))
  .map(([drafts, jumpAims]) => {
    const starts: number[] = [];
    let length = 0;
    for (const d of drafts) {
      starts.push(length);
      length += 1 + d.bytes.length;
    }
    const c = new Uint8Array(length);
    const k = new Uint8Array(length);
    drafts.forEach((d, n) => {
      const at = starts[n] ?? 0;
      c[at] = d.opcode;
      k[at] = 1;
      c.set(d.bytes, at + 1);
      if (d.offset !== undefined) {
        const target = d.offset.random ? (d.offset.aim % (length + 16)) - 8 : (starts[d.offset.aim % starts.length] ?? 0);
        const relative = (target - at) >>> 0;
        for (let i = 0; i < 4; i++) c[at + 1 + d.offset.at + i] = (relative >>> (8 * i)) & 0xff;
      }
    });
    const j = jumpAims.map((a) => starts[a % starts.length] ?? 0);
    return encodeBlob({ c, k, j });
  });

/** Random code and bitmask under a valid header (deblob succeeds, the code is noise). */
export const arbRandomCode: fc.Arbitrary<Uint8Array> = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .chain((c) =>
    fc.tuple(fc.constant(c), fc.uint8Array({ minLength: c.length, maxLength: c.length }), fc.array(fc.nat(80), { maxLength: 4 })),
  )
  .map(([c, bits, j]) => encodeBlob({ c, k: bits.map((b) => b & 1), j }));

/** Any octets at all: most fail to deblob. */
export const arbBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 96 });

/** Programs: valid streams (mostly), noise under a valid header, raw bytes. */
export const arbProgram: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: arbInstructionStream },
  { weight: 2, arbitrary: arbRandomCode },
  { weight: 1, arbitrary: arbBytes },
);

/** The RAM every generated machine gets: read-only data at 0x10000, read-write at 0x20000. */
export const RO_BASE = 0x10000;
export const RW_BASE = 0x20000;

/** Register values that often address the generated RAM, else anything. */
const arbRegister: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0n, max: 300n }),
  fc.constantFrom(2n ** 64n - 1n, 2n ** 63n, 2n ** 63n - 1n, 2n ** 32n - 2n ** 16n, 2n ** 31n, 0xffffffffn),
  fc.integer({ min: -64, max: 0x3000 }).map((o) => BigInt(RW_BASE + o)),
  fc.integer({ min: -64, max: 0x1000 }).map((o) => BigInt(RO_BASE + o)),
);

/** A whole initial machine: program, pc (usually 0), bounded gas, registers, RAM. */
export const arbPvmInit: fc.Arbitrary<PvmInit> = fc.record({
  program: arbProgram,
  pc: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(64) }),
  gas: fc.bigInt({ min: 0n, max: 2000n }),
  registers: fc.array(arbRegister, { minLength: 13, maxLength: 13 }),
  memory: fc
    .tuple(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }))
    .map(([ro, rw]) => ({
      pages: [
        { address: RO_BASE, length: 4096, access: 'read' as const },
        { address: RW_BASE, length: 2 * 4096, access: 'write' as const },
      ],
      contents: [
        { address: RO_BASE, data: ro },
        { address: RW_BASE + 4000, data: rw },
      ],
    })),
});

