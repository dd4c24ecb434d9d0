/**
 * Bandersnatch (Appendix G) operations per second through `model/crypto/bandersnatch.ts`:
 * IETF VRF verification (a block seal), ring VRF verification (a ticket) and the ring root, for
 * the tiny (6) and full (1023) rings, against `@typeberry/native` (its native binding when it
 * loads, else WASM) on the same inputs in the same run.
 *
 *   npm run build && node dist/bench/crypto/index.js
 */
import * as E from 'fp-ts/lib/Either.js';
import { bandersnatch as typeberry, init } from '@typeberry/native';
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
import { opsPerSecond } from '../timing.js';

const must = <A>(what: string, e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(`${what}: ${e.left}`);
  return e.right;
};

const seed = (i: number): Uint8Array => concatBytes(ascii('bench-seed-'), Uint8Array.of(i));

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

  const sig = must('sign', signBs(seed(0), context, message));
  const key = publicKeyFromSeed(seed(0));
  const peerSig = typeberry.verifySeal(key, sig, context, message);
  if (peerSig[0] !== 0 || !bytesEqual(peerSig.subarray(1), must('verify', verifyBsSignature(key, context, message, sig))))
    throw new Error('@typeberry/native does not agree on the IETF signature');
  rows.push({
    what: 'IETF VRF verify',
    ours: opsPerSecond(() => verifyBsSignature(key, context, message, sig), 1000),
    peer: opsPerSecond(() => typeberry.verifySeal(key, sig, context, message), 1000),
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
    rows.push({
      what: `ring root (ring ${size})`,
      ours: opsPerSecond(() => getRingRoot(srs)(keys), 2000),
      peer: opsPerSecond(() => typeberry.ringCommitment(flat), 2000),
    });
  }

  console.log(
    `bandersnatch, one run, ${new Date().toISOString()}; peer: @typeberry/native (${typeberry.isNativeBinding() ? 'native' : 'WASM'})`,
  );
  console.log('operation                       ours op/s   peer op/s   ours / peer');
  for (const r of rows)
    console.log(`${r.what.padEnd(30)} ${r.ours.toFixed(1).padStart(10)} ${r.peer.toFixed(1).padStart(11)}   ${(r.ours / r.peer).toFixed(2).padStart(8)}x`);
};

await main();
