/**
 * Class `fuzz-sessions` (tiny): the recorded fuzz-v1 sessions (`fuzz-proto/examples/0.7.2/<name>/`)
 * replayed (`fuzz/replay.ts`) against the model's target, started in-process on a real Unix socket.
 */
import type { Readings } from '../../spec/readings.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Engines } from '../../chain/index.js';
import { replaySessionAt, sessionFolders, type ReplayResult } from '../../fuzz/replay.js';
import { startTarget } from '../../fuzz/server.js';
import { failed, passed, type CaseResult, type Config, type VectorClass } from '../report.js';

/** Replays one recorded session against the model's target, started in-process on a temporary socket. */
const replaySession = async (spec: ChainSpec, engines: Engines, readings: Readings, folder: string): Promise<ReplayResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'jam-fuzz-'));
  const path = join(dir, 'target.sock');
  const server = await startTarget(path, { spec, engines, readings, appVersion: { major: 0, minor: 1, patch: 0 } });
  try {
    return await replaySessionAt(spec, folder, path);
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  }
};

const runSession = async (spec: ChainSpec, engines: Engines, readings: Readings, folder: string): Promise<CaseResult> => {
  const { mismatches } = await replaySession(spec, engines, readings, folder);
  return mismatches.length === 0
    ? passed
    : failed(`${mismatches.length} mismatch(es):\n${mismatches.slice(0, 40).map((l) => `  ${l}`).join('\n')}`);
};

export const fuzzSessionsClass: VectorClass = {
  name: 'fuzz-sessions',
  description: 'fuzz-v1 target: the recorded sessions replayed over a Unix socket, roots byte-identical, errors where recorded',
  configs: ['tiny'],
  cases: (config: Config, _engine, engines, { spec, readings }) =>
    config !== 'tiny'
      ? []
      : sessionFolders().map((folder) => ({ name: folder.split('/').pop() ?? folder, run: () => runSession(spec, engines, readings, folder) })),
};
