/**
 * The codec vectors' work package (codec/tiny/work_package) through Xi (section 14) against the
 * genesis state of each trace: its authorizer's host, service 305419896, exists in none of them,
 * so Psi_I finds no code (B.1: BAD) and the package is rejected before any item is refined.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { decode } from '../spec/codec.js';
import { workPackage } from '../spec/codecs.js';
import { erasureEngines } from '../model/erasure/index.js';
import { refinePackage } from '../model/in-core/index.js';
import { deserializeState } from '../model/merklization/serialize.js';
import { nativeEngine } from '../model/pvm/native.js';
import { loadGenesis, traceGenesisFile, vectorsDir } from '../chain/index.js';

describe('codec/tiny/work_package through Xi', () => {
  const p = decode(workPackage, new Uint8Array(readFileSync(join(vectorsDir('codec', 'tiny'), 'work_package.bin'))));
  it.each(['storage', 'preimages', 'fallback', 'safrole'])('against the %s trace\'s genesis: authorizer_bad_code', (trace) => {
    if (E.isLeft(p)) throw new Error(p.left.toString());
    const genesis = loadGenesis(tiny, traceGenesisFile(vectorsDir('traces', trace))!);
    if (E.isLeft(genesis)) throw new Error(genesis.left);
    const state = deserializeState(tiny)(genesis.right.state.keyvals);
    if (E.isLeft(state)) throw new Error(String(state.left));
    expect(state.right.delta.has(p.right.authCodeHost)).toBe(false);
    const data = { segments: new Map(), packages: [], extrinsics: new Map() };
    expect(refinePackage(tiny, nativeEngine, erasureEngines.native)(state.right, data, p.right, 0)).toEqual(E.left('authorizer_bad_code'));
  });
});
