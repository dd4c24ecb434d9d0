/**
 * Bandersnatch (Appendix G) operations per second through `model/crypto/bandersnatch.ts`:
 * IETF VRF verification (a block seal; 64 distinct signatures in turn), ring VRF verification (a
 * ticket) and the ring root (two rings in turn), for
 * the tiny (6) and full (1023) rings, against `@typeberry/native` (its native binding when it
 * loads, else WASM) on the same inputs in the same run.
 *
 * Then Ed25519 verification (ZIP-215, `model/crypto/ed25519.ts`): the native engine the model
 * calls, its TypeScript reference (noble) and `@typeberry/native`'s ed25519 (WASM,
 * ed25519-consensus), on one signature and on six (a tiny block's assurances: six calls, or
 * typeberry's one call of six), after checking all three agree. (A one-call batch of six was
 * measured no faster than six calls, 3,801 vs 3,910 op/s, so the model has none.)
 *
 *   npm run build && node dist/bench/crypto/index.js [--engine E]
 *
 * --engine ed25519=ts (or ts) measures only noble of our Ed25519 engines, ed25519=native only the
 * native one (a column not measured prints NaN); Bandersnatch has the native engine only.
 */
import * as E from 'fp-ts/lib/Either.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bandersnatch as typeberry, ed25519 as typeberryEd25519, init } from '@typeberry/native';
import { ascii, bytesEqual, concatBytes, type RingRoot } from '../../spec/bytes.js';
import {
  getRingRoot,
  proveBsRing,
  publicKeyFromSeed,
  signBs,
  verifyBsRingProof,
  verifyBsSignature,
  embeddedRingSrs,
} from '../../model/crypto/bandersnatch.js';
import { ed25519VerifyNative, ed25519VerifyTs } from '../../model/crypto/ed25519.js';
import { opsPerSecond } from '../timing.js';
import { benchEngineHelp, benchEngines, helped, orExit } from '../engines.js';

const must = <A>(what: string, e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(`${what}: ${e.left}`);
  return e.right;
};

const seed = (i: number): Uint8Array => concatBytes(ascii('bench-seed-'), Uint8Array.of(i));

/** A call of `f` on the next of `xs` each time, round and round. */
const inTurn = <T>(xs: ReadonlyArray<T>, f: (x: T) => unknown): (() => unknown) => {
  let i = 0;
  return () => f(xs[i++ % xs.length]!);
};

interface Row {
  readonly what: string;
  readonly ours: number;
  readonly peer: number;
}

const main = async () => {
  await init.bandersnatch();
  const srs = embeddedRingSrs();
  const context = ascii('jam_ticket_seal-bench');
  const message = ascii('header');
  const rows: Row[] = [];

  // 64 signatures by 64 keys on 64 contexts, taken in turn: more than the verifier remembers
  // (its last 16 decodes, key tables and inputs), so every call pays in full, as a new block's seal does.
  const signed = Array.from({ length: 64 }, (_, i) => {
    const c = concatBytes(context, Uint8Array.of(i));
    const key = publicKeyFromSeed(seed(i));
    const sig = must('sign', signBs(seed(i), c, message));
    const peerSig = typeberry.verifySeal(key, sig, c, message);
    if (peerSig[0] !== 0 || !bytesEqual(peerSig.subarray(1), must('verify', verifyBsSignature(key, c, message, sig))))
      throw new Error('@typeberry/native does not agree on the IETF signature');
    return { key, c, sig };
  });
  rows.push({
    what: 'IETF VRF verify',
    ours: opsPerSecond(inTurn(signed, ({ key, c, sig }) => verifyBsSignature(key, c, message, sig)), 1000),
    peer: opsPerSecond(inTurn(signed, ({ key, c, sig }) => typeberry.verifySeal(key, sig, c, message)), 1000),
  });

  for (const size of [6, 1023]) {
    const keys = Array.from({ length: size }, (_, i) => publicKeyFromSeed(seed(i % 256)));
    const flat = concatBytes(...keys);
    const root = getRingRoot(srs)(keys);
    if (!bytesEqual(typeberry.ringCommitment(flat).subarray(1), root))
      throw new Error('@typeberry/native does not agree on the ring root');
    const proof = must('prove', proveBsRing(srs)(seed(1), keys, context, new Uint8Array(0)));
    const verify = verifyBsRingProof(srs);
    must('ring verify', verify(size, root as RingRoot, context, new Uint8Array(0), proof));
    const ticket = concatBytes(proof, context);
    const peerOk = typeberry.batchVerifyTickets(size, root, ticket, context.length);
    if (peerOk[0] !== 0) throw new Error('@typeberry/native rejects our ring proof');
    rows.push({
      what: `ring VRF verify (ring ${size})`,
      ours: opsPerSecond(() => verify(size, root as RingRoot, context, new Uint8Array(0), proof), 2000),
      peer: opsPerSecond(() => typeberry.batchVerifyTickets(size, root, ticket, context.length), 2000),
    });
    // Two rings in turn (the second one key along), as the model remembers the last root only.
    const rings = [keys, [...keys.slice(1), keys[0]!]];
    rows.push({
      what: `ring root (ring ${size})`,
      ours: opsPerSecond(inTurn(rings, (r) => getRingRoot(srs)(r)), 2000),
      peer: opsPerSecond(inTurn(rings.map((r) => concatBytes(...r)), (flat) => typeberry.ringCommitment(flat)), 2000),
    });
  }

  console.log(
    `bandersnatch, one run, ${new Date().toISOString()}; peer: @typeberry/native (${typeberry.isNativeBinding() ? 'native' : 'WASM'})`,
  );
  console.log('operation                       ours op/s   peer op/s   ours / peer');
  for (const r of rows)
    console.log(`${r.what.padEnd(30)} ${r.ours.toFixed(1).padStart(10)} ${r.peer.toFixed(1).padStart(11)}   ${(r.ours / r.peer).toFixed(2).padStart(8)}x`);
};

type Ed25519Triple = readonly [key: Uint8Array, message: Uint8Array, signature: Uint8Array];

/** typeberry's input: per triple the key, the signature, the message length (one octet) and the message. */
const typeberryInput = (triples: ReadonlyArray<Ed25519Triple>): Uint8Array =>
  concatBytes(...triples.flatMap(([k, m, s]) => [k, s, Uint8Array.of(m.length), m]));

interface Ed25519Row {
  readonly what: string;
  readonly native: number;
  readonly noble: number;
  readonly typeberry: number;
}

const ed25519Bench = async (engines: ReadonlyArray<'ts' | 'native'>) => {
  /** op/s of one of our engines, NaN when --engine left it out. */
  const ours = (engine: 'ts' | 'native', f: () => unknown, budgetMs: number): number => (engines.includes(engine) ? opsPerSecond(f, budgetMs) : NaN);
  await init.ed25519();
  const triples: ReadonlyArray<Ed25519Triple> = Array.from({ length: 6 }, (_, i) => {
    const sk = new Uint8Array(32).fill(i + 1);
    const message = concatBytes(ascii('jam_available'), new Uint8Array(32).fill(i));
    return [ed25519.getPublicKey(sk), message, ed25519.sign(message, sk)] as const;
  });
  const forged = triples.map(([k, m, s], i): Ed25519Triple => (i % 2 === 0 ? [k, m, s] : [k, m, concatBytes(s.subarray(0, 63), Uint8Array.of(s[63]! ^ 1))]));
  const expected = forged.map((_, i) => i % 2 === 0);
  const agree = [
    forged.map(([k, m, s]) => ed25519VerifyNative(k, m, s)),
    forged.map(([k, m, s]) => ed25519VerifyTs(k, m, s)),
    Array.from(typeberryEd25519.verify_ed25519(typeberryInput(forged)), (x) => x === 1),
  ].every((verdicts) => verdicts.length === expected.length && verdicts.every((v, i) => v === expected[i]));
  if (!agree) throw new Error('the Ed25519 verifiers do not agree on valid and forged signatures');

  const [key, message, signature] = triples[0]!;
  const one = typeberryInput([triples[0]!]);
  const six = typeberryInput(triples);
  const rows: ReadonlyArray<Ed25519Row> = [
    {
      what: 'verify 1',
      native: ours('native', () => ed25519VerifyNative(key, message, signature), 500),
      noble: ours('ts', () => ed25519VerifyTs(key, message, signature), 1000),
      typeberry: opsPerSecond(() => typeberryEd25519.verify_ed25519(one), 1000),
    },
    {
      what: 'verify 6, one call each',
      native: ours('native', () => triples.map(([k, m, s]) => ed25519VerifyNative(k, m, s)), 500),
      noble: ours('ts', () => triples.map(([k, m, s]) => ed25519VerifyTs(k, m, s)), 1000),
      typeberry: opsPerSecond(() => typeberryEd25519.verify_ed25519(six), 1000),
    },
  ];
  console.log(`\ned25519 verify (ZIP-215), one run; peer: @typeberry/native (WASM, ed25519-consensus); op/s`);
  console.log('operation                       native       noble   typeberry   native/noble   native/typeberry');
  for (const r of rows)
    console.log(
      `${r.what.padEnd(28)} ${r.native.toFixed(1).padStart(9)} ${r.noble.toFixed(1).padStart(11)} ${r.typeberry.toFixed(1).padStart(11)}` +
        `   ${(r.native / r.noble).toFixed(2).padStart(11)}x   ${(r.native / r.typeberry).toFixed(2).padStart(15)}x`,
    );
};

const usage = `usage: node dist/bench/crypto/index.js [--engine E]

Bandersnatch and Ed25519 verifications per second against @typeberry/native.
  ${benchEngineHelp} (Ed25519; Bandersnatch is native only)`;

const engines = helped(process.argv, usage) ? undefined : orExit('bench:crypto', benchEngines(process.argv, 'ed25519'));
if (engines !== undefined) {
  await main();
  await ed25519Bench(engines);
}
