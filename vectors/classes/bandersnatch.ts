/**
 * Class `bandersnatch` (config `none`): Appendix G against
 * - `bandersnatch/*_ietf.json` (7): the signature `gamma || c || s` verifies under `pk` on context
 *   `alpha` and message `ad`, its output Y is `beta[0..32]`, and a changed message is rejected;
 * - `bandersnatch/*_ring.json` (7): O(ring_pks) is `ring_pks_com`; the proof `gamma || pedersen ||
 *   ring_proof` verifies against that root (ring of 8) with output `beta[0..32]`, and a changed
 *   message is rejected;
 * - `bandersnatch/*_pedersen.json` (7): the Pedersen VRF (output point and proof) verifies on
 *   `alpha` and `ad` with output `beta[0..32]`, and a changed message is rejected;
 * - `stf/safrole/{tiny,full}` (21 + 21): the ring root of gamma_k's Bandersnatch keys equals
 *   gamma_z, in the pre-state and in the post-state. Tiny is read from JSON; full (`.bin` only)
 *   by walking the binary test-case layout of `safrole.asn` up to the fields needed.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  bytesEqual,
  concatBytes,
  fromHex,
  toHex,
  type BandersnatchKey,
  type BandersnatchRingProof,
  type BandersnatchSignature,
  type RingRoot,
} from '../../spec/bytes.js';
import { full, tiny, type ChainSpec } from '../../spec/chain-spec.js';
import {
  banderout,
  embeddedRingSrs,
  embeddedRingSrsBytes,
  getRingRoot,
  verifyBsRingProof,
  verifyBsSignature,
  verifyBsSignatureReference,
  verifyPedersen,
} from '../../model/crypto/bandersnatch.js';
import { listFiles, readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, type CaseResult, type VectorCase, type VectorClass } from '../report.js';

const srsPath = (): string => join(vectorsDir('stf', 'safrole'), 'zcash-srs-2-11-uncompressed.bin');

/** The SRS built into the addon (ark-vrf's own) is the vectors' SRS, octet for octet. */
const embeddedSrsCase = (): CaseResult => {
  const file = new Uint8Array(readFileSync(srsPath()));
  const built = embeddedRingSrsBytes();
  return bytesEqual(file, built)
    ? passed
    : failed(`built-in SRS (${built.length} octets) != ${srsPath()} (${file.length} octets)`);
};

const hex = (field: string, v: unknown): Uint8Array => {
  const b = typeof v === 'string' ? fromHex(v) : undefined;
  if (b === undefined) throw new Error(`${field}: not hex: ${String(v)}`);
  return b;
};

const expectOutput = (what: string, got: E.Either<string, Uint8Array>, beta: Uint8Array): string[] => {
  if (E.isLeft(got)) return [`${what}: rejected (${got.left}), expected output ${toHex(beta.subarray(0, 32))}`];
  if (!bytesEqual(got.right, beta.subarray(0, 32)))
    return [`${what} output Y: expected ${toHex(beta.subarray(0, 32))}, got ${toHex(got.right)}`];
  return [];
};

const expectRejected = (what: string, got: E.Either<string, Uint8Array>): string[] =>
  E.isRight(got) ? [`${what}: accepted, expected a rejection`] : [];

/** The message with its first octet changed, or one octet appended when it is empty. */
const otherMessage = (ad: Uint8Array): Uint8Array =>
  ad.length === 0 ? Uint8Array.of(1) : concatBytes(Uint8Array.of(ad[0]! ^ 1), ad.subarray(1));

const verdict = (diffs: ReadonlyArray<string>): CaseResult =>
  diffs.length === 0 ? passed : failed(diffs.join('\n'));

type Json = Record<string, unknown>;

const ietfCase = (v: Json) => (): CaseResult => {
  const pk = hex('pk', v['pk']) as BandersnatchKey;
  const alpha = hex('alpha', v['alpha']);
  const ad = hex('ad', v['ad']);
  const beta = hex('beta', v['beta']);
  const signature = concatBytes(hex('gamma', v['gamma']), hex('proof_c', v['proof_c']), hex('proof_s', v['proof_s'])) as BandersnatchSignature;
  return verdict([
    ...expectOutput('verify', verifyBsSignature(pk, alpha, ad, signature), beta),
    ...expectOutput('verify (ark-vrf reference)', verifyBsSignatureReference(pk, alpha, ad, signature), beta),
    ...expectOutput('banderout', banderout(signature), beta),
    ...expectRejected('verify with another message', verifyBsSignature(pk, alpha, otherMessage(ad), signature)),
  ]);
};

const pedersenFields = ['gamma', 'proof_pk_com', 'proof_r', 'proof_ok', 'proof_s', 'proof_sb'] as const;

const pedersenCase = (v: Json) => (): CaseResult => {
  const alpha = hex('alpha', v['alpha']);
  const ad = hex('ad', v['ad']);
  const beta = hex('beta', v['beta']);
  const signature = concatBytes(...pedersenFields.map((f) => hex(f, v[f])));
  return verdict([
    ...expectOutput('pedersen verify', verifyPedersen(alpha, ad, signature), beta),
    ...expectRejected('pedersen verify with another message', verifyPedersen(alpha, otherMessage(ad), signature)),
  ]);
};

const ringCase = (v: Json) => (): CaseResult => {
  const srs = embeddedRingSrs();
  const pks = hex('ring_pks', v['ring_pks']);
  const keys = Array.from({ length: pks.length / 32 }, (_, i) => pks.subarray(32 * i, 32 * i + 32) as BandersnatchKey);
  const expectedRoot = hex('ring_pks_com', v['ring_pks_com']);
  const alpha = hex('alpha', v['alpha']);
  const ad = hex('ad', v['ad']);
  const beta = hex('beta', v['beta']);
  const proof = concatBytes(
    ...[...pedersenFields, 'ring_proof'].map((f) => hex(f, v[f])),
  ) as BandersnatchRingProof;
  const root = getRingRoot(srs)(keys);
  const verify = verifyBsRingProof(srs);
  return verdict([
    ...(bytesEqual(root, expectedRoot) ? [] : [`ring root O(ring_pks): expected ${toHex(expectedRoot)}, got ${toHex(root)}`]),
    ...expectOutput('ring verify', verify(keys.length, expectedRoot as RingRoot, alpha, ad, proof), beta),
    ...expectOutput('banderout', banderout(proof), beta),
    ...expectRejected('ring verify with another message', verify(keys.length, expectedRoot as RingRoot, alpha, otherMessage(ad), proof)),
  ]);
};

/** The Bandersnatch keys and gamma_z of one safrole state. */
interface RingState {
  readonly keys: ReadonlyArray<BandersnatchKey>;
  readonly gammaZ: Uint8Array;
}

const ringStateFromJson = (state: Json): RingState => {
  const gammaK = state['gamma_k'];
  if (!Array.isArray(gammaK)) throw new Error('gamma_k: not a sequence');
  return {
    keys: gammaK.map((v: Json, i) => hex(`gamma_k[${i}].bandersnatch`, v['bandersnatch']) as BandersnatchKey),
    gammaZ: hex('gamma_z', state['gamma_z']),
  };
};

/**
 * The pre- and post-state ring fields of a binary safrole test case (`safrole.asn`, encoded by
 * Appendix C): only lengths are decoded, to skip what lies between.
 */
const ringStatesFromBin = (spec: ChainSpec, bin: Uint8Array): readonly [RingState, RingState] => {
  let at = 0;
  const need = (n: number) => {
    if (at + n > bin.length) throw new Error(`truncated at offset ${at}: ${n} more octets needed`);
  };
  const skip = (n: number) => {
    need(n);
    at += n;
  };
  const octet = () => {
    need(1);
    return bin[at++]!;
  };
  /** C.6: a natural number (sequence lengths). */
  const natural = (): number => {
    const first = octet();
    let l = 0;
    while (l < 8 && (first & (0x80 >> l)) !== 0) l++;
    let v = 0;
    for (let i = 0; i < l; i++) v += octet() * 2 ** (8 * i);
    return l === 8 ? v : v + (first & (0xff >> (l + 1))) * 2 ** (8 * l);
  };
  const V = spec.Cvalcount;
  const validatorSize = 336;
  const ticketBodySize = 33;
  const state = (): RingState => {
    skip(4 + 4 * 32 + 2 * V * validatorSize); // tau, eta, lambda, kappa
    const keys = Array.from({ length: V }, (_, i) => bin.slice(at + i * validatorSize, at + i * validatorSize + 32) as BandersnatchKey);
    skip(2 * V * validatorSize); // gamma_k, iota
    skip(natural() * ticketBodySize); // gamma_a
    const gammaS = octet(); // gamma_s: 0 tickets, 1 keys
    if (gammaS > 1) throw new Error(`gamma_s: bad choice ${gammaS} at offset ${at - 1}`);
    skip(spec.Cepochlen * (gammaS === 0 ? ticketBodySize : 32));
    need(144);
    const gammaZ = bin.slice(at, at + 144);
    skip(144);
    skip(natural() * 32); // post_offenders
    return { keys, gammaZ };
  };
  skip(4 + 32); // input: slot, entropy
  skip(natural() * (1 + 784)); // input: tickets extrinsic
  const pre = state();
  const output = octet();
  if (output === 0) {
    if (octet() === 1) skip(32 + 32 + V * 64); // epoch mark
    if (octet() === 1) skip(spec.Cepochlen * ticketBodySize); // tickets mark
  } else if (output === 1) skip(1);
  else throw new Error(`output: bad choice ${output} at offset ${at - 1}`);
  const post = state();
  if (at !== bin.length) throw new Error(`${bin.length - at} octets left after the post-state`);
  return [pre, post];
};

const sameRingState = (a: RingState, b: RingState): boolean =>
  bytesEqual(a.gammaZ, b.gammaZ) && a.keys.length === b.keys.length && a.keys.every((k, i) => bytesEqual(k, b.keys[i]!));

/** A tiny case from its JSON, cross-checked against the binary walk of its `.bin` twin. */
const tinyRingStates = (jsonPath: string): readonly [RingState, RingState] => {
  const c = readJson(jsonPath) as Json;
  const fromJson = [ringStateFromJson(c['pre_state'] as Json), ringStateFromJson(c['post_state'] as Json)] as const;
  const fromBin = ringStatesFromBin(tiny, readFileSync(jsonPath.replace(/\.json$/, '.bin')));
  if (!sameRingState(fromJson[0], fromBin[0]) || !sameRingState(fromJson[1], fromBin[1]))
    throw new Error(`${basename(jsonPath)}: the binary walk disagrees with the JSON on gamma_k or gamma_z`);
  return fromJson;
};

const safroleCase = (states: () => readonly [RingState, RingState]) => (): CaseResult => {
  const root = getRingRoot(embeddedRingSrs());
  const [pre, post] = states();
  const diffs = (
    [
      ['pre_state', pre],
      ['post_state', post],
    ] as const
  ).flatMap(([which, s]) => {
    const got = root(s.keys);
    return bytesEqual(got, s.gammaZ) ? [] : [`${which}: O(gamma_k) expected gamma_z ${toHex(s.gammaZ)}, got ${toHex(got)}`];
  });
  return verdict(diffs);
};

const specVectors = (suffix: string): ReadonlyArray<Json> => {
  const all = readJson(join(vectorsDir('bandersnatch'), `bandersnatch_sha-512_ell2_${suffix}.json`));
  if (!Array.isArray(all)) throw new Error(`bandersnatch ${suffix} vectors: not an array`);
  return all as ReadonlyArray<Json>;
};

export const bandersnatchClass: VectorClass = {
  name: 'bandersnatch',
  description: 'Bandersnatch IETF, Pedersen and ring VRFs and ring roots (Appendix G), ark-vrf 0.2.1',
  configs: ['none'],
  cases: (): ReadonlyArray<VectorCase> => [
    { name: 'srs/built-in-equals-vectors', run: embeddedSrsCase },
    ...specVectors('ietf').map((v, i) => ({ name: `ietf/vector-${i + 1}`, run: ietfCase(v) })),
    ...specVectors('pedersen').map((v, i) => ({ name: `pedersen/vector-${i + 1}`, run: pedersenCase(v) })),
    ...specVectors('ring').map((v, i) => ({ name: `ring/vector-${i + 1}`, run: ringCase(v) })),
    ...listFiles(vectorsDir('stf', 'safrole', 'tiny'), '.json').map((f) => ({
      name: `safrole-tiny/${basename(f, '.json')}`,
      run: safroleCase(() => tinyRingStates(f)),
    })),
    ...listFiles(vectorsDir('stf', 'safrole', 'full'), '.bin').map((f) => ({
      name: `safrole-full/${basename(f, '.bin')}`,
      run: safroleCase(() => ringStatesFromBin(full, readFileSync(f))),
    })),
  ],
};
