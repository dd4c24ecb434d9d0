/**
 * The historical lookup Lambda (section 9, eq. 9.7) and the code preimages it yields to the
 * in-core invocations: a preimage is E(var(z), c), metadata z then code c (9.4, 14.10, B.5).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Hash } from '../../spec/bytes.js';
import { decodePrefix, natural } from '../../spec/codec.js';
import type { ServiceAccount, TimeSlot } from '../../spec/types.js';
import { preimageOf, requestOf } from '../merklization/serialize.js';

/**
 * @gp 9.7 eq:historicallookup -- Lambda(a, t, h): a_p[h] when h is in a_p and the request
 * (h, |a_p[h]|) says the preimage was available at t; none otherwise.
 */
export const historicalLookup = (a: ServiceAccount, t: TimeSlot, h: Hash): Uint8Array | undefined => {
  const p = preimageOf(a, h);
  if (p === undefined) return undefined;
  const l = requestOf(a, h, p.length);
  return l !== undefined && availableAt(l, t) ? p : undefined;
};

/** I(l, t): available at t per the up to three slots of the request's history. */
const availableAt = (l: ReadonlyArray<TimeSlot>, t: TimeSlot): boolean => {
  const [x, y, z] = l;
  switch (l.length) {
    case 1:
      return x! <= t;
    case 2:
      return x! <= t && t < y!;
    case 3:
      return (x! <= t && t < y!) || z! <= t;
    default:
      return false;
  }
};

/**
 * E(var(z), c) = the preimage: (z, c), or undefined when the blob does not split so. The paper
 * states the split as an equation and says nothing of a preimage that does not satisfy it; the
 * in-core invocations read it as no code (BAD), as Psi_A reads a_c (9.4) as none.
 */
export const splitMetadata = (p: Uint8Array): { readonly z: Uint8Array; readonly c: Uint8Array } | undefined => {
  const prefix = decodePrefix(natural, p);
  if (E.isLeft(prefix)) return undefined;
  const [length, at] = prefix.right;
  if (BigInt(at) + length > BigInt(p.length)) return undefined;
  const end = at + Number(length);
  return { z: p.subarray(at, end), c: p.subarray(end) };
};
