/**
 * `jam-model fuzz`: the fuzzer side of fuzz-v1 against a running target. Argument parsing and
 * printing only; the fuzzer lives in `fuzz/fuzzer/`.
 */
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { testedAnswers } from '#conformance';
import { VectorsNotFound } from '../../chain/index.js';
import { freshSeed, parseSource, runFuzzer, SourceError, TargetError, type Mismatch } from '../../fuzz/fuzzer/index.js';
import { chooseLeftOut, leaveOutRules, ruleNames } from '../../fuzz/fuzzer/rules.js';
import { chainHelp, chainOptions, chooseChain, chooseEngines, engineHelp } from '../options.js';
import { progress } from '../progress.js';

export const help = `usage: jam-model fuzz --target SOCKET [--config tiny|full | --chain-spec FILE] [--reading NAME=VALUE ...]
                      [--engine E] [--steps N] [--seed S]
                      [--forks] [--leave-out RULE,...|all-known|none] [--include RULE,...]
                      [--out DIR] [--json]
                      [--source guests[:SEED] | author[:SEED] | traces:DIR]

Drives a fuzz-v1 target listening on the Unix socket SOCKET as the fuzzer: PeerInfo (features
ancestry and forks), Initialize with the chain's genesis state and ancestry, one ImportBlock per
block. Each reply is compared with the model's own answer for the same block: a block the model
rejects must get Error, one it accepts the model's state root. On a mismatch the target's state
is fetched (GetState) and diffed key by key, each key named by its state component; the block
sequence is shrunk (the prefix cut by restarting from a recorded pre-state, then each fork or
rejected block dropped while the mismatch persists) and written as a trace folder (genesis.bin,
00000001.bin, ... with .json twins, and report.md), replayable with 'jam-model import DIR';
then the target is initialized with the model's state and the chain goes on. The model is not
a reference: a mismatch is a question for the paper.

  --target SOCKET   the target's Unix socket (required)
  --config NAME     chain spec: tiny (default) or full
${chainHelp(20)}
${engineHelp(20)} (the model's imports)
  --steps N         ImportBlock messages to send, main line and forks (default 1000); the
                    source's chains are run again (new mutations) until N are sent
  --seed S          the seed of the mutations and fork choices (default: random, printed);
                    the same seed, source and target repeat the run
  --forks           now and then send a mutated block (a flipped header field, a dropped or
                    duplicated extrinsic item, a changed slot, a corrupted seal; for authored
                    blocks also fuzz/author's mutations, each re-sealed so that it meets the
                    check it is about) as a sibling of the next block or of the head: forks
                    of depth one, never parents. The model's answer to a mutation is the
                    expected one, whatever rejection the mutation aims at
  --leave-out RULES the cases left out of what the fuzzer generates, each a known divergence
                    where the model takes the paper's reading and a client another (README:
                    where the paper, the vectors and clients part): a comma list of the rules
                    below, all-known (default) or none
  --include RULES   put these rules' cases back (a comma list; may be repeated)
  --include-reimport  the same as --include reimport
  --out DIR         where each mismatch's trace folder goes (default fuzz-out/)
  --json            no progress bar; one JSON line per mismatch, then the summary line
                    {"summary":{"blocks","forks","rejected","mismatches","host_calls","left_out","unreached"}}
                    (unreached: the answers the paper lists for each host call, "call:answer", that no
                    import of the run reached)
  --source SPEC     guests[:SEED] (default): chains of 4 blocks authored as author's are, from
                    the fuzz genesis: the fallback trace's genesis with four generated guest
                    services (fuzz/guest/: privileged and not, two always-accumulate) that call
                    every accumulate host call with boundary arguments and fold each answer
                    into storage, the reports spread over them; chain k's guests and plan are
                    drawn from seed SEED + k, so the host calls reached grow with the chains.
                    author[:SEED]: chains of 48 blocks authored from the fallback trace's
                    genesis by the development validators, valid by construction (tickets,
                    assurances, guarantees, accumulation, verdicts); chain k is the plan of
                    seed SEED + k.
                    For both, SEED defaults to --seed, and each chain is started afresh with
                    Initialize from its genesis, as many as --steps needs. Tickets are
                    offered in the genesis's two epochs (their ring proofs made once per
                    run) and in one in four later epochs, chosen by their entropy: a ring
                    proof costs about a fifth of a second.
                    traces:DIR: the recorded traces, each folder's blocks in order (DIR a trace
                    folder or a folder of them, e.g. the vectors' traces/; JAM_VECTORS)
  -h, --help        this text

Rules (fuzz/fuzzer/rules.ts), each leaving out:
${ruleNames.map((r) => `  ${r}: ${leaveOutRules[r].leavesOut}\n      (paper: ${leaveOutRules[r].paper}; ${leaveOutRules[r].peer})`).join('\n')}

Exit status: 0 when every reply matched, 1 on a mismatch, 2 on bad usage or an unusable target.`;

const fail = (message: string): number => {
  console.error(`jam-model fuzz: ${message}`);
  return 2;
};

/** A natural from the command line, or undefined when the text is not one below `limit`. */
const natural = (text: string, limit: number): number | undefined => (/^\d+$/.test(text) && Number(text) < limit ? Number(text) : undefined);

const printMismatch = (m: Mismatch): void => {
  console.log(`MISMATCH ${m.label}: ${m.verdict}`);
  if (m.diff.length > 0) console.log(`target state against the model's:\n${m.diff.map((l) => `  ${l}`).join('\n')}`);
  const replay = m.shrunk.reproduced ? `shrunk to ${m.shrunk.blocks} block(s)` : 'the shrunk replay did not reproduce it';
  console.log(`  ${replay}${m.dir === undefined ? '' : `; written to ${m.dir} (replay: jam-model import ${m.dir})`}`);
};

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      config: { type: 'string', default: 'tiny' },
      ...chainOptions,
      engine: { type: 'string' },
      steps: { type: 'string', default: '1000' },
      seed: { type: 'string' },
      forks: { type: 'boolean', default: false },
      'leave-out': { type: 'string', default: 'all-known' },
      include: { type: 'string', multiple: true, default: [] },
      'include-reimport': { type: 'boolean', default: false },
      out: { type: 'string', default: 'fuzz-out' },
      json: { type: 'boolean', default: false },
      source: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (positionals.length > 0) return fail(`unexpected argument '${positionals[0]}' (see --help)`);
  if (values.target === undefined) return fail('--target SOCKET is required (see --help)');
  const params = chooseChain(values);
  if (E.isLeft(params)) return fail(params.left.join('\n'));
  const { spec, readings } = params.right;
  const steps = natural(values.steps, 2 ** 32);
  if (steps === undefined || steps === 0) return fail(`--steps '${values.steps}' is not a positive whole number`);
  const seed = values.seed === undefined ? freshSeed() : natural(values.seed, 2 ** 32);
  if (seed === undefined) return fail(`--seed '${values.seed}' is not a whole number below 2^32`);
  const chosen = chooseEngines(values.engine);
  if (E.isLeft(chosen)) return fail(chosen.left);
  const { engines } = chosen.right;
  const leaveOut = chooseLeftOut(values['leave-out'], [...values.include, ...(values['include-reimport'] ? ['reimport'] : [])]);
  if (typeof leaveOut === 'string') return fail(leaveOut);
  const leftOut = [...leaveOut];
  const bar = progress(!values.json);
  try {
    const source = parseSource(spec, engines, values.source ?? 'guests', seed, leaveOut);
    if (!values.json)
      console.log(
        `fuzzing ${values.target}: source ${source.name}, seed ${seed}, ${steps} steps${values.forks ? ', forks' : ''}; left out: ${leftOut.length === 0 ? 'none' : leftOut.join(', ')}`,
      );
    const { summary } = await runFuzzer({
      spec,
      readings,
      engines,
      socket: values.target,
      source,
      steps,
      seed,
      forks: values.forks,
      leaveOut,
      out: values.out,
      onStep: (sent, total, label) => bar.update(sent, total, label),
      onMismatch: (m) => {
        bar.done();
        if (values.json) console.log(JSON.stringify({ mismatch: m }));
        else printMismatch(m);
      },
    });
    bar.done();
    // The answers the paper lists (properties/host-calls/answers.json) that no import of the run reached.
    const unreached = [...testedAnswers()].flatMap(([call, answers]) => answers.filter((a) => summary.host_calls[call]?.[a] === undefined).map((a) => `${call}:${a}`));
    if (values.json) console.log(JSON.stringify({ summary: { ...summary, left_out: leftOut, unreached } }));
    else {
      console.log(`${summary.blocks} blocks (${summary.forks} forks), ${summary.rejected} rejected by the model, ${summary.mismatches} mismatch(es); seed ${seed}`);
      const calls = Object.entries(summary.host_calls).map(([call, m]) => `${call} ${Object.entries(m).map(([a, n]) => `${a}:${n}`).join(' ')}`);
      if (calls.length > 0) console.log(`host calls (model): ${calls.join('; ')}`);
      console.log(unreached.length === 0 ? 'every answer the paper lists reached' : `answers the paper lists not reached: ${unreached.join(', ')}`);
    }
    return summary.mismatches === 0 ? 0 : 1;
  } catch (e) {
    bar.done();
    if (e instanceof SourceError || e instanceof TargetError || e instanceof VectorsNotFound) return fail((e as Error).message);
    throw e;
  }
};
