/**
 * Class `pvm`: the 307 programs of `pvm/programs` (schema `pvm/schema.asn`): initial registers,
 * pc, page map, memory and gas -> expected status, registers, pc, memory and gas (and the fault
 * address). Every field is compared, field by field. The programs record polkavm's behaviour,
 * which the readings `pvm-exit-pc = exiting-instruction` and `pvm-gas = per-basic-block` give
 * (`pvmVectorReadings`). Under other readings (0.7.2's defaults), a case that differs is skipped
 * when the vectors' readings make it pass, naming the readings it needs; otherwise it fails.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ExitReason, PvmEngine, PvmInstance } from '../../model/pvm/engine.js';
import { isPvmEngineName, pvmEngineChoices, pvmEngineNamed, pvmEngineNames, type PvmEngineName, listFiles, vectorsDir } from '../../chain/index.js';
import { toHex } from '../../spec/bytes.js';
import { pvmVectorReadings, readingCatalogue, type PvmReadings } from '../../spec/readings.js';
import { type CaseResult, type VectorCase, type VectorClass, failed, passed, skipped } from '../report.js';


interface Chunk {
  readonly address: number;
  readonly contents: ReadonlyArray<number>;
}

interface PvmVector {
  readonly name: string;
  readonly 'initial-regs': ReadonlyArray<number | bigint>;
  readonly 'initial-pc': number;
  readonly 'initial-page-map': ReadonlyArray<{ address: number; length: number; 'is-writable': boolean }>;
  readonly 'initial-memory': ReadonlyArray<Chunk>;
  readonly 'initial-gas': number | bigint;
  readonly program: ReadonlyArray<number>;
  readonly 'expected-status': 'panic' | 'halt' | 'page-fault';
  readonly 'expected-regs': ReadonlyArray<number | bigint>;
  readonly 'expected-pc': number;
  readonly 'expected-memory': ReadonlyArray<Chunk>;
  readonly 'expected-gas': number | bigint;
  readonly 'expected-page-fault-address'?: number;
}

/** JSON.parse loses 64-bit integers; re-read numbers with more than 15 digits as bigint. */
const parseVector = (text: string): PvmVector =>
  JSON.parse(text.replace(/([:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"#big:$2"'), (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith('#big:') ? BigInt(v.slice(5)) : v,
  ) as PvmVector;

const statusOf = (exit: ExitReason): string => (exit.kind === 'fault' ? 'page-fault' : exit.kind);

interface Diff {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

/** The accessible memory of the initial page map, byte by byte, as expected and as found. */
const memoryDiffs = (v: PvmVector, instance: PvmInstance): Diff[] => {
  const diffs: Diff[] = [];
  const expected = new Map<number, number>();
  for (const chunk of v['expected-memory'])
    chunk.contents.forEach((byte, i) => expected.set(chunk.address + i, byte));
  for (const page of v['initial-page-map']) {
    const actual = instance.readMemory(page.address, page.length);
    if (actual === undefined) {
      diffs.push({ field: `memory[0x${page.address.toString(16)}..+${page.length}]`, expected: 'readable', actual: 'not readable' });
      continue;
    }
    actual.forEach((byte, i) => {
      const address = page.address + i;
      const want = expected.get(address) ?? 0;
      expected.delete(address);
      if (byte !== want)
        diffs.push({ field: `memory[0x${address.toString(16)}]`, expected: `0x${want.toString(16)}`, actual: `0x${byte.toString(16)}` });
    });
  }
  for (const [address, byte] of expected)
    diffs.push({ field: `memory[0x${address.toString(16)}]`, expected: `0x${byte.toString(16)}`, actual: 'outside the page map' });
  return diffs;
};

/** The fields that differ from the vector's expectations when it runs on `engine`. */
const diffsOf = (engine: PvmEngine, v: PvmVector): Diff[] | string => {
  const program = Uint8Array.from(v.program);
  const instance = engine.instantiate({
    program,
    pc: v['initial-pc'],
    gas: BigInt(v['initial-gas']),
    registers: v['initial-regs'].map((r) => BigInt(r)),
    memory: {
      pages: v['initial-page-map'].map((p) => ({
        address: p.address,
        length: p.length,
        access: p['is-writable'] ? ('write' as const) : ('read' as const),
      })),
      contents: v['initial-memory'].map((c) => ({ address: c.address, data: Uint8Array.from(c.contents) })),
    },
  });
  if (typeof instance === 'string') return `program ${toHex(program)} does not deblob (${instance}); expected status ${v['expected-status']}`;
  try {
    const exit = instance.run();
    const diffs: Diff[] = [];
    const check = (field: string, expected: unknown, actual: unknown): void => {
      if (String(expected) !== String(actual)) diffs.push({ field, expected: String(expected), actual: String(actual) });
    };
    check('status', v['expected-status'], statusOf(exit));
    if (v['expected-status'] === 'page-fault' || exit.kind === 'fault')
      check('page-fault-address', v['expected-page-fault-address'], exit.kind === 'fault' ? exit.address : undefined);
    for (let i = 0; i < 13; i++) check(`regs[${i}]`, BigInt(v['expected-regs'][i] ?? 0), instance.getRegister(i));
    check('pc', v['expected-pc'], instance.pc);
    check('gas', BigInt(v['expected-gas']), instance.gas);
    diffs.push(...memoryDiffs(v, instance));
    return diffs;
  } finally {
    instance.dispose();
  }
};

const MAX_DIFFS_SHOWN = 40;

const pvmReadingNames = Object.keys(pvmVectorReadings) as ReadonlyArray<keyof PvmReadings>;

/**
 * The case under `readings` on the engine named: passed when every field matches; else skipped
 * when the vectors' readings make it pass, naming each reading it needs (those that, set back,
 * make it differ again); else failed with the differing fields.
 */
const runVector = (engine: PvmEngineName, readings: PvmReadings, v: PvmVector): CaseResult => {
  const diffs = diffsOf(pvmEngineNamed(engine, readings), v);
  if (typeof diffs === 'string') return failed(diffs);
  if (diffs.length === 0) return passed;
  const differing = pvmReadingNames.filter((n) => readings[n] !== pvmVectorReadings[n]);
  const passesUnder = (r: PvmReadings): boolean => {
    const d = diffsOf(pvmEngineNamed(engine, r), v);
    return typeof d !== 'string' && d.length === 0;
  };
  if (differing.length > 0 && passesUnder({ ...readings, ...pvmVectorReadings })) {
    const needed = differing.filter((n) => !passesUnder({ ...readings, ...pvmVectorReadings, [n]: readings[n] }));
    const refs = (n: keyof PvmReadings): string => readingCatalogue[n].references.join(', ');
    return skipped(
      `${needed.map((n) => `reading ${n}: the vector's is ${pvmVectorReadings[n]}, this run's ${readings[n]} (${refs(n)})`).join('; ')}; every other field matches`,
    );
  }
  return failed(
    `${v.name}: ${diffs.length} field(s) differ\n` +
      diffs
        .slice(0, MAX_DIFFS_SHOWN)
        .map((d) => `  ${d.field}: expected ${d.expected}, got ${d.actual}`)
        .join('\n') +
      (diffs.length > MAX_DIFFS_SHOWN ? `\n  ... and ${diffs.length - MAX_DIFFS_SHOWN} more` : ''),
  );
};

export const pvm: VectorClass = {
  name: 'pvm',
  description: 'PVM programs: Psi (Appendix A) from initial registers, pc, memory and gas to the exit state',
  configs: ['none'],
  engines: pvmEngineNames,
  engineKind: 'pvm',
  cases: (_config, engine = 'ts', _engines, { readings }): ReadonlyArray<VectorCase> => {
    if (!isPvmEngineName(engine)) throw new Error(`pvm: unknown engine ${engine}; known: ${pvmEngineChoices.join(', ')}`);
    return pvmVectorFiles().map((file) => ({
      name: basename(file, '.json'),
      run: () => runVector(engine, readings, parseVector(readFileText(file))),
    }));
  },
};

const readFileText = (file: string): string => readFileSync(file, 'utf8');

/** The fields in which the vector in `file` and `engine`'s run of it differ (or why it did not run). */
export const vectorDiffs = (engine: PvmEngine, file: string): Diff[] | string => diffsOf(engine, parseVector(readFileText(file)));

/** The PVM vectors' files. */
export const pvmVectorFiles = (): ReadonlyArray<string> => listFiles(vectorsDir('pvm', 'programs'), '.json');
