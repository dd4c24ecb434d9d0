/**
 * The PVM vectors under the readings they encode (polkavm's: `pvm-exit-pc = exiting-instruction`,
 * `pvm-gas = per-basic-block`) pass all 307 on both engines; under 0.7.2's readings every case
 * that does not pass is a skip naming the reading it needs.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { nativeEngines, useEngines } from '../chain/index.js';
import { paperReadings, pvmVectorReadings } from '../spec/readings.js';
import { nativePvm } from '../model/pvm/native.js';
import { pvm, pvmVectorFiles, vectorDiffs } from './classes/pvm.js';
import { configParams, runClass } from './report.js';

const engines = useEngines(nativeEngines);
if (E.isLeft(engines)) throw new Error(engines.left);

describe.each(['ts', 'native'])('pvm vectors on the %s engine', (engine) => {
  it('pass 307/307 under the vectors\' readings', async () => {
    const report = await runClass(pvm, 'none', engine, engines.right, configParams('none', { ...paperReadings, ...pvmVectorReadings }));
    const notPassed = report.outcomes.filter((o) => o.result.status !== 'passed');
    expect(notPassed).toEqual([]);
    expect(report.passed).toBe(307);
  });

  it('under 0.7.2\'s readings: 6 pass, 292 need pvm-exit-pc, 9 need pvm-gas, none fails', async () => {
    const report = await runClass(pvm, 'none', engine, engines.right, configParams('none', paperReadings));
    const reasons = report.outcomes.flatMap((o) => (o.result.status === 'skipped' ? [o.result.reason] : []));
    expect([report.passed, report.failed, report.skipped]).toEqual([6, 0, 301]);
    expect(reasons.filter((r) => r.startsWith('reading pvm-exit-pc: the vector\'s is exiting-instruction, this run\'s zero'))).toHaveLength(292);
    expect(reasons.filter((r) => r.startsWith('reading pvm-gas: the vector\'s is per-basic-block, this run\'s per-instruction'))).toHaveLength(9);
  });
});

describe('pvm vectors on the native engine\'s recompiled code (every program recompiled before its first instruction)', () => {
  const files = pvmVectorFiles();

  it('pass 307/307 under the vectors\' readings', () => {
    const recompiled = nativePvm({ ...paperReadings, ...pvmVectorReadings }, 'always');
    const notPassed = files.filter((file) => {
      const d = vectorDiffs(recompiled, file);
      return typeof d === 'string' || d.length > 0;
    });
    expect([files.length, notPassed]).toEqual([307, []]);
  });

  it('differ from the interpreter\'s runs in no field under 0.7.2\'s readings', () => {
    const [recompiled, interpreted] = [nativePvm(paperReadings, 'always'), nativePvm(paperReadings, 'never')];
    const apart = files.filter((file) => JSON.stringify(vectorDiffs(recompiled, file)) !== JSON.stringify(vectorDiffs(interpreted, file)));
    expect(apart).toEqual([]);
  });
});
