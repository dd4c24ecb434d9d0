/**
 * The persistent state of block import (Appendix D): `updateTrie` writes over the prior trie only
 * what differs by reference, as the transition leaves every unchanged component and account the
 * very same value. Property: for any posterior built that way from a recorded trace state (some
 * components swapped for those of another recorded state, accounts added, removed, their info
 * changed, their entries set and deleted), the updated trie's root is the root of T(sigma')
 * merklized afresh (eq. D.2, D.5), as is that of `importStateOf`, and the prior import state
 * still has its own root.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import type { AccountEntryKey, ServiceAccount, ServiceId, State } from '../spec/types.js';
import { importStateFromKeyvals, importStateOf, stateRoot, updateTrie, type ImportState } from '../model/block-import/index.js';
import { componentNames } from '../model/merklization/state-key.js';
import { serializeState } from '../model/merklization/serialize.js';
import { merklizeState } from '../model/merklization/trie.js';
import { loadTraceStep, traceSteps, vectorsDir } from '../chain/index.js';

const loadStates = (): ReadonlyArray<ImportState> =>
  ['storage', 'preimages'].flatMap((folder) =>
    traceSteps(vectorsDir('traces', folder))
      .filter((_, i) => i % 25 === 7)
      .map((file) => {
        const step = loadTraceStep(tiny, file);
        if (E.isLeft(step)) throw new Error(step.left);
        const s = importStateFromKeyvals(tiny, step.right.post.keyvals);
        if (E.isLeft(s)) throw new Error(s.left.reason);
        return s.right;
      }),
  );

type AccountEdit =
  | { readonly kind: 'set'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'balance'; readonly balance: bigint }
  | { readonly kind: 'remove' };

const accountEdit: fc.Arbitrary<AccountEdit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.uint8Array({ minLength: 27, maxLength: 27 }), value: fc.uint8Array({ maxLength: 70 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('balance' as const), balance: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }),
  fc.record({ kind: fc.constant('remove' as const) }),
);

const applyEdit = (delta: Map<ServiceId, ServiceAccount>, s: ServiceId, template: ServiceAccount, e: AccountEdit): void => {
  const a = delta.get(s) ?? { ...template, storage: new Map(), preimages: new Map(), requests: new Map(), opaque: new Map() };
  if (e.kind === 'remove') delta.delete(s);
  else if (e.kind === 'balance') delta.set(s, { ...a, balance: e.balance });
  else {
    const opaque = new Map(a.opaque);
    if (e.kind === 'set') opaque.set(toHex(e.key) as AccountEntryKey, e.value);
    else {
      const keys = [...opaque.keys()];
      if (keys.length > 0) opaque.delete(keys[e.pick % keys.length]!);
    }
    delta.set(s, { ...a, opaque });
  }
};

describe('block import: incremental trie update (tiny)', () => {
  let states: ReadonlyArray<ImportState>;
  beforeAll(() => {
    states = loadStates();
  });

  it('updateTrie gives the root of T(sigma\') built afresh, and leaves the prior trie as it was', () => {
    const names = componentNames.filter((n) => n !== 'delta') as ReadonlyArray<Exclude<keyof State, 'delta'>>;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
        fc.array(fc.record({ service: fc.integer({ min: 0, max: 3 }), edit: accountEdit }), { maxLength: 12 }),
        (i, j, swap, edits) => {
          const prior = states[i % states.length]!;
          const other = states[j % states.length]!.state;
          const rootBefore = toHex(stateRoot(prior));
          const posterior: Record<string, unknown> = { ...prior.state };
          names.forEach((n, k) => {
            if (swap[k] === true) posterior[n] = other[n];
          });
          const template = [...prior.state.delta.values()][0]!;
          const delta = new Map(prior.state.delta);
          for (const { service, edit } of edits) applyEdit(delta, service, template, edit);
          if (edits.length > 0) posterior.delta = delta;
          const sigmaPrime = posterior as unknown as State;
          const next = updateTrie(tiny)(prior, sigmaPrime);
          const fresh = toHex(merklizeState(serializeState(tiny)(sigmaPrime)));
          expect(toHex(stateRoot(next))).toBe(fresh);
          expect(toHex(stateRoot(importStateOf(tiny, sigmaPrime)))).toBe(fresh);
          expect(toHex(stateRoot(prior))).toBe(rootBefore);
        },
      ),
      { numRuns: 200 },
    );
  });
});
