/**
 * Signature checks deferred to the native engine's other threads, for the chain layer's
 * optimistic import (`optimistic` in `chain/chain.ts`).
 *
 * Inside `deferSignatures(run)`, the Ed25519 verifiers, the IETF VRF verifier and the ring VRF
 * verifier of a tickets extrinsic answer as if each signature or proof they are asked about were
 * valid, and `banderout` as if each output point decoded (Y, G.2 and G.5, then read from the
 * point's octets, which needs neither a verification nor a decoding), and hand the real question
 * to the native engine, which decides it on other threads while `run` goes on. `held` then says
 * whether every deferred signature was valid. When it was, every verifier answered `run` exactly what it answers when
 * asked in turn, so `run`'s result is the sequential one; when one was not, the caller must run
 * again without deferring to learn the exact answer (which check fails first).
 *
 * Only the native engines defer: the chain layer defers only on them.
 */

/** Verdicts being decided on the native engine's other threads. */
export interface Pending {
  join(): ReadonlyArray<boolean>;
}

/** The verdicts deferred by the `deferSignatures` running now, if one is. */
let deferred: Pending[] | undefined;

/** Whether the verifiers defer now (inside `deferSignatures`). */
export const deferring = (): boolean => deferred !== undefined;

/** Records verdicts a verifier deferred; only called while `deferring()`. */
export const defer = (verdicts: Pending): void => {
  deferred?.push(verdicts);
};

/**
 * Runs `run` with the signature checks deferred, then waits for their verdicts: `held` is
 * whether every one was valid, and then `result` is what `run` gives with no deferring.
 */
export const deferSignatures = <A>(run: () => A): { readonly result: A; readonly held: boolean } => {
  const mine: Pending[] = [];
  deferred = mine;
  let result: A;
  try {
    result = run();
  } finally {
    deferred = undefined;
  }
  return { result, held: mine.every(allHeld) };
};

/** Waits for a check's verdicts: whether every one held. */
const allHeld = (p: Pending): boolean => p.join().every((v) => v);
