/**
 * Refine to accumulate on the authored tiny chain, end to end: from the fallback trace's genesis
 * with the refine service of fuzz/author/packages.ts added (its authorizer in every pool) and a
 * generated prefix of authored blocks that guarantee nothing (slots skipped, epochs crossed,
 * tickets), each generated package is anchored on the block being authored, refined by section 14 (Xi, through
 * the chain layer's refiner), its report guaranteed by the core's assigned guarantors in an
 * authored block, made available by the next block's assurances and accumulated there. Every
 * block imports with no rejection, and the service's storage then holds what its accumulate code
 * writes: the encoded first operand (12.13, C.32), whose result is the refine output B.5 dictates
 * for the package's first item, E(c, 0, w_s, var(w_y), H(p)) (the refine code halts at once).
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, type Hash } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { Writer, encode } from '../spec/codec.js';
import { codecs, workPackage } from '../spec/codecs.js';
import type { CoreIndex, WorkReport } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import { storageOf } from '../model/merklization/serialize.js';
import { devValidators } from '../fuzz/author/keys.js';
import { anchorContext, authorBlock, newAuthor, type Author, type BlockChoices } from '../fuzz/author/block.js';
import { chainPlan } from '../fuzz/author/chain.js';
import { operandKey, packageChoices, packageOf, refineServiceId, withRefineService, type PackageChoices } from '../fuzz/author/packages.js';
import { embeddedRingSrs } from '../model/crypto/bandersnatch.js';
import {
  importerOf,
  loadGenesis,
  nativeEngines,
  refinerOf,
  stateFromKeyvals,
  stateRoot,
  traceGenesisFile,
  vectorsDir,
  type ImportState,
  type Importer,
} from '../chain/index.js';

const spec = tiny;
/** The authorizer's config: any fixed octets; the pools hold the authorizer it makes (14.10). */
const authConfig = Uint8Array.of(0xac);
let genesis: ImportState;
let author: Author;
let importer: Importer;
const refine = refinerOf(spec, nativeEngines);

beforeAll(() => {
  const file = traceGenesisFile(vectorsDir('traces', 'fallback'));
  if (file === undefined) throw new Error('no genesis in traces/fallback');
  const g = loadGenesis(spec, file);
  if (E.isLeft(g)) throw new Error(g.left);
  const s = stateFromKeyvals(spec, g.right.state.keyvals);
  if (E.isLeft(s)) throw new Error(s.left);
  genesis = withRefineService(spec, s.right, authConfig);
  author = newAuthor(spec, devValidators(spec.Cvalcount), embeddedRingSrs());
  importer = importerOf(spec, nativeEngines);
});

const everyone = 2 ** tiny.Cvalcount - 1;
const quiet = (fields: Partial<BlockChoices>): BlockChoices => ({ gap: 1, tickets: 0, assurers: 0, cores: 0, verdict: 'none', ...fields });

/** The block authored on `prior` by `choices`, imported; the test fails naming any rejection. */
const next = (prior: ImportState, choices: BlockChoices): readonly [ImportState, ReturnType<typeof authorBlock>] => {
  const authored = authorBlock(author, prior, choices);
  const out = importer(prior, authored.block);
  if (E.isLeft(out)) expect.fail(`block at slot ${authored.block.header.timeslot} rejected: ${out.left.stage}: ${out.left.error}`);
  return [out.right, authored];
};

/** B.5's argument of Psi_R for item i, which the refine code returns as its output. */
const refineArgument = (c: CoreIndex, i: number, p: ReturnType<typeof packageOf>): Uint8Array => {
  const w = new Writer();
  const item = p.workItems[i]!;
  w.natural(c);
  w.natural(i);
  w.natural(item.serviceIndex);
  w.natural(item.payload.length);
  w.bytes(item.payload);
  w.bytes(blake2b256(encode(workPackage, p)));
  return w.result();
};

/**
 * Guarantees a package of `choices` on core c: each block anchors a fresh package on its prior
 * state and offers its report; the first block whose core has two assigned guarantors carries it
 * (others may not, 11.25). Then the report, the package and the state it was imported into.
 */
const guaranteed = (
  start: ImportState,
  choices: PackageChoices,
  c: CoreIndex,
): { readonly report: WorkReport; readonly p: ReturnType<typeof packageOf>; readonly state: ImportState } => {
  let prior = start;
  for (let attempt = 0; attempt < 8; attempt++) {
    const p = packageOf(choices, anchorContext(prior.state, stateRoot(prior)));
    const refined = refine(prior.state, { segments: new Map(), packages: [], extrinsics: new Map() }, p, c);
    if (E.isLeft(refined)) return expect.fail(`package rejected by refine: ${refined.left}`);
    const report = refined.right.report;
    const [state, authored] = next(prior, quiet({ cores: 1 << c, reports: [report] }));
    if (authored.block.extrinsic.guarantees.some((g) => toHex(g.workReport.avspec.packageHash) === toHex(report.avspec.packageHash)))
      return { report, p, state };
    prior = state;
  }
  return expect.fail(`no block of 8 guaranteed on core ${c}`);
};

describe('refine -> guarantee -> import -> accumulate on the authored chain', () => {
  it('a generated package refines to a report that is guaranteed, made available and accumulated as its refine output dictates', () => {
    const { accumulationInput } = codecs(spec);
    let cases = 0;
    const t0 = performance.now();
    fc.assert(
      fc.property(chainPlan(spec, 0, 4), packageChoices(authConfig), fc.integer({ min: 0, max: spec.Ccorecount - 1 }), (plan, choices, c) => {
        cases++;
        // The prefix guarantees nothing, so the one report accumulated below is the only input of
        // the service there (the operand the storage must hold); no verdicts, which could leave a
        // core with fewer than two guarantors for many blocks.
        const start = plan.reduce((prior, choice) => next(prior, { ...choice, cores: 0, verdict: 'none' })[0], genesis);
        const { report, p, state } = guaranteed(start, choices, c);
        // The next block: every validator assures, the report is available (11.16) and accumulated (12.x).
        const [after, authored] = next(state, quiet({ assurers: everyone }));
        const slot = authored.block.header.timeslot;
        const digest = report.digests[0]!;
        expect(digest.result).toEqual({ kind: 'ok', value: refineArgument(c, 0, p) });
        // xi' holds the package as accumulated in this block; the service's last accumulation is now.
        expect(after.state.xi[spec.Cepochlen - 1]!.map(toHex)).toContain(toHex(report.avspec.packageHash));
        const account = after.state.delta.get(refineServiceId)!;
        expect(account.lastAcc).toBe(slot);
        // The accumulate code stored its first input: the operand of the report's first digest.
        const operand = {
          packageHash: report.avspec.packageHash,
          segRoot: report.avspec.segRoot,
          authorizer: report.authorizer,
          payloadHash: blake2b256(p.workItems[0]!.payload) as Hash,
          gasLimit: p.workItems[0]!.accGasLimit,
          authTrace: report.authTrace,
          result: digest.result,
        };
        expect(toHex(storageOf(account, operandKey) ?? new Uint8Array(0))).toBe(
          toHex(encode(accumulationInput, { kind: 'operand', value: operand })),
        );
      }),
      { numRuns: 100 },
    );
    console.log(`refine -> accumulate: ${cases} packages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
});
