/**
 * The guest assembler (fuzz/guest/assembler.ts) against the paper's decoding: every assembled
 * program deblobs (A.2) into the code, bitmask and jump table it was made of, each instruction
 * starts where the bitmask says, and its operands, read back by the group equations A.21-A.32
 * (transcribed here independently of the assembler, with skip of A.3 from model/pvm/program.ts),
 * are the registers, immediates and label addresses it was given.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { deblob } from '../model/pvm/index.js';
import { skip } from '../model/pvm/program.js';
import { instructionOf, instructions, type InstructionName } from '../model/pvm/opcodes.js';
import { assemble, shapes, type Item } from '../fuzz/guest/assembler.js';

const CASES = 300;
const TWO_64 = 1n << 64n;

/** E_l^-1 of the code from `at`, zeta-padded with zeroes (A.4). */
const le = (c: Uint8Array, at: number, l: number): bigint => {
  let x = 0n;
  for (let i = l - 1; i >= 0; i--) x = x * 256n + BigInt(c[at + i] ?? 0);
  return x;
};
/** X_n (A.16). */
const X = (n: number, x: bigint): bigint => (n > 0 && x >= 1n << BigInt(8 * n - 1) ? x + TWO_64 - (1n << BigInt(8 * n)) : x);
/** Z_n (A.10): the signed value of n octets. */
const Z = (n: number, x: bigint): number => Number(n > 0 && x >= 1n << BigInt(8 * n - 1) ? x - (1n << BigInt(8 * n)) : x);
const reg = (octet: number): number => Math.min(12, octet);

interface Decoded {
  readonly name: InstructionName;
  readonly regs: ReadonlyArray<number>;
  readonly imms: ReadonlyArray<bigint>;
  readonly target?: number;
}

/** The instruction at i by its group's equation (A.21-A.32). */
const decodeAt = (c: Uint8Array, k: Uint8Array, i: number): Decoded => {
  const [, name, group] = instructionOf[c[i]!]!;
  const l = skip(k, i);
  const b1 = c[i + 1] ?? 0;
  const lo = b1 % 16;
  const hi = Math.floor(b1 / 16);
  const sx = (at: number, n: number): bigint => X(n, le(c, at, n));
  switch (group) {
    case 'noArgs':
      return { name, regs: [], imms: [] };
    case 'oneImm':
      return { name, regs: [], imms: [sx(i + 1, Math.min(4, l))] };
    case 'oneRegExtImm':
      return { name, regs: [reg(lo)], imms: [le(c, i + 2, 8)] };
    case 'twoImm': {
      const lX = Math.min(4, b1 % 8);
      const lY = Math.min(4, Math.max(0, l - lX - 1));
      return { name, regs: [], imms: [sx(i + 2, lX), sx(i + 2 + lX, lY)] };
    }
    case 'oneOffset': {
      const lX = Math.min(4, l);
      return { name, regs: [], imms: [], target: i + Z(lX, le(c, i + 1, lX)) };
    }
    case 'oneRegOneImm':
      return { name, regs: [reg(lo)], imms: [sx(i + 2, Math.min(4, Math.max(0, l - 1)))] };
    case 'oneRegTwoImm': {
      const lX = Math.min(4, hi % 8);
      const lY = Math.min(4, Math.max(0, l - lX - 1));
      return { name, regs: [reg(lo)], imms: [sx(i + 2, lX), sx(i + 2 + lX, lY)] };
    }
    case 'oneRegImmOffset': {
      const lX = Math.min(4, hi % 8);
      const lY = Math.min(4, Math.max(0, l - lX - 1));
      return { name, regs: [reg(lo)], imms: [sx(i + 2, lX)], target: i + Z(lY, le(c, i + 2 + lX, lY)) };
    }
    case 'twoReg':
      return { name, regs: [reg(lo), reg(hi)], imms: [] };
    case 'twoRegOneImm':
      return { name, regs: [reg(lo), reg(hi)], imms: [sx(i + 2, Math.min(4, Math.max(0, l - 1)))] };
    case 'twoRegOneOffset': {
      const lX = Math.min(4, Math.max(0, l - 1));
      return { name, regs: [reg(lo), reg(hi)], imms: [], target: i + Z(lX, le(c, i + 2, lX)) };
    }
    case 'twoRegTwoImm': {
      const lX = Math.min(4, (c[i + 2] ?? 0) % 8);
      const lY = Math.min(4, Math.max(0, l - lX - 2));
      return { name, regs: [reg(lo), reg(hi)], imms: [sx(i + 3, lX), sx(i + 3 + lX, lY)] };
    }
    case 'threeReg':
      return { name, regs: [reg(lo), reg(hi), reg(c[i + 2] ?? 0)], imms: [] };
  }
};

const u64 = (v: bigint): bigint => ((v % TWO_64) + TWO_64) % TWO_64;
/** A sign-extended immediate: what four octets reach (A.16), its edges weighted up. */
const arbImm = fc
  .oneof(
    fc.constantFrom(0n, 1n, -1n, 127n, -128n, 128n, 2n ** 31n - 1n, -(2n ** 31n), 255n, 2n ** 15n),
    fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }),
  )
  .map(u64);
const arbInstruction = (labels: number): fc.Arbitrary<Item> =>
  fc.constantFrom(...instructions).chain(([, name, group]) => {
    const shape = shapes[group];
    return fc.record({
      name: fc.constant(name),
      regs: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: shape.regs, maxLength: shape.regs }),
      imms: fc.array(group === 'oneRegExtImm' ? fc.bigInt({ min: 0n, max: TWO_64 - 1n }) : arbImm, { minLength: shape.imms, maxLength: shape.imms }),
      ...(shape.offset ? { to: fc.nat({ max: labels }).map((n) => `L${n}`) } : {}),
    });
  });
const arbProgram = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(fc.array(arbInstruction(n), { minLength: n, maxLength: n }), fc.array(fc.nat({ max: n }), { maxLength: 4 })));

describe('assembler', () => {
  it(`assembled programs deblob and decode to the instructions they were made of (${CASES} cases)`, () => {
    fc.assert(
      fc.property(arbProgram, ([body, table]) => {
        // A label before every instruction and one after the last, so that any label index is a target.
        const items = [...body.flatMap((item, n): Item[] => [{ label: `L${n}` }, item]), { label: `L${body.length}` }];
        const program = assemble(
          items,
          table.map((n) => `L${n}`),
        );
        const blob = deblob(program.blob);
        if (E.isLeft(blob)) return expect.fail(blob.left);
        expect(blob.right.c).toEqual(program.c);
        expect(blob.right.k).toEqual(program.k);
        expect(Array.from({ length: blob.right.j.length }, (_, n) => blob.right.j.at(n))).toEqual(table.map((n) => program.labels.get(`L${n}`)));
        const starts = [...program.k.keys()].filter((i) => program.k[i] === 1);
        expect(starts).toEqual(body.map((_, n) => program.labels.get(`L${n}`)));
        starts.forEach((at, n) => {
          const given = body[n] as Exclude<Item, { label: string } | { raw: ReadonlyArray<number> }>;
          const expected: Decoded = {
            name: given.name,
            regs: given.regs ?? [],
            imms: given.imms ?? [],
            ...(given.to === undefined ? {} : { target: program.labels.get(given.to)! }),
          };
          expect(decodeAt(program.c, program.k, at)).toEqual(expected);
        });
      }),
      { numRuns: CASES },
    );
  });

  it('rejects an immediate that no four octets sign-extend to, and a register beyond omega_12', () => {
    expect(() => assemble([{ name: 'ecalli', imms: [2n ** 31n] }])).toThrow(/immediate/);
    expect(() => assemble([{ name: 'move_reg', regs: [13, 0] }])).toThrow(/register/);
  });
});
