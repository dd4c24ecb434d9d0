/**
 * Crosscheck of two PVM engines, one instruction at a time, through the `PvmEngine` contract
 * alone: each `run()` gets a gas budget of 1, so it executes exactly one instruction and stops
 * out of gas at the next (or exits earlier). After every step the exit, pc, gas, registers and
 * the initially accessible memory of both machines are compared; the first difference is returned.
 */
import type { ExitReason, PvmEngine, PvmInit, PvmInstance } from '../model/pvm/index.js';
import { toHex } from '../spec/bytes.js';

const describeExit = (e: ExitReason): string =>
  e.kind === 'fault' ? `fault@0x${e.address.toString(16)}` : e.kind === 'host' ? `host(${e.id})` : e.kind;

const state = (m: PvmInstance, exit: ExitReason, init: PvmInit): Record<string, string> => {
  const fields: Record<string, string> = { exit: describeExit(exit), pc: String(m.pc), gas: String(m.gas) };
  for (let i = 0; i < 13; i++) fields[`regs[${i}]`] = String(m.getRegister(i));
  for (const page of init.memory.pages) {
    const bytes = m.readMemory(page.address, page.length);
    fields[`memory[0x${page.address.toString(16)}..+${page.length}]`] = bytes === undefined ? 'unreadable' : toHex(bytes);
  }
  return fields;
};

/** The first step where the engines differ, as a readable field-level diff; undefined if they agree. */
export const crosscheck = (a: PvmEngine, b: PvmEngine, init: PvmInit, maxSteps = 10_000): string | undefined => {
  const ma = a.instantiate(init);
  const mb = b.instantiate(init);
  try {
    if (typeof ma === 'string' || typeof mb === 'string')
      return typeof ma === typeof mb ? undefined : `instantiate: ${a.name} ${typeof ma === 'string' ? ma : 'ok'}, ${b.name} ${typeof mb === 'string' ? mb : 'ok'}`;
    for (let step = 0; step < maxSteps; step++) {
      const pc = ma.pc;
      ma.gas = 1n;
      mb.gas = 1n;
      const ea = ma.run();
      const eb = mb.run();
      const sa = state(ma, ea, init);
      const sb = state(mb, eb, init);
      const diffs = Object.keys(sa).filter((k) => sa[k] !== sb[k]);
      if (diffs.length > 0)
        return `step ${step} (from pc ${pc}):\n` + diffs.map((k) => `  ${k}: ${a.name} ${sa[k]}, ${b.name} ${sb[k]}`).join('\n');
      if (ea.kind === 'halt' || ea.kind === 'panic' || ea.kind === 'fault') return undefined;
    }
    return undefined;
  } finally {
    if (typeof ma !== 'string') ma.dispose();
    if (typeof mb !== 'string') mb.dispose();
  }
};
