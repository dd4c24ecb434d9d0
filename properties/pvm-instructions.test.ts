/**
 * The one instruction table of the PVM (A.5) is `model/pvm/opcodes.ts`; the Rust engine keeps a
 * mirror with named constants for its dispatch (`native/pvm/src/opcodes.rs`). This test reads the
 * mirror through the binding and compares it with the source row by row, for every octet 0..255,
 * so a row added, dropped or changed on one side only fails here.
 */
import { describe, expect, it } from 'vitest';
import { loadNative } from '../model/native.js';
import { instructionOf } from '../model/pvm/opcodes.js';

describe('pvm instruction table', () => {
  it('native table = TypeScript table, entry by entry (opcode, name, group, gas, terminator) over all 256 octets', () => {
    const native = new Map(loadNative().pvmInstructions().map((row) => [row.opcode, row]));
    for (let octet = 0; octet < 256; octet++) {
      const source = instructionOf[octet];
      const mirror = native.get(octet);
      expect({ octet, row: mirror === undefined ? undefined : [mirror.opcode, mirror.name, mirror.group, mirror.gas, mirror.terminator] }).toEqual({
        octet,
        row: source === undefined ? undefined : [...source],
      });
    }
    expect(native.size).toBe(instructionOf.filter((row) => row !== undefined).length);
  });
});
