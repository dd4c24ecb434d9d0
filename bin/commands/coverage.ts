/** `jam-model coverage`: how often the vectors (or imported blocks) execute each equation's code. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findClass, vectorClasses } from '#conformance';
import {
  buildMap,
  countSites,
  equationIndex,
  executionReport,
  lookup,
  packageRoot,
  probes,
  runCovered,
  scanTags,
  type ExecutionReport,
  type Run,
  type RunResult,
} from '#paper-map';
import { progress } from '../progress.js';

export const help = `usage: jam-model coverage [vectors [CLASS ...] | import DIR ...] [--json]

Runs vector classes (default: all of them) or imports trace folders, each in a child process with
V8's precise coverage on, and counts how often the code of each @gp site runs. Prints per section
and per equation the hit count and the runs (vector classes, or folders) that reach it, then the
equations with code that nothing executed. The model is not instrumented: counting costs nothing
when this command is not running. Needs the build (npm run build).

A site is counted where its code starts: a function's calls, or how often the block around a
statement ran. Sites that are types, top-level constants (evaluated once on load) or Rust are
listed as not measurable.

  vectors CLASS ...   these classes, one run each (known: ${vectorClasses.map((c) => c.name).join(', ')})
  import DIR ...      jam-model import of each folder of trace steps, one run each
  --json              one JSON document: summary, per section, per equation its sites, hits per run
  -h, --help          this text

Exit status: 0 when every run passed, 1 when a run failed (coverage is still reported), 2 on bad usage.`;

const runsFor = (positionals: ReadonlyArray<string>): ReadonlyArray<Run> | string => {
  const [mode = 'vectors', ...args] = positionals;
  if (mode === 'vectors') {
    const unknown = args.filter((n) => findClass(n) === undefined);
    if (unknown.length > 0) return `unknown class ${unknown.map((u) => `'${u}'`).join(', ')}`;
    return (args.length === 0 ? vectorClasses.map((c) => c.name) : args).map((name) => ({ name, argv: ['vectors', name, '--json'] }));
  }
  if (mode === 'import') {
    if (args.length === 0) return 'import needs a folder';
    return args.map((dir) => ({ name: dir, argv: ['import', resolve(dir), '--json'] }));
  }
  return `unknown mode '${mode}' (vectors or import)`;
};

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
  const runs = runsFor(positionals);
  if (typeof runs === 'string') {
    console.error(`jam-model coverage: ${runs}\n\n${help}`);
    return 2;
  }
  const root = packageRoot();
  const map = buildMap(lookup(equationIndex))(scanTags(root));
  const sites = new Map([...map.sites.values()].flat().map((s) => [`${s.file}:${s.line}`, s]));
  const ps = probes(root, [...sites.values()]);
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'jam-model.js');
  const distUrl = pathToFileURL(join(root, 'dist')).href + '/';
  const bar = progress(true);
  const results: RunResult[] = [];
  for (const [i, r] of runs.entries()) {
    bar.update(i, runs.length, r.name);
    const result = await runCovered(cli, distUrl, r);
    results.push(result);
    if (result.exitCode !== 0) {
      bar.done();
      console.error(`jam-model coverage: ${r.argv.join(' ')} exited ${result.exitCode}${result.exitCode === 1 ? '' : `\n${result.stderr.trim()}`}`);
    }
  }
  bar.done();
  const report = executionReport(map, results, countSites(ps, results.map((r) => r.files)));
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  return results.some((r) => r.exitCode !== 0) ? 1 : 0;
};

const print = (report: ExecutionReport): void => {
  console.log('| section | with code | measurable | executed |');
  console.log('|:--|--:|--:|--:|');
  for (const s of report.sections.filter((x) => x.withSites > 0))
    console.log(`| ${s.section} ${s.title} | ${s.withSites} | ${s.measurable} | ${s.executed} |`);
  const t = report.summary;
  console.log(`| total | ${t.withSites} | ${t.measurable} | ${t.executed} |\n`);
  const never = new Set(t.neverExecuted);
  for (const e of report.equations) {
    const where = e.reach.length > 0 ? e.reach.join(', ') : never.has(e.number) ? '(never executed)' : `(not measurable: ${[...new Set(e.sites.map((s) => s.kind))].join('/')})`;
    console.log(`${e.number.padEnd(6)} ${String(e.hits).padStart(12)}  ${where}`);
  }
  console.log(`\nnever executed (${t.neverExecuted.length}): ${t.neverExecuted.join(', ') || 'none'}`);
  console.log(`not measurable: only types, load-time constants or Rust (${t.notMeasurable.length}): ${t.notMeasurable.join(', ') || 'none'}`);
};
