/**
 * Block seals of the block-import traces (`traces/*`, tiny): for each block, the header's seal
 * H_S and entropy source H_V are checked against the posterior state the trace records (6.15-6.17):
 * the author's key kappa'[H_I]_b, the slot's key in gamma'_S and eta'_3; and the entropy
 * accumulator must have absorbed Y(H_V) (6.22). Only the state components C(4) gamma, C(6) eta
 * and C(8) kappa are read.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { tiny } from '../../spec/chain-spec.js';
import { bytesEqual, concatBytes, fromHex, toHex } from '../../spec/bytes.js';
import { decode, fromJson, type Codec } from '../../spec/codec.js';
import { codecs } from '../../spec/codecs.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { verifySeal } from '../../model/safrole/seal.js';
import { listFiles, readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, type CaseResult, type Config, type VectorCase, type VectorClass } from '../report.js';

interface KeyVal {
  readonly key: string;
  readonly value: string;
}
interface TraceFile {
  readonly pre_state: { readonly keyvals: ReadonlyArray<KeyVal> };
  readonly block: { readonly header: unknown };
  readonly post_state: { readonly keyvals: ReadonlyArray<KeyVal> };
}

/** C(i): the state key of component i (D.1), 31 octets. */
const componentKey = (i: number): string => toHex(Uint8Array.from({ length: 31 }, (_, j) => (j === 0 ? i : 0)));

/** A state component's value, decoded from the trace's key-value list. */
const component = <T>(keyvals: ReadonlyArray<KeyVal>, i: number, c: Codec<T>): E.Either<string, T> => {
  const kv = keyvals.find((x) => x.key === componentKey(i));
  const bytes = kv === undefined ? undefined : fromHex(kv.value);
  if (bytes === undefined) return E.left(`state component C(${i}) missing`);
  return E.mapLeft(String)(decode(c, bytes));
};

const runBlock = (path: string): CaseResult => {
  const spec = tiny;
  const c = codecs(spec);
  const trace = readJson(path) as TraceFile;
  const header = fromJson(c.header, trace.block.header);
  const gamma = component(trace.post_state.keyvals, 4, c.gamma);
  const eta = component(trace.post_state.keyvals, 6, c.entropy);
  const etaPrior = component(trace.pre_state.keyvals, 6, c.entropy);
  const kappa = component(trace.post_state.keyvals, 8, c.validatorKeys);
  if (E.isLeft(header)) return failed(`header: ${String(header.left)}`);
  for (const x of [gamma, eta, etaPrior, kappa]) if (E.isLeft(x)) return failed(x.left);
  if (E.isLeft(gamma) || E.isLeft(eta) || E.isLeft(etaPrior) || E.isLeft(kappa)) return failed('unreachable');
  const author = kappa.right[header.right.authorIndex];
  if (author === undefined) return failed(`author index ${header.right.authorIndex} outside kappa'`);
  const r = verifySeal(spec)(header.right, author.bs, gamma.right.sealTickets, eta.right[3]);
  if (E.isLeft(r)) return failed(`seal rejected: ${r.left} (gamma'_S holds ${gamma.right.sealTickets.kind})`);
  const eta0 = blake2b256(concatBytes(etaPrior.right[0], r.right.vrfOutput));
  return bytesEqual(eta0, eta.right[0]) ? passed : failed(`eta'_0: expected ${toHex(eta.right[0])}, H(eta_0 ++ Y(H_V)) = ${toHex(eta0)}`);
};

export const sealClass: VectorClass = {
  name: 'seal',
  description: 'Section 6.4: every trace block sealed by its slot key (ticket or fallback), eta_0 absorbing Y(H_V)',
  configs: ['tiny'],
  cases: (config: Config): ReadonlyArray<VectorCase> => {
    if (config !== 'tiny') return [];
    const root = vectorsDir('traces');
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        listFiles(join(root, d.name), '.json')
          .filter((f) => !f.endsWith('genesis.json'))
          .map((f) => ({ name: `${d.name}/${f.slice(f.lastIndexOf('/') + 1, -5)}`, run: () => runBlock(f) })),
      );
  },
};
