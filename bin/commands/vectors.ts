/** `jam-model vectors`: run the public conformance vectors and print a pass/fail table. */
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { configParams, findClass, runClass, vectorClasses, type ClassReport, type Config } from '#conformance';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { departures, paperReadings } from '../../spec/readings.js';
import type { ChainParams } from '../../chain/index.js';
import { chooseEngines, chooseReadings, chooseSpecFile, engineHelp } from '../options.js';
import { progress } from '../progress.js';

export const help = `usage: jam-model vectors [class ...] [--config tiny|full | --chain-spec FILE] [--engine E] [--reading NAME=VALUE ...]
                         [--json] [--verbose]

Runs the public conformance vectors (found through JAM_VECTORS, default ../shared/vectors)
and prints passed/failed/skipped per class, config and engine.

  class ...        classes to run (default: all). Known: ${vectorClasses.map((c) => c.name).join(', ') || '(none yet)'}
  --config C       only config C (tiny or full)
${engineHelp(19)}.
                   A class that compares two twins (pvm, accumulate, erasure, ed25519) runs both
                   unless --engine names its engine; the others run on the engines chosen.
  --reading N=V    run under a reading other than 0.7.2's (repeatable; \`jam-model readings\`
                   lists them). Each class then also runs under 0.7.2's readings and the
                   report says how many cases changed status (--verbose lists them).
  --chain-spec F   run the config the file's "base" names with its constants instead (JSON of
                   ChainSpec fields over "base", checked against the paper's constraints), and
                   report the cases that move as for --reading. The classes that take their
                   constants from the chain: codec, the STF classes (safrole ... accumulate),
                   traces, fuzz-sessions, erasure; the others keep their config's.
  --json           one JSON line per class/config/engine: {"class","config","passed","failed","skipped"},
                   with "moved" (the names of the cases that changed status) under --reading
  --verbose        list every failed case with its diff and every skipped case with its reason
  --list           list the classes and exit
  -h, --help       this text

Exit status: 0 when nothing failed, 1 when a case failed, 2 on bad usage or a missing native build.`;

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      engine: { type: 'string' },
      reading: { type: 'string', multiple: true },
      'chain-spec': { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values.list) {
    for (const c of vectorClasses) console.log(`${c.name.padEnd(16)} ${c.description}`);
    return 0;
  }
  if (values.config !== undefined && values.config !== 'tiny' && values.config !== 'full') {
    console.error(`jam-model vectors: --config must be tiny or full, not '${values.config}'`);
    return 2;
  }
  const unknown = positionals.filter((n) => findClass(n) === undefined);
  if (unknown.length > 0) {
    console.error(
      `jam-model vectors: unknown class ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${vectorClasses.map((c) => c.name).join(', ')}`,
    );
    return 2;
  }
  const chosen = chooseEngines(values.engine);
  if (E.isLeft(chosen)) {
    console.error(`jam-model vectors: ${chosen.left}`);
    return 2;
  }
  const { named, engines: chainEngines } = chosen.right;
  const readings = chooseReadings(values.reading);
  if (E.isLeft(readings)) {
    console.error(`jam-model vectors: ${readings.left}`);
    return 2;
  }
  let custom: { readonly spec: ChainSpec; readonly base: 'tiny' | 'full' } | undefined;
  if (values['chain-spec'] !== undefined) {
    const file = chooseSpecFile(values['chain-spec']);
    if (E.isLeft(file)) {
      for (const line of file.left) console.error(`jam-model vectors: ${line}`);
      return 2;
    }
    custom = file.right;
    if (values.config !== undefined && values.config !== custom.base) {
      console.error(`jam-model vectors: --config ${values.config} and a chain spec over ${custom.base}: the chain spec replaces ${custom.base}'s constants`);
      return 2;
    }
  }
  const moving = departures(readings.right).length > 0 || custom !== undefined;
  if (moving && !values.json)
    console.log(
      `against 0.7.2's readings and the vectors' constants: ${[...departures(readings.right), ...(custom === undefined ? [] : [`chain spec ${custom.spec.name}`])].join(' ')}`,
    );
  const only = custom?.base ?? values.config;
  /** The parameters of a config's run: the chain spec's constants for its base, the readings chosen. */
  const paramsOf = (config: Config): ChainParams =>
    config === custom?.base ? { spec: custom.spec, readings: readings.right } : configParams(config, readings.right);
  const classes = positionals.length === 0 ? vectorClasses : positionals.map((n) => findClass(n)!);
  const reports: Array<ClassReport & { readonly moved?: ReadonlyArray<Moved> }> = [];
  const bar = progress(true);
  for (const cls of classes) {
    const configs = cls.configs.filter((c: Config) => only === undefined || c === 'none' || c === only);
    const onlyEngine = cls.engineKind === undefined ? undefined : named[cls.engineKind];
    // A class that compares twins runs the engine named for its kind (pvm=interpreter too), else both.
    const engines = cls.engines === undefined ? [undefined] : onlyEngine === undefined ? cls.engines : [onlyEngine];
    for (const config of configs)
      for (const engine of engines) {
        const label = [cls.name, config, engine].filter((x) => x !== undefined && x !== 'none').join('/');
        const runUnder = (params: ChainParams, what: string): Promise<ClassReport> =>
          runClass(cls, config, engine, chainEngines, params, (d, t, name) => bar.update(d, t, `${label}${what} ${name}`));
        let report: ClassReport;
        let moved: ReadonlyArray<Moved> | undefined;
        try {
          report = await runUnder(paramsOf(config), '');
          if (moving) moved = movedCases(await runUnder(configParams(config, paperReadings), ' (0.7.2)'), report);
        } catch (e) {
          bar.done();
          console.error(`jam-model vectors: ${label}: ${e instanceof Error ? e.message : String(e)}`);
          return 1;
        }
        bar.done();
        reports.push(moved === undefined ? report : { ...report, moved });
        if (values.json) {
          const { outcomes: _outcomes, ...counts } = report;
          console.log(JSON.stringify(moved === undefined ? counts : { ...counts, moved: moved.map((m) => m.name) }));
        }
      }
  }
  if (!values.json) printTable(reports, values.verbose);
  return reports.some((r) => r.failed > 0) ? 1 : 0;
};

/** A case whose status under the readings chosen differs from its status under 0.7.2's. */
interface Moved {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

const movedCases = (paper: ClassReport, chosen: ClassReport): ReadonlyArray<Moved> => {
  const before = new Map(paper.outcomes.map((o) => [o.name, o.result.status]));
  return chosen.outcomes
    .filter((o) => before.get(o.name) !== o.result.status)
    .map((o) => ({ name: o.name, from: before.get(o.name) ?? 'absent', to: o.result.status }));
};

const printTable = (reports: ReadonlyArray<ClassReport & { readonly moved?: ReadonlyArray<Moved> }>, verbose: boolean): void => {
  const withMoved = reports.some((r) => r.moved !== undefined);
  const rows = reports.map((r) => [
    r.class,
    r.config,
    r.engine ?? '',
    `${r.passed}`,
    `${r.failed}`,
    `${r.skipped}`,
    ...(withMoved ? [`${r.moved?.length ?? 0}`] : []),
  ]);
  const head = ['class', 'config', 'engine', 'passed', 'failed', 'skipped', ...(withMoved ? ['moved'] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  for (const r of reports)
    for (const o of r.outcomes) {
      if (o.result.status === 'failed' && (verbose || r.failed <= 5))
        console.log(`\nFAILED ${r.class}/${r.config}${r.engine ? '/' + r.engine : ''} ${o.name}\n${o.result.detail}`);
      if (o.result.status === 'skipped' && verbose)
        console.log(`skipped ${r.class}/${r.config} ${o.name}: ${o.result.reason}`);
    }
  const skippedReasons = new Map<string, number>();
  for (const r of reports)
    for (const o of r.outcomes)
      if (o.result.status === 'skipped') skippedReasons.set(o.result.reason, (skippedReasons.get(o.result.reason) ?? 0) + 1);
  for (const [reason, n] of skippedReasons) console.log(`skipped ${n}: ${reason}`);
  if (withMoved) {
    const summary = new Map<string, number>();
    for (const r of reports)
      for (const m of r.moved ?? []) {
        const key = `${r.class}: ${m.from} -> ${m.to}`;
        summary.set(key, (summary.get(key) ?? 0) + 1);
        if (verbose) console.log(`moved ${r.class}/${r.config}${r.engine ? '/' + r.engine : ''} ${m.name}: ${m.from} under 0.7.2's readings and the vectors' constants -> ${m.to}`);
      }
    for (const [key, n] of summary) console.log(`moved ${n} against 0.7.2's readings and the vectors' constants: ${key}`);
  }
};
