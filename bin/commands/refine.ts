/**
 * `jam-model refine`: the work report of a work package (section 14's Xi) against a state read
 * from a trace folder's genesis or a trace step's pre_state, or the named rejection. Argument
 * parsing and printing only; the refiner lives in `chain/`.
 */
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { toHex } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { blob, fromJson, natural, parseJson } from '../../spec/codec.js';
import { availabilitySpec, hash, workReport } from '../../spec/codecs.js';
import type { WorkDigest, WorkPackage, WorkResult } from '../../spec/types.js';
import { workReportHash } from '../../model/reports/work-report.js';
import {
  loadGenesis,
  loadTraceStep,
  loadWorkPackage,
  maxTraceFileSize,
  readFileCapped,
  refinerOf,
  stateFromKeyvals,
  traceGenesisFile,
  type ComputedReport,
  type InCoreData,
  type RefinedItem,
  type RefineState,
} from '../../chain/index.js';
import { chooseConfig, chooseEngines, engineHelp } from '../options.js';

export const help = `usage: jam-model refine PACKAGE (--state DIR | --trace STEP) [--core N] [--data FILE]
                        [--config tiny|full] [--engine E] [--json] [--verbose]

Refines a work package (C.28, .bin or .json in the vectors' form) on a core and prints its work
report (section 14, Xi(p, c) of 14.12), or the named rejection (14.2-14.15: limits, authorizer,
imports, extrinsics). Services and their code are read from a state:

  --state DIR       a trace folder's genesis state (DIR/genesis.bin or .json)
  --trace STEP      a trace step's pre_state (.bin or .json)
  --core N          the core refining (default 0); the authorizer sees it, the report names it
  --data FILE       what the guarantor knows besides the state, as JSON (default: nothing):
                      {"segments":   {"0x<segment root>": ["0x<segment>", ...]},
                       "extrinsics": {"0x<hash>": "0x<data>"},
                       "packages":   [<AvailabilitySpec of an exporting package>, ...]}
                    segments: the exports of each root the package imports from (all of them,
                    W_G octets each; the root is checked); extrinsics: the data each item lists
                    by hash; packages: the specifications that resolve imports naming a
                    package hash (the top bit of the index, C.35). Each key is optional.
  --config C        chain spec: tiny (default) or full
${engineHelp(20)}
  --json            {"hash", "report"} with the report in the vectors' JSON form
                    (jam-types.asn WorkReport), or {"rejected"}; with --verbose also "refined"
  --verbose         also each item's refine outcome before 14.12 judges it: Psi_R's result,
                    the gas it used and how many segments it exported
  -h, --help        this text

Exit status: 0 with a report, 1 when the package is rejected, 2 on bad input (one line saying
what and where: a missing file, a decode failure with its offset, an unknown core) or a missing
native build.`;

/** A JSON object's own keys and values, or Left naming `what` is not an object. */
const entriesOf = (u: unknown, what: string): E.Either<string, ReadonlyArray<[string, unknown]>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u) ? E.right(Object.entries(u)) : E.left(`${what}: expected an object`);

/** The in-core data of a `--data` file (see the help text); Left is one line naming the file and the entry. */
const loadData = (spec: ChainSpec, path: string): E.Either<string, InCoreData> => {
  const bad = (what: string): E.Either<string, never> => E.left(`${path}: ${what}`);
  const read = readFileCapped(path, maxTraceFileSize);
  if (E.isLeft(read)) return bad(read.left);
  let json: unknown;
  try {
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(read.right));
  } catch (e) {
    return bad(`malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const top = entriesOf(json, 'the data');
  if (E.isLeft(top)) return bad(top.left);
  const known = ['segments', 'extrinsics', 'packages'];
  const unknown = top.right.find(([k]) => !known.includes(k));
  if (unknown !== undefined) return bad(`unknown key '${unknown[0]}' (${known.join(', ')})`);
  const field = new Map(top.right);

  const segments = new Map<string, ReadonlyArray<Uint8Array>>();
  const roots = entriesOf(field.get('segments') ?? {}, 'segments');
  if (E.isLeft(roots)) return bad(roots.left);
  for (const [root, list] of roots.right) {
    const r = fromJson(hash, root);
    if (E.isLeft(r)) return bad(`segments: key '${root}': ${r.left.toString()}`);
    if (!Array.isArray(list)) return bad(`segments[${root}]: expected an array of segments`);
    const segs: Uint8Array[] = [];
    for (const [i, x] of (list as ReadonlyArray<unknown>).entries()) {
      const s = fromJson(blob, x);
      if (E.isLeft(s)) return bad(`segments[${root}][${i}]: ${s.left.toString()}`);
      if (s.right.length !== spec.Csegmentsize) return bad(`segments[${root}][${i}]: ${s.right.length} octets, a segment has W_G = ${spec.Csegmentsize}`);
      segs.push(s.right);
    }
    segments.set(toHex(r.right), segs);
  }

  const extrinsics = new Map<string, Uint8Array>();
  const xs = entriesOf(field.get('extrinsics') ?? {}, 'extrinsics');
  if (E.isLeft(xs)) return bad(xs.left);
  for (const [h, d] of xs.right) {
    const k = fromJson(hash, h);
    if (E.isLeft(k)) return bad(`extrinsics: key '${h}': ${k.left.toString()}`);
    const v = fromJson(blob, d);
    if (E.isLeft(v)) return bad(`extrinsics[${h}]: ${v.left.toString()}`);
    extrinsics.set(toHex(k.right), v.right);
  }

  const listed = field.get('packages') ?? [];
  if (!Array.isArray(listed)) return bad('packages: expected an array of availability specifications');
  const packages = [];
  for (const [i, x] of (listed as ReadonlyArray<unknown>).entries()) {
    const a = fromJson(availabilitySpec, x);
    if (E.isLeft(a)) return bad(`packages[${i}]: ${a.left.toString()}`);
    packages.push(a.right);
  }
  return E.right({ segments, extrinsics, packages });
};

/** The state `--state` or `--trace` names; Left is one line. */
const loadState = (spec: ChainSpec, folder: string | undefined, step: string | undefined): E.Either<string, RefineState> => {
  if (folder !== undefined && step !== undefined) return E.left('give --state or --trace, not both');
  if (folder !== undefined) {
    const file = traceGenesisFile(folder);
    if (file === undefined) return E.left(`${folder}: no genesis.bin or genesis.json (--state takes a trace folder)`);
    const g = loadGenesis(spec, file);
    if (E.isLeft(g)) return g;
    return E.mapLeft((e: string) => `${file}: ${e}`)(E.map((s: { state: RefineState }) => s.state)(stateFromKeyvals(spec, g.right.state.keyvals)));
  }
  if (step !== undefined) {
    const t = loadTraceStep(spec, step);
    if (E.isLeft(t)) return t;
    return E.mapLeft((e: string) => `${step}: pre_state: ${e}`)(E.map((s: { state: RefineState }) => s.state)(stateFromKeyvals(spec, t.right.pre.keyvals)));
  }
  return E.left('no state given: refining reads the services and their code from a state; give --state DIR (a trace folder) or --trace STEP');
};

const blobText = (b: Uint8Array): string => (b.length === 0 ? 'empty' : `${toHex(b.subarray(0, 32))}${b.length > 32 ? '...' : ''} (${b.length} octets)`);

const resultText = (r: WorkResult | RefinedItem['result']): string => {
  if (r instanceof Uint8Array) return `ok ${blobText(r)}`;
  if (typeof r === 'string') return r;
  return r.kind === 'ok' ? `ok ${blobText(r.value)}` : r.kind;
};

const digestLines = (d: WorkDigest, i: number): ReadonlyArray<string> => [
  `  item ${i}: service ${d.serviceIndex}, code ${toHex(d.codeHash)}`,
  `    result ${resultText(d.result)}`,
  `    refine gas used ${d.gasUsed}, accumulate gas ${d.gasLimit}, payload hash ${toHex(d.payloadHash)}`,
  `    imports ${d.importCount}, exports ${d.exportCount}, extrinsics ${d.xtCount} (${d.xtSize} octets)`,
];

/** The readable form of a report: the fields of 11.2-11.6 one per line, the items' digests indented. */
const reportText = (out: ComputedReport, verbose: boolean, p: WorkPackage): string => {
  const { report: r } = out;
  const c = r.context;
  const lines = [
    `work report ${toHex(workReportHash(r))}`,
    `  package ${toHex(r.avspec.packageHash)} on core ${r.core}`,
    `  bundle ${r.avspec.bundleLen} octets, erasure root ${toHex(r.avspec.erasureRoot)}`,
    `  exports root ${toHex(r.avspec.segRoot)}, ${r.avspec.segCount} segments`,
    `  anchor ${toHex(c.anchorHash)}, its state root ${toHex(c.anchorPostState)}, accumulation log ${toHex(c.anchorAccOutLog)}`,
    `  lookup anchor ${toHex(c.lookupAnchorHash)} at slot ${c.lookupAnchorTime}; prerequisites ${c.prerequisites.length === 0 ? 'none' : c.prerequisites.map(toHex).join(', ')}`,
    `  authorizer ${toHex(r.authorizer)}, gas used ${r.authGasUsed}, trace ${blobText(r.authTrace)}`,
    `  segment-root lookup ${r.srLookup.length === 0 ? 'none' : r.srLookup.map((x) => `${toHex(x.packageHash)} -> ${toHex(x.segRoot)}`).join(', ')}`,
    ...r.digests.flatMap(digestLines),
  ];
  if (verbose)
    lines.push(
      'refine trace (Psi_R per item, before 14.12):',
      ...out.refined.map(
        (x, i) => `  item ${i}: ${resultText(x.result)}, gas used ${x.u} of ${p.workItems[i]!.refGasLimit}, exported ${x.exported} of ${p.workItems[i]!.exportCount} segments`,
      ),
    );
  return lines.join('\n');
};

const refinedJson = (x: RefinedItem): unknown => ({
  result: x.result instanceof Uint8Array ? { ok: toHex(x.result) } : x.result,
  gas_used: natural.toJson(x.u),
  exported: x.exported,
});

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      trace: { type: 'string' },
      core: { type: 'string', default: '0' },
      data: { type: 'string' },
      config: { type: 'string', default: 'tiny' },
      engine: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const bad = (what: string): number => {
    console.error(`jam-model refine: ${what}`);
    return 2;
  };
  if (positionals.length !== 1) return bad(`${positionals.length === 0 ? 'no' : 'more than one'} work package given (jam-model refine --help)`);
  const spec = chooseConfig(values.config);
  if (E.isLeft(spec)) return bad(spec.left);
  if (!/^\d+$/.test(values.core) || Number(values.core) >= spec.right.Ccorecount)
    return bad(`unknown core '${values.core}': the ${values.config} chain has cores 0 to ${spec.right.Ccorecount - 1}`);
  const core = Number(values.core);
  const p = loadWorkPackage(positionals[0]!);
  if (E.isLeft(p)) return bad(p.left);
  const state = loadState(spec.right, values.state, values.trace);
  if (E.isLeft(state)) return bad(state.left);
  const data = values.data === undefined ? E.right<string, InCoreData>({ segments: new Map(), extrinsics: new Map(), packages: [] }) : loadData(spec.right, values.data);
  if (E.isLeft(data)) return bad(data.left);
  const chosen = chooseEngines(values.engine);
  if (E.isLeft(chosen)) return bad(chosen.left);

  const out = refinerOf(spec.right, chosen.right.engines)(state.right, data.right, p.right, core);
  if (E.isLeft(out)) {
    if (values.json) console.log(JSON.stringify({ rejected: out.left }));
    else console.log(`rejected: ${out.left}`);
    return 1;
  }
  if (values.json)
    console.log(
      JSON.stringify({
        hash: toHex(workReportHash(out.right.report)),
        report: workReport.toJson(out.right.report),
        ...(values.verbose ? { refined: out.right.refined.map(refinedJson) } : {}),
      }),
    );
  else console.log(reportText(out.right, values.verbose, p.right));
  return 0;
};
