/** `jam-model host-calls`: which accumulate host calls and answers the public vectors, and the per-answer tests, reach. */
import { parseArgs } from 'node:util';
import { LOG, hostCallCoverage } from '#conformance';

export const help = `usage: jam-model host-calls [--config tiny|full] [--json]

Runs every stf/accumulate vector with an observer on the accumulate invocation (Psi_A) and prints,
per host call, the outcomes (result code written to omega_7, a value, panic, out-of-gas) the vectors
reach and how many vectors reach each; beside them, the answers the per-answer tests of
properties/host-calls/answers.test.ts reach (one test per answer the paper lists, recorded by the
test run in properties/host-calls/answers.json). log (JIP-1, id 100) is answered by F as unknown.

  --config C   only config C (tiny or full); default both
  --json       one JSON object: {"call": {"vectors": {"outcome": vectors, ...}, "tests": [outcome, ...]}, ...}`;

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: { config: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values.config !== undefined && values.config !== 'tiny' && values.config !== 'full') {
    console.error(`jam-model host-calls: --config must be tiny or full, not '${values.config}'`);
    return 2;
  }
  const { reached, calls, tested } = hostCallCoverage(values.config === undefined ? ['tiny', 'full'] : [values.config]);
  if (values.json) {
    const out = Object.fromEntries(
      calls.map((c) => [c, { vectors: Object.fromEntries([...(reached.get(c) ?? [])].map(([o, vs]) => [o, vs.length])), tests: tested.get(c) ?? [] }]),
    );
    console.log(JSON.stringify(out));
    return 0;
  }
  console.log('| host call | outcomes reached by the vectors (vectors reaching each) | answers reached by the per-answer tests |');
  console.log('|---|---|---|');
  for (const c of calls) {
    const outcomes = [...(reached.get(c) ?? [])].map(([o, vs]) => `${o} (${vs.length})`);
    const answers = tested.get(c) ?? [];
    console.log(`| ${c === LOG ? 'log (100, as unknown)' : c} | ${outcomes.length === 0 ? 'not reached' : outcomes.join(', ')} | ${answers.length === 0 ? 'none' : answers.join(', ')} |`);
  }
  return 0;
};
