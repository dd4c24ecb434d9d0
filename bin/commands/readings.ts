/** `jam-model readings`: the readings record, each reading with its default, alternatives and references. */
import { parseArgs } from 'node:util';
import { readingCatalogue, readingNames, type Alternative } from '../../spec/readings.js';

export const help = `usage: jam-model readings [--json]

Lists the readings: the points where Gray Paper 0.7.2's text, the public vectors and other
clients part, each with its default (0.7.2's reading as the model takes it), its alternatives
(an alternative marked "not implemented" is documented only, and --reading refuses it), the
paper's references and one sentence. Choose one on vectors, import and fuzz-target with
--reading NAME=VALUE (repeatable).

  --json       one JSON document: {"NAME": {"sentence","references","default","alternatives":{"VALUE":{"sentence","implemented"}}}}
  -h, --help   this text`;

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values.json) {
    console.log(JSON.stringify(readingCatalogue, null, 2));
    return 0;
  }
  for (const name of readingNames) {
    const r = readingCatalogue[name];
    console.log(`${name} (${r.references.join(', ')}): ${r.sentence}`);
    for (const [value, a] of Object.entries(r.alternatives as Readonly<Record<string, Alternative>>))
      console.log(`  ${value === r.default ? '*' : ' '} ${value}${a.implemented ? '' : ' (not implemented)'}: ${a.sentence}`);
  }
  console.log('\n* the default, 0.7.2\'s reading. Choose another with --reading NAME=VALUE.');
  return 0;
};
