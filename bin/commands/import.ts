/**
 * `jam-model import`: imports trace steps (TraceStep of the traces' schema.asn) as a chain and
 * compares each posterior state with the recorded one. Argument parsing and printing only; the
 * chain lives in `chain/`.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { RawState } from '../../spec/trace.js';
import type { Block } from '../../spec/types.js';
import { headerHash } from '../../model/header/index.js';
import {
  ancestorsFromGenesis,
  describeImportError,
  diffStates,
  emptyChain,
  heldAt,
  importOnto,
  loadGenesis,
  loadTraceStep,
  startAt,
  stateFromKeyvals,
  stateRoot,
  traceGenesisFile,
  traceSteps,
  type Chain,
  type ChainParams,
  type Engines,
  type ImportState,
} from '../../chain/index.js';
import { chainHelp, chainOptions, chooseChain, chooseEngines, engineHelp } from '../options.js';
import { progress, type Progress } from '../progress.js';

export const help = `usage: jam-model import <file or folder> ... [--config tiny|full | --chain-spec FILE] [--engine E] [--reading NAME=VALUE ...] [--json]

Imports block-trace steps (TraceStep: pre_state, block, post_state; .bin or .json) in order,
chain-fashion: each block is imported onto the model's own state for its parent when that state
is the step's recorded pre_state, else (the first step, after a mismatch, or where a folder
skips blocks) onto the recorded pre_state. Each posterior root and key-value set is compared
with the step's post_state; every failing step prints a key-by-key diff naming each key's state
component. A block the model rejects where the recording keeps the prior state (post_state root
= pre_state root) is "rejected as recorded", a pass.
A folder stands for its numbered step files; with its genesis file the header chain from
genesis is retained, so each guarantee's lookup anchor is checked to be an ancestor (11.35).
Where the import restarts from a recorded pre_state the retained headers are unknown and that
check is skipped.

  --config C        chain spec: tiny (default) or full
${chainHelp(20)}
${engineHelp(20)}
  --json            one line per step {"step","ok","rejected","root","expected_root","ms","error","diff"},
                    then a summary line
  -h, --help        this text

Exit status: 0 when every step passed, 1 when one did not, 2 on bad input (one line saying what
and where) or a missing native build.`;

/** One step to import, and the genesis file of its folder when it is the folder's first step. */
interface StepFile {
  readonly file: string;
  readonly genesis: string | undefined;
}

/** The steps named on the command line: files as given, folders as their numbered steps; Left says which path is wrong. */
const stepFiles = (paths: ReadonlyArray<string>): E.Either<string, ReadonlyArray<StepFile>> => {
  const out: StepFile[] = [];
  for (const p of paths) {
    let directory: boolean;
    try {
      directory = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as { code?: string }).code;
      return E.left(`${p}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? String(e)})`}`);
    }
    if (!directory) {
      if (!/\.(bin|json)$/.test(p)) return E.left(`${p}: not a trace step (.bin or .json)`);
      out.push({ file: p, genesis: undefined });
      continue;
    }
    const steps = traceSteps(p);
    if (steps.length === 0) return E.left(`${p}: no trace steps (numbered .bin or .json files)`);
    const genesis = traceGenesisFile(p);
    out.push(...steps.map((file, i) => ({ file, genesis: i === 0 ? genesis : undefined })));
  }
  return E.right(out);
};

/** How one step went. */
type StepOutcome =
  | { readonly kind: 'matched'; readonly root: Uint8Array }
  | { readonly kind: 'rejected-as-recorded'; readonly rejection: string }
  | { readonly kind: 'failed'; readonly error: string; readonly diff: ReadonlyArray<string>; readonly root: Uint8Array | undefined };

/**
 * The chain ready for `block`: unchanged when it holds the block's parent with the recorded
 * pre-state root, else restarted at the recorded pre-state with the retained headers unknown.
 */
const chainFor = (spec: ChainSpec, chain: Chain, block: Block, pre: RawState): E.Either<string, Chain> => {
  const parent = heldAt(chain, block.header.parent);
  if (parent !== undefined && bytesEqual(stateRoot(parent.state), pre.root)) return E.right(chain);
  return E.map((state: ImportState) => startAt(chain, block.header.parent, state, undefined))(stateFromKeyvals(spec, pre.keyvals));
};

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', default: 'tiny' },
      engine: { type: 'string' },
      ...chainOptions,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const bar = progress(!values.json);
  const bad = (what: string): number => {
    bar.done();
    console.error(`jam-model import: ${what}`);
    return 2;
  };
  if (positionals.length === 0) return bad('no file or folder given (jam-model import --help)');
  const params = chooseChain(values);
  if (E.isLeft(params)) return bad(params.left.join('\njam-model import: '));
  const files = stepFiles(positionals);
  if (E.isLeft(files)) return bad(files.left);
  const chosen = chooseEngines(values.engine);
  if (E.isLeft(chosen)) return bad(chosen.left);
  return importSteps(params.right, chosen.right.engines, files.right, { json: values.json, bar, bad });
};

const importSteps = (
  params: ChainParams,
  engines: Engines,
  files: ReadonlyArray<StepFile>,
  out: { readonly json: boolean; readonly bar: Progress; readonly bad: (what: string) => number },
): number => {
  const { json, bar, bad } = out;
  const { spec } = params;
  let chain = emptyChain(params, engines);
  const counts = { matched: 0, rejectedAsRecorded: 0, failed: 0 };
  let totalMs = 0;
  for (const [i, { file, genesis }] of files.entries()) {
    bar.update(i, files.length, file);
    if (genesis !== undefined) {
      const g = loadGenesis(spec, genesis);
      if (E.isLeft(g)) return bad(g.left);
      const state = stateFromKeyvals(spec, g.right.state.keyvals);
      if (E.isLeft(state)) return bad(`${genesis}: ${state.left}`);
      chain = startAt(chain, headerHash(spec, g.right.header), state.right, ancestorsFromGenesis(spec, g.right.header));
    }
    const step = loadTraceStep(spec, file);
    if (E.isLeft(step)) return bad(step.left);
    const { pre, block, post } = step.right;
    const ready = chainFor(spec, chain, block, pre);
    if (E.isLeft(ready)) return bad(`${file}: pre_state: ${ready.left}`);
    chain = ready.right;
    const t0 = performance.now();
    let outcome: StepOutcome;
    try {
      const imported = importOnto(chain, block);
      if (E.isRight(imported)) {
        const [next, posterior] = imported.right;
        chain = next;
        const diff = diffStates(spec, { name: 'expected', state: post.keyvals, root: post.root }, { name: 'model', state: posterior.trie, root: posterior.root });
        outcome =
          diff.length === 0
            ? { kind: 'matched', root: posterior.root }
            : { kind: 'failed', error: 'posterior state differs', diff, root: posterior.root };
      } else {
        const e = imported.left;
        const rejection = e.kind === 'rejected' ? describeImportError(e.error) : `unknown parent ${e.parent}`;
        outcome = bytesEqual(post.root, pre.root)
          ? { kind: 'rejected-as-recorded', rejection }
          : { kind: 'failed', error: `block rejected: ${rejection}`, diff: [], root: undefined };
      }
    } catch (e) {
      outcome = { kind: 'failed', error: `block import threw: ${(e as Error).message}`, diff: [], root: undefined };
    }
    const ms = performance.now() - t0;
    totalMs += ms;
    if (outcome.kind === 'matched') counts.matched++;
    else if (outcome.kind === 'rejected-as-recorded') counts.rejectedAsRecorded++;
    else counts.failed++;
    if (json)
      console.log(
        JSON.stringify({
          step: file,
          ok: outcome.kind !== 'failed',
          ...(outcome.kind === 'rejected-as-recorded' ? { rejected: outcome.rejection } : {}),
          root: outcome.kind === 'rejected-as-recorded' ? toHex(pre.root) : outcome.root === undefined ? null : toHex(outcome.root),
          expected_root: toHex(post.root),
          ms: Number(ms.toFixed(3)),
          ...(outcome.kind === 'failed' ? { error: outcome.error, diff: outcome.diff } : {}),
        }),
      );
    else {
      bar.done();
      if (outcome.kind === 'matched') console.log(`ok   ${file} ${ms.toFixed(1)} ms`);
      else if (outcome.kind === 'rejected-as-recorded') console.log(`ok   ${file} ${ms.toFixed(1)} ms (rejected as recorded: ${outcome.rejection})`);
      else {
        console.log(`FAIL ${file} ${ms.toFixed(1)} ms: ${outcome.error}`);
        if (outcome.diff.length > 0) console.log(`posterior (expected != model):\n${outcome.diff.map((l) => `  ${l}`).join('\n')}`);
      }
    }
  }
  bar.done();
  const summary = {
    steps: files.length,
    matched: counts.matched,
    rejected_as_recorded: counts.rejectedAsRecorded,
    failed: counts.failed,
    ms: Number(totalMs.toFixed(3)),
  };
  if (json) console.log(JSON.stringify({ summary }));
  else
    console.log(
      `${counts.matched + counts.rejectedAsRecorded}/${files.length} steps passed (${counts.matched} matched, ` +
        `${counts.rejectedAsRecorded} rejected as recorded), ${counts.failed} failed, ${totalMs.toFixed(0)} ms importing`,
    );
  return counts.failed === 0 ? 0 : 1;
};
