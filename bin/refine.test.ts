/**
 * `jam-model refine` as a user runs it: the built CLI (`npm run build` first; `npm test` does)
 * spawned on a trace folder whose genesis holds the refine service of fuzz/author/packages.ts:
 * a generated package's report (text, --json, --verbose) is the chain layer's refiner's; an item's
 * extrinsic is found only through --data; the codec vectors' work package is rejected by name
 * (its authorizer's code is in no service); bad input is one line saying what and where, exit 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, type Hash } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { encode } from '../spec/codec.js';
import { workPackage, workReport } from '../spec/codecs.js';
import { genesis } from '../spec/trace.js';
import type { WorkPackage } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import { anchorContext } from '../fuzz/author/block.js';
import { packageChoices, packageOf, withRefineService } from '../fuzz/author/packages.js';
import {
  keyvalsOf,
  loadGenesis,
  nativeEngines,
  refinerOf,
  stateFromKeyvals,
  stateRoot,
  traceGenesisFile,
  traceSteps,
  useEngines,
  vectorsDir,
  type ComputedReport,
  type ImportState,
} from '../chain/index.js';

const cli = fileURLToPath(new URL('../dist/bin/jam-model.js', import.meta.url));

const run = (...args: ReadonlyArray<string>): { readonly status: number | null; readonly stdout: string; readonly stderr: string } => {
  const r = spawnSync(process.execPath, [cli, 'refine', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const authConfig = Uint8Array.of(0xac);
const extrinsic = Uint8Array.of(1, 2, 3, 4, 5);
let dir: string;
let folder: string;
let state: ImportState;
let p: WorkPackage;
let withExtrinsic: WorkPackage;
const file = (name: string, bytes: Uint8Array | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const refined = (q: WorkPackage, core: number, extrinsics = new Map<string, Uint8Array>()): ComputedReport => {
  const out = refinerOf(tiny, nativeEngines)(state.state, { segments: new Map(), packages: [], extrinsics }, q, core);
  if (E.isLeft(out)) throw new Error(`refine: ${out.left}`);
  return out.right;
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  if (E.isLeft(useEngines(nativeEngines))) throw new Error('no native build');
  dir = mkdtempSync(join(tmpdir(), 'jam-refine-test-'));
  const g = loadGenesis(tiny, traceGenesisFile(vectorsDir('traces', 'fallback'))!);
  if (E.isLeft(g)) throw new Error(g.left);
  const s = stateFromKeyvals(tiny, g.right.state.keyvals);
  if (E.isLeft(s)) throw new Error(s.left);
  state = withRefineService(tiny, s.right, authConfig);
  folder = join(dir, 'trace');
  mkdirSync(folder);
  writeFileSync(join(folder, 'genesis.bin'), encode(genesis(tiny), { header: g.right.header, state: { root: stateRoot(state), keyvals: keyvalsOf(state) } }));
  p = packageOf(fc.sample(packageChoices(authConfig), { seed: 18, numRuns: 1 })[0]!, anchorContext(state.state, stateRoot(state)));
  const [first, ...rest] = p.workItems;
  withExtrinsic = { ...p, workItems: [{ ...first!, extrinsics: [{ hash: blake2b256(extrinsic), len: extrinsic.length }] }, ...rest] };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jam-model refine: a report', () => {
  it('prints the readable report of a generated package, the refiner\'s', () => {
    const out = refined(p, 1);
    const r = run(file('p.bin', encode(workPackage, p)), '--state', folder, '--core', '1');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`work report ${toHex(blake2b256(encode(workReport, out.report)))}`);
    expect(r.stdout).toContain(`package ${toHex(out.report.avspec.packageHash)} on core 1`);
    expect(r.stdout.match(/^ {2}item \d+: service/gm)).toHaveLength(p.workItems.length);
    expect(r.stdout).not.toContain('refine trace');
  });

  it('--json is the vectors\' JSON form of the report; --verbose adds each item\'s Psi_R outcome', () => {
    const out = refined(p, 0);
    const r = run(file('p.json', JSON.stringify(workPackage.toJson(p))), '--state', folder, '--json', '--verbose');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { hash: string; report: unknown; refined: ReadonlyArray<{ exported: number }> };
    expect(json.report).toEqual(JSON.parse(JSON.stringify(workReport.toJson(out.report))));
    expect(json.hash).toBe(toHex(blake2b256(encode(workReport, out.report))));
    expect(json.refined).toHaveLength(p.workItems.length);
    const text = run(file('p.bin', encode(workPackage, p)), '--state', folder, '--verbose');
    expect(text.stdout).toMatch(/^refine trace \(Psi_R per item, before 14\.12\):\n {2}item 0: ok 0x[0-9a-f]+(\.\.\.)? \(\d+ octets\), gas used \d+ of \d+, exported 0 of 0 segments$/m);
  });

  it('an item\'s extrinsic is known only through --data', () => {
    const q = file('x.bin', encode(workPackage, withExtrinsic));
    const without = run(q, '--state', folder);
    expect([without.status, without.stdout.trim()]).toEqual([1, 'rejected: missing_extrinsic']);
    const data = file('data.json', JSON.stringify({ extrinsics: { [toHex(blake2b256(extrinsic))]: toHex(extrinsic) } }));
    const withData = run(q, '--state', folder, '--data', data, '--json');
    expect(withData.status).toBe(0);
    const out = refined(withExtrinsic, 0, new Map([[toHex(blake2b256(extrinsic)), extrinsic]]));
    expect((JSON.parse(withData.stdout) as { hash: string }).hash).toBe(toHex(blake2b256(encode(workReport, out.report))));
    expect(out.report.digests[0]!.xtCount).toBe(1);
  });

  it('the codec vectors\' work package against the fallback genesis: its authorizer code is in no service', () => {
    const wp = join(vectorsDir('codec', 'tiny'), 'work_package.bin');
    const r = run(wp, '--state', vectorsDir('traces', 'fallback'));
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([1, 'rejected: authorizer_bad_code', '']);
    const step = traceSteps(vectorsDir('traces', 'storage'))[0]!;
    expect(JSON.parse(run(wp, '--trace', step, '--json').stdout)).toEqual({ rejected: 'authorizer_bad_code' });
  });
});

describe('jam-model refine: bad input is one line saying what and where, exit 2', () => {
  const cases: ReadonlyArray<readonly [string, () => ReadonlyArray<string>, RegExp]> = [
    ['no package', () => ['--state', folder], /^jam-model refine: no work package given/],
    ['no state', () => [file('p.bin', encode(workPackage, p))], /^jam-model refine: no state given: .*--state DIR .*--trace STEP$/],
    ['both states', () => [file('p.bin', encode(workPackage, p)), '--state', folder, '--trace', folder], /give --state or --trace, not both$/],
    ['a missing package', () => [join(dir, 'nope.bin'), '--state', folder], /nope\.bin: no such file or folder$/],
    [
      'a truncated package',
      () => [file('cut.bin', encode(workPackage, p).subarray(0, 70)), '--state', folder],
      /cut\.bin: WorkPackage\.context\.\w+: need 32 octets at offset \d+, \d+ remain$/,
    ],
    ['an unknown core', () => [file('p.bin', encode(workPackage, p)), '--state', folder, '--core', '2'], /unknown core '2': the tiny chain has cores 0 to 1$/],
    ['a folder with no genesis', () => [file('p.bin', encode(workPackage, p)), '--state', dir], /no genesis\.bin or genesis\.json/],
    ['malformed --data', () => [file('p.bin', encode(workPackage, p)), '--state', folder, '--data', file('d1.json', '{')], /d1\.json: malformed JSON: /],
    ['an unknown --data key', () => [file('p.bin', encode(workPackage, p)), '--state', folder, '--data', file('d2.json', '{"segs": {}}')], /d2\.json: unknown key 'segs'/],
    [
      'a short segment',
      () => [file('p.bin', encode(workPackage, p)), '--state', folder, '--data', file('d3.json', JSON.stringify({ segments: { [toHex(new Uint8Array(32) as Hash)]: ['0x00'] } }))],
      /d3\.json: segments\[0x0{64}\]\[0\]: 1 octets, a segment has W_G = 4104$/,
    ],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const r = run(...args());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
