/**
 * The `native` PVM engine: the Rust machine of `native/pvm` behind the `PvmEngine` contract,
 * through the `NativePvm` class of the napi binding. The binding checks every argument (bigint
 * ranges, page alignment and overlap) and throws an Error with a stable `code`; the only error
 * this engine turns into a value is `PVM_BAD_BLOB`, the paper's panic on a blob that does not
 * deblob (A.1).
 */
import { paperReadings, type PvmReadings } from '../../spec/readings.js';
import { loadNative } from '../native.js';
import type { ExitReason, PvmEngine, PvmInit, PvmInstance } from './engine.js';

/** The kinds `NativePvm.run()` reports, in the binding's numbering. */
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

const instance = (m: NativePvm): PvmInstance => ({
  run(): ExitReason {
    const exit = m.run();
    switch (exit.kind as Kind) {
      case Kind.Halt:
        return HALT;
      case Kind.Panic:
        return PANIC;
      case Kind.OutOfGas:
        return OUT_OF_GAS;
      case Kind.Fault:
        return { kind: 'fault', address: Number(exit.value) };
      case Kind.Host:
        return { kind: 'host', id: Number(BigInt.asUintN(32, exit.value)) };
    }
  },
  get pc(): number {
    return m.pc;
  },
  get gas(): bigint {
    return m.gas;
  },
  set gas(value: bigint) {
    m.gas = value;
  },
  getRegister: (index) => m.getRegister(index),
  setRegister: (index, value) => m.setRegister(index, value),
  readMemory: (address, length) => m.readMemory(address, length) ?? undefined,
  writeMemory: (address, data) => m.writeMemory(address, data),
  dispose: () => m.dispose(),
});

const isBadBlob = (e: unknown): e is Error => e instanceof Error && (e as { code?: unknown }).code === 'PVM_BAD_BLOB';

/** The Rust engine under the PVM's readings, which the binding hands to the machine by name. */
export const nativePvm = (readings: PvmReadings): PvmEngine => ({
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
        ),
      );
    } catch (e) {
      if (isBadBlob(e)) return e.message;
      throw e;
    }
  },
});

/** The Rust engine under Gray Paper 0.7.2's readings. */
export const nativeEngine: PvmEngine = nativePvm(paperReadings);
