/**
 * Class `ed25519`: `crypto/ed25519/vectors.json`, 196 signatures (R, s) over the message "dummy"
 * by keys A, where A and R run over 14 encodings of the eight small-order (torsion) points,
 * canonical and not, and s = 0.
 *
 * The file gives no verdict; its README says which rules decide: ZIP-215 (s < q, A and R any
 * encoding of a curve point, cofactored equation [8][s]B = [8]R + [8][k]A). With s = 0 and A, R of
 * order dividing 8 both sides are the identity, so every case is valid under ZIP-215: the expected
 * verdict of each case is derived from these facts, which the runner checks (s = 0, A and R
 * decode to points of small order) before comparing verdicts. Both engines run every case: `ts`
 * (the noble reference) and `native` (the engine the model calls).
 */
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex } from '../../spec/bytes.js';
import { ed25519Verifiers, type Ed25519Verifier } from '../../model/crypto/ed25519.js';
import { readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, type VectorCase, type VectorClass } from '../report.js';

interface Ed25519Case {
  readonly number: number;
  readonly desc: string;
  readonly pk: string;
  readonly r: string;
  readonly s: string;
  readonly msg: string;
}

const isCase = (x: unknown): x is Ed25519Case => {
  const c = x as Partial<Ed25519Case> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.number === 'number' && typeof c.desc === 'string' &&
    typeof c.pk === 'string' && typeof c.r === 'string' && typeof c.s === 'string' && typeof c.msg === 'string'
  );
};

const runCase = (verify: Ed25519Verifier, c: Ed25519Case) => () => {
  const pk = fromHex(c.pk);
  const r = fromHex(c.r);
  const s = fromHex(c.s);
  const msg = fromHex(c.msg);
  if (pk?.length !== 32 || r?.length !== 32 || s?.length !== 32 || msg === undefined)
    return failed(`case ${c.number}: pk, r, s must be 32 octets of hex and msg hex`);
  if (s.some((x) => x !== 0))
    return failed(`case ${c.number}: s is not 0, so the expected ZIP-215 verdict is not derived by this runner`);
  const smallOrder = (p: Uint8Array): boolean => {
    try {
      return ed25519.Point.fromBytes(p, true).isSmallOrder();
    } catch {
      return false;
    }
  };
  if (!smallOrder(pk) || !smallOrder(r))
    return failed(`case ${c.number}: A or R is not a small-order point, so the expected verdict is not derived by this runner`);
  const signature = new Uint8Array(64);
  signature.set(r, 0);
  signature.set(s, 32);
  const verdict = verify(pk, msg, signature);
  return verdict ? passed : failed(`case ${c.number} (${c.desc}): expected valid (ZIP-215, small-order A and R, s = 0), got invalid`);
};

export const ed25519Class: VectorClass = {
  name: 'ed25519',
  description: 'Ed25519 verification verdicts on torsion and non-canonical encodings (ZIP-215)',
  configs: ['none'],
  engines: ['ts', 'native'],
  engineKind: 'ed25519',
  cases: (_config, engine): ReadonlyArray<VectorCase> => {
    const verify = ed25519Verifiers[(engine ?? 'ts') as keyof typeof ed25519Verifiers];
    const all = readJson(join(vectorsDir('crypto', 'ed25519'), 'vectors.json'));
    if (!Array.isArray(all)) throw new Error('vectors.json: not an array');
    return all.map((c: unknown, i) => ({
      name: isCase(c) ? `${c.number}: ${c.desc}` : `${i}`,
      run: isCase(c) ? runCase(verify, c) : () => failed(`entry ${i} lacks number, desc, pk, r, s or msg`),
    }));
  },
};
