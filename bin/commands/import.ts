/**
 * `jam-model import`: imports trace steps (TraceStep of the traces' schema.asn) as a chain and
 * compares each posterior state with the recorded one.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { importBlock, importStateFromKeyvals, retainAncestors, stateRoot, type Ancestor, type ImportState } from '../../model/block-import/index.js';
import { headerHash } from '../../model/header/index.js';
import type { Header } from '../../spec/types.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';
import { describeImportError, diffPosterior, loadTraceGenesis, loadTraceStep, traceAccumulate, traceGenesisFile, traceSteps } from '../../vectors/classes/traces.js';
import { progress } from '../progress.js';

export const help = `usage: jam-model import <file or folder> ... [--json]

Imports block-trace steps (TraceStep: pre_state, block, post_state; .bin or .json) in order,
chain-fashion: the first step starts from its recorded pre_state, each later step from the
model's own posterior state. Each posterior root and key-value set is compared with the step's
post_state; the first mismatch prints a key-by-key diff naming each key's state component.
A folder stands for its numbered step files; with its genesis file, the header chain from
genesis is retained, so each guarantee's lookup anchor is checked to be an ancestor (11.35).
Config: tiny. Ring SRS and accumulation as in the traces vector class (JAM_VECTORS locates the SRS).

  --json        one line per block {"step","ok","root","expected_root","ms"}, then a summary line
  -h, --help    this text

Exit status: 0 when every step matched, 1 when one did not, 2 on bad usage.`;

/** One step to import, and the genesis file of its folder when it is the folder's first step. */
interface StepFile {
  readonly file: string;
  readonly genesis: string | undefined;
}

/** The steps named on the command line: files as given, folders as their numbered steps. */
const stepFiles = (paths: ReadonlyArray<string>): ReadonlyArray<StepFile> =>
  paths.flatMap((p) => {
    if (!statSync(p).isDirectory()) return [{ file: p, genesis: undefined }];
    const genesis = traceGenesisFile(p);
    return traceSteps(p).map((file, i) => ({ file, genesis: i === 0 ? genesis : undefined }));
  });

/** The header chain from a genesis file: the genesis header as the first retained ancestor. */
const ancestorsFromGenesis = (path: string): E.Either<string, ReadonlyArray<Ancestor>> =>
  E.map(({ header }: { readonly header: Header }) => [{ timeslot: header.timeslot, headerHash: headerHash(tiny, header) }])(
    loadTraceGenesis(tiny, path),
  );

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`jam-model import: no file or folder given\n\n${help}`);
    return 2;
  }
  const files = stepFiles(positionals);
  if (files.length === 0) {
    console.error(`jam-model import: no trace steps (.bin or .json) in ${positionals.join(', ')}`);
    return 2;
  }
  const bar = progress(!values.json);
  const importer = importBlock(tiny, { srs: embeddedRingSrs(), accumulate: traceAccumulate });
  let state: ImportState | undefined;
  /** The retained header chain (5.3), known when a folder's import starts from its genesis. */
  let ancestors: ReadonlyArray<Ancestor> | undefined;
  let ok = 0;
  let bad = 0;
  let reportedDiff = false;
  let totalMs = 0;
  for (const [i, { file, genesis }] of files.entries()) {
    const name = basename(file);
    bar.update(i, files.length, name);
    if (genesis !== undefined) {
      const chain = ancestorsFromGenesis(genesis);
      if (E.isLeft(chain)) {
        bar.done();
        console.error(`jam-model import: ${chain.left}`);
        return 2;
      }
      ancestors = chain.right;
    }
    const step = loadTraceStep(tiny, file);
    if (E.isLeft(step)) {
      bar.done();
      console.error(`jam-model import: ${step.left}`);
      return 2;
    }
    const { pre, block, post } = step.right;
    // Start (or restart after a mismatch) from the recorded pre_state; otherwise continue the chain.
    if (state === undefined || !bytesEqual(stateRoot(state), pre.root)) {
      const loaded = importStateFromKeyvals(tiny, pre.keyvals);
      if (E.isLeft(loaded)) {
        bar.done();
        console.error(`jam-model import: ${file}: pre_state does not decode: ${loaded.left.key ?? ''} ${loaded.left.reason}`);
        return 2;
      }
      state = loaded.right;
    }
    const t0 = performance.now();
    let outcome: E.Either<string, ReturnType<typeof diffPosterior>> = E.left('');
    let root: Uint8Array | undefined;
    try {
      const out = importer(state, block, ancestors);
      if (E.isLeft(out)) outcome = E.left(`block rejected: ${describeImportError(out.left)}`);
      else {
        root = out.right.root;
        outcome = E.right(diffPosterior(tiny, out.right, post));
        state = out.right;
      }
    } catch (e) {
      outcome = E.left(`block import threw: ${(e as Error).message}`);
    }
    const ms = performance.now() - t0;
    if (ancestors !== undefined)
      ancestors = retainAncestors(tiny, ancestors, { timeslot: block.header.timeslot, headerHash: headerHash(tiny, block.header) });
    totalMs += ms;
    const matched = E.isRight(outcome) && outcome.right.length === 0;
    if (matched) ok++;
    else {
      bad++;
      state = undefined;
    }
    if (values.json)
      console.log(
        JSON.stringify({
          step: file,
          ok: matched,
          root: root === undefined ? null : toHex(root),
          expected_root: toHex(post.root),
          ms: Number(ms.toFixed(3)),
          ...(matched ? {} : { error: E.isLeft(outcome) ? outcome.left : 'posterior state differs' }),
        }),
      );
    else {
      bar.done();
      console.log(`${matched ? 'ok  ' : 'FAIL'} ${file} ${ms.toFixed(1)} ms${E.isLeft(outcome) ? `: ${outcome.left}` : ''}`);
    }
    if (!matched && !reportedDiff && !values.json) {
      reportedDiff = true;
      if (E.isRight(outcome)) console.log(`posterior (expected != model):\n${outcome.right.map((l) => `  ${l}`).join('\n')}`);
    }
  }
  bar.done();
  const summary = { steps: files.length, ok, failed: bad, ms: Number(totalMs.toFixed(3)) };
  if (values.json) console.log(JSON.stringify({ summary }));
  else console.log(`${ok}/${files.length} steps matched, ${bad} failed, ${totalMs.toFixed(0)} ms importing`);
  return bad === 0 ? 0 : 1;
};
