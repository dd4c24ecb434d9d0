/** `jam-model host-calls`: which accumulate host calls and outcomes the public vectors reach. */
import { parseArgs } from 'node:util';
import { hostCallCoverage } from '#conformance';

export const help = `usage: jam-model host-calls [--config tiny|full] [--json]

Runs every stf/accumulate vector with an observer on the accumulate invocation (Psi_A) and prints,
per host call, the outcomes (result code written to omega_7, a value, panic, out-of-gas) the vectors
reach and how many vectors reach each. Host calls no vector reaches are marked; their unit tests
live in model/accumulation/host-calls/.

  --config C   only config C (tiny or full); default both
  --json       one JSON object: {"call": {"outcome": vectors, ...}, ...}`;

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
  const { reached, calls } = hostCallCoverage(values.config === undefined ? ['tiny', 'full'] : [values.config]);
  if (values.json) {
    const out = Object.fromEntries(calls.map((c) => [c, Object.fromEntries([...(reached.get(c) ?? [])].map(([o, vs]) => [o, vs.length]))]));
    console.log(JSON.stringify(out));
    return 0;
  }
  console.log('| host call | outcomes reached by the vectors (vectors reaching each) |');
  console.log('|---|---|');
  for (const c of calls) {
    const outcomes = [...(reached.get(c) ?? [])].map(([o, vs]) => `${o} (${vs.length})`);
    console.log(`| ${c} | ${outcomes.length === 0 ? 'not reached: unit tests only' : outcomes.join(', ')} |`);
  }
  return 0;
};
