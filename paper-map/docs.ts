/**
 * The entry point of `npm run docs` after typedoc: writes the paper map site (`site.ts`) and fails
 * on a broken link.
 *
 *   node dist/paper-map/docs.js [--coverage FILE] [--out DIR]
 *
 * - `--coverage FILE`: the JSON of `jam-model coverage vectors --json`, for the runtime counts
 *   (without it the pages say that no coverage was given; the build never runs the vectors).
 * - `--out DIR`: where the site goes (default `docs/paper`); an API reference built by typedoc in
 *   the folder above (`docs/index.html`) is linked from the index.
 * The paper's LaTeX comes from the shared Gray Paper folder (`JAM_GRAYPAPER`, else a
 * `shared/graypaper/` above the package), as for the equation index.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { lookup } from './equation-index.js';
import { equationIndex } from './equations.js';
import type { ExecutionReport } from './execution.js';
import { buildMap } from './map.js';
import { packageRoot, sharedEquationTable } from './root.js';
import { brokenLinks, buildSite } from './site.js';
import { scanTags } from './tags.js';
import { scanTestNames } from './test-names.js';

const started = Date.now();
const { values } = parseArgs({ options: { coverage: { type: 'string' }, out: { type: 'string' } } });
const root = packageRoot();
const out = resolve(values.out ?? join(root, 'docs', 'paper'));
const equationTable = sharedEquationTable();
if (equationTable === undefined || !existsSync(equationTable))
  throw new Error('docs: the Gray Paper source is not found: set JAM_GRAYPAPER to the folder holding equations.tsv and tex/');
const idx = lookup(equationIndex);
const api = join(dirname(out), 'index.html');
const execution = values.coverage === undefined ? undefined : (JSON.parse(readFileSync(values.coverage, 'utf8')) as ExecutionReport);
const summary = buildSite(
  {
    root,
    map: buildMap(idx)(scanTags(root)),
    tests: scanTestNames(root, idx),
    equationTable,
    ...(execution === undefined ? {} : { execution }),
    ...(existsSync(api) ? { apiIndex: relative(out, api) } : {}),
  },
  out,
);
const broken = brokenLinks(out);
console.log(
  `${out}: ${summary.pages} pages, ${summary.rendered} of ${idx.index.equations.length} equations rendered by KaTeX ` +
    `(source shown for ${summary.sourceOnly.join(', ') || 'none'}), ${execution === undefined ? 'no coverage file' : `coverage from ${values.coverage}`}, ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s`,
);
if (broken.length > 0) {
  console.error(`${broken.length} broken link(s):\n${broken.join('\n')}`);
  process.exitCode = 1;
}
