/**
 * The soak run: one long fuzz session (`fuzz/fuzzer`, the fuzzer of `jam-model fuzz`) against one
 * target, sampled every K blocks: the resident memory (RSS) of the fuzzer's process, which holds
 * the model's chain, and of the target's process, and the mean ms per block of each over the
 * window: the fuzzer's (authoring the block and the model's import of it: the wall time between
 * blocks less the round trip) and the target's (its ImportBlock round trip). Prints a row per sample, a
 * JSON document with `--json`, and draws the samples as an SVG chart (`--chart FILE`).
 *
 *   npm run build && npm run bench:soak -- [--target jam-model|typeberry] [--blocks N] [--every K] [--chart FILE] [--json]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { tiny } from '../../spec/chain-spec.js';
import { paperReadings } from '../../spec/readings.js';
import { nativeEngines, useEngines, VectorsNotFound } from '../../chain/index.js';
import { parseSource, runFuzzer } from '../../fuzz/fuzzer/index.js';
import { allKnown } from '../../fuzz/fuzzer/rules.js';
import { modelTarget, startTarget, typeberryDir, typeberryTarget } from './targets.js';

const help = `usage: npm run bench:soak -- [--target jam-model|typeberry] [--blocks N] [--every K]
                             [--source S] [--seed S] [--no-forks] [--chart FILE] [--json]

One fuzz session of N ImportBlocks (main line and forks of depth one, as 'jam-model fuzz --forks'
sends them) against one target started here, each reply checked against the model's. Every K
blocks a sample: the RSS of the fuzzer's process (it holds the model's chain) and of the
target's, and the mean ms per block over the last K blocks of the fuzzer (authoring the block
and the model's import of it) and of the target's round trip. Mismatches are counted, not fatal (jam-model fuzz shrinks and writes them).

  --target T    jam-model (the model's own fuzz target, native engines; default) or typeberry
                (TYPEBERRY_DIR, default /tmp/peer-tb/tb)
  --blocks N    ImportBlocks to send (default 100000)
  --every K     blocks per sample (default 10000)
  --source S    the blocks: guests[:SEED] (default), author[:SEED], traces:DIR (as jam-model fuzz)
  --seed S      the run's seed (default 1)
  --no-forks    the main line only
  --chart FILE  draw the samples as an SVG chart (RSS and ms per block of both processes)
  --json        print the samples and the summary as one JSON document
  -h, --help    this text`;

/** One sample: after `blocks` blocks, the two processes' RSS (MiB) and ms per block over the window. */
interface Sample {
  readonly blocks: number;
  readonly seconds: number;
  readonly fuzzerRssMiB: number;
  readonly targetRssMiB: number;
  /** Authoring a block and the model's import of it. */
  readonly fuzzerMsPerBlock: number;
  readonly targetMsPerBlock: number;
}

/** The resident set of a process (VmRSS of /proc/PID/status), MiB; NaN when it cannot be read. */
const rssOf = (pid: number): number => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line === undefined ? Number.NaN : Number(line.replace(/\D+/g, '')) / 1024;
  } catch {
    return Number.NaN;
  }
};

const mib = (bytes: number): number => bytes / 2 ** 20;

/**
 * The chart: two panels over blocks sent, RSS (MiB) above and ms per block below, one line per
 * process. Plain SVG, so it renders in a browser, on GitHub and in the typedoc pages.
 */
export const soakChart = (title: string, samples: ReadonlyArray<Sample>, targetName: string): string => {
  const [width, panel, left, top, gap] = [720, 200, 60, 40, 60];
  const height = top + 2 * panel + gap + 50;
  const maxBlocks = Math.max(1, ...samples.map((s) => s.blocks));
  const x = (blocks: number): number => left + ((width - left - 20) * blocks) / maxBlocks;
  const series = [
    { name: 'fuzzer (model) RSS', panel: 0, color: '#1f77b4', value: (s: Sample) => s.fuzzerRssMiB },
    { name: `${targetName} RSS`, panel: 0, color: '#d62728', value: (s: Sample) => s.targetRssMiB },
    { name: 'fuzzer (authoring + model import) ms/block', panel: 1, color: '#1f77b4', value: (s: Sample) => s.fuzzerMsPerBlock },
    { name: `${targetName} round trip ms/block`, panel: 1, color: '#d62728', value: (s: Sample) => s.targetMsPerBlock },
  ];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13">${title}</text>`,
  ];
  for (const [p, label] of [[0, 'RSS (MiB)'], [1, 'ms per block (window mean)']] as const) {
    const y0 = top + p * (panel + gap);
    const values = series.filter((s) => s.panel === p).flatMap((s) => samples.map(s.value)).filter(Number.isFinite);
    const maxV = Math.max(1e-9, ...values) * 1.1;
    const y = (v: number): number => y0 + panel - (panel * v) / maxV;
    out.push(`<rect x="${left}" y="${y0}" width="${width - left - 20}" height="${panel}" fill="none" stroke="#999"/>`);
    out.push(`<text x="${left}" y="${y0 - 6}">${label}</text>`);
    for (const t of [0, 0.5, 1]) out.push(`<text x="${left - 6}" y="${y(maxV * t) + 4}" text-anchor="end">${(maxV * t).toFixed(maxV < 10 ? 2 : 0)}</text>`);
    for (const s of series.filter((s) => s.panel === p)) {
      const points = samples.filter((v) => Number.isFinite(s.value(v))).map((v) => `${x(v.blocks).toFixed(1)},${y(s.value(v)).toFixed(1)}`);
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`);
      for (const pt of points) out.push(`<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="2.5" fill="${s.color}"/>`);
    }
    const legend = series.filter((s) => s.panel === p);
    legend.forEach((s, i) => out.push(`<text x="${left + 10 + i * 330}" y="${y0 + 14}" fill="${s.color}">${s.name}</text>`));
  }
  const axisY = top + 2 * panel + gap + 18;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) out.push(`<text x="${x(maxBlocks * t)}" y="${axisY}" text-anchor="middle">${Math.round(maxBlocks * t)}</text>`);
  out.push(`<text x="${left + (width - left) / 2}" y="${axisY + 18}" text-anchor="middle">blocks sent</text>`, '</svg>');
  return out.join('\n');
};

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      target: { type: 'string', default: 'jam-model' },
      blocks: { type: 'string', default: '100000' },
      every: { type: 'string', default: '10000' },
      source: { type: 'string', default: 'guests' },
      seed: { type: 'string', default: '1' },
      'no-forks': { type: 'boolean', default: false },
      chart: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const [blocks, every, seed] = [Number(values.blocks), Number(values.every), Number(values.seed)];
  if (![blocks, every, seed].every((n) => Number.isSafeInteger(n) && n >= 0) || every === 0 || blocks === 0) {
    console.error(`bench:soak: --blocks, --every and --seed are naturals, --blocks and --every above 0 (got ${values.blocks}, ${values.every}, ${values.seed})`);
    return 2;
  }
  if (values.target !== 'jam-model' && values.target !== 'typeberry') {
    console.error(`bench:soak: --target ${values.target}: jam-model or typeberry`);
    return 2;
  }
  const engines = useEngines(nativeEngines);
  if (E.isLeft(engines)) {
    console.error(`bench:soak: ${engines.left}`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'jam-soak-'));
  const command = values.target === 'typeberry' ? typeberryTarget(dir, typeberryDir()) : modelTarget(dir, undefined);
  const target = await startTarget(command);
  const samples: Sample[] = [];
  const started = performance.now();
  let [windowStart, targetMs, inWindow] = [started, 0, 0];
  const onStep = (sent: number, _steps: number, _label: string, roundTripMs: number): void => {
    targetMs += roundTripMs;
    inWindow++;
    if (sent % every !== 0 && sent !== blocks) return;
    const sample: Sample = {
      blocks: sent,
      seconds: (performance.now() - started) / 1000,
      fuzzerRssMiB: mib(process.memoryUsage().rss),
      targetRssMiB: rssOf(target.pid),
      fuzzerMsPerBlock: (performance.now() - windowStart - targetMs) / inWindow,
      targetMsPerBlock: targetMs / inWindow,
    };
    samples.push(sample);
    [windowStart, targetMs, inWindow] = [performance.now(), 0, 0];
    if (!values.json)
      console.log(
        `${String(sample.blocks).padStart(7)} blocks ${sample.seconds.toFixed(0).padStart(6)} s  RSS fuzzer ${sample.fuzzerRssMiB.toFixed(0).padStart(5)} MiB, ${command.name} ${sample.targetRssMiB.toFixed(0).padStart(5)} MiB  ms/block fuzzer ${sample.fuzzerMsPerBlock.toFixed(2).padStart(7)}, ${command.name} ${sample.targetMsPerBlock.toFixed(2).padStart(7)}`,
      );
  };
  try {
    const source = parseSource(tiny, engines.right, values.source, seed, allKnown);
    const { summary } = await runFuzzer({
      spec: tiny,
      readings: paperReadings,
      engines: engines.right,
      socket: target.socket,
      source,
      steps: blocks,
      seed,
      forks: !values['no-forks'],
      leaveOut: allKnown,
      out: undefined,
      onStep,
    });
    const { host_calls: _calls, ...counts } = summary;
    const title = `soak: ${summary.blocks} blocks (${values.source}, seed ${seed}) against ${command.name}; ${summary.mismatches} mismatches`;
    if (values.chart !== undefined) writeFileSync(values.chart, soakChart(title, samples, command.name));
    if (values.json) console.log(JSON.stringify({ target: command.name, source: values.source, seed, samples, summary: counts }));
    else console.log(`${title}; ${summary.forks} forks, ${summary.rejected} rejected${values.chart === undefined ? '' : `; chart ${values.chart}`}`);
    return 0;
  } catch (e) {
    if (e instanceof VectorsNotFound) console.error(`bench:soak: ${e.message}`);
    else console.error(`bench:soak: ${(e as Error).message}\n${command.name}'s log ends:\n${readFileSync(command.log, 'utf8').split('\n').slice(-10).join('\n')}`);
    return 1;
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

process.exitCode = await main(process.argv.slice(2));
