/**
 * The `native` PVM engine: the Rust machine of `native/pvm` behind the `PvmEngine` contract,
 * through the `NativePvm` class of the napi binding. The binding checks every argument (bigint
 * ranges, page alignment and overlap) and throws an Error with a stable `code` (registers and the
 * gas counter, shared in BigUint64Arrays, are checked here as the TypeScript engine checks them); the only error
 * this engine turns into a value is `PVM_BAD_BLOB`, the paper's panic on a blob that does not
 * deblob (A.1).
 */
import { paperReadings, type PvmReadings } from '../../spec/readings.js';
import { loadNative, scratch, throughScratch } from '../native.js';
import { checkedRegister, registerOf, TWO_32, TWO_64, type ExitReason, type PvmEngine, type PvmInit, type PvmInstance } from './engine.js';

/** The kinds `NativePvm.run()` reports, in the binding's numbering (its answer is kind * 2^32 + value). */
const enum Kind {
  Halt = 0,
  Panic = 1,
  OutOfGas = 2,
  Fault = 3,
  Host = 4,
}

const HALT: ExitReason = { kind: 'halt' };
const PANIC: ExitReason = { kind: 'panic' };
const OUT_OF_GAS: ExitReason = { kind: 'out-of-gas' };

type NativePvm = InstanceType<ReturnType<typeof loadNative>['NativePvm']>;

/**
 * The instance over a native machine. omega and the gas counter live in BigUint64Arrays the
 * machine reads before each run and writes back after it (`NativePvm.run`), so that a host
 * call's register reads and writes and its charge stay in JavaScript; registers are checked as
 * the TypeScript engine checks them. The counter is kept as its magnitude and whether it is
 * negative (as it is only after out-of-gas).
 */
const instance = (m: NativePvm, registers: ReadonlyArray<bigint>, initialGas: bigint): PvmInstance => {
  const omega = BigUint64Array.from(registers);
  const gas = new BigUint64Array(2);
  const setGas = (value: bigint): void => {
    const magnitude = value < 0n ? -value : value;
    if (magnitude >= TWO_64) throw new RangeError(`gas ${value} is beyond 2^64`);
    gas[0] = magnitude;
    gas[1] = value < 0n ? 1n : 0n;
  };
  setGas(initialGas);
  return {
    run(): ExitReason {
      const exit = m.run(omega, gas);
      const value = exit % TWO_32;
      switch (Math.floor(exit / TWO_32) as Kind) {
        case Kind.Halt:
          return HALT;
        case Kind.Panic:
          return PANIC;
        case Kind.OutOfGas:
          return OUT_OF_GAS;
        case Kind.Fault:
          return { kind: 'fault', address: value };
        case Kind.Host:
          return { kind: 'host', id: value };
      }
    },
    get pc(): number {
      return m.pc;
    },
    get gas(): bigint {
      return gas[1] === 0n ? gas[0]! : -gas[0]!;
    },
    set gas(value: bigint) {
      setGas(value);
    },
    getRegister: (index) => registerOf(omega, index),
    setRegister(index, value) {
      omega[index] = checkedRegister(index, value);
    },
    readMemory(address, length) {
      // A host call's read is short: through `scratch`. A long one is checked before its octets
      // are allocated (an unreadable range of gigabytes allocates nothing).
      if (length > scratch.length || !Number.isInteger(length) || length < 0) return m.readMemory(address, length) ?? undefined;
      return m.readMemoryInto(address, scratch.subarray(0, length)) ? scratch.slice(0, length) : undefined;
    },
    writeMemory: (address, data) => m.writeMemory(address, throughScratch([data])[0]!),
    dispose: () => m.dispose(),
  };
};

const isBadBlob = (e: unknown): e is Error => e instanceof Error && (e as { code?: unknown }).code === 'PVM_BAD_BLOB';

/**
 * When the Rust engine runs a program's recompiled code (x86-64) rather than interpreting it:
 * never, once the program is hot (its interpreted runs used some gas per instruction), or always.
 * The answers are the same (the recompiled code hands every exit to the interpreter); `always` is
 * for the properties that check it.
 */
export type Recompile = 'never' | 'hot' | 'always';

/** The Rust engine under the PVM's readings, which the binding hands to the machine by name. */
export const nativePvm = (readings: PvmReadings, recompile: Recompile = 'hot'): PvmEngine => ({
  name: 'native',
  instantiate(init: PvmInit): PvmInstance | string {
    const { NativePvm } = loadNative();
    try {
      return instance(
        new NativePvm(
          init.program,
          init.pc,
          init.gas,
          [...init.registers],
          init.memory.pages.map((p) => ({ address: p.address, length: p.length, writable: p.access === 'write' })),
          init.memory.contents.map((c) => ({ address: c.address, data: c.data })),
          init.memory.heapStart,
          { exitPc: readings['pvm-exit-pc'], gas: readings['pvm-gas'], exceptionGas: readings['pvm-exception-gas'] },
          recompile,
        ),
        init.registers,
        init.gas,
      );
    } catch (e) {
      if (isBadBlob(e)) return e.message;
      throw e;
    }
  },
});

/** The Rust engine under Gray Paper 0.7.2's readings. */
export const nativeEngine: PvmEngine = nativePvm(paperReadings);
