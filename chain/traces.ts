/**
 * Block-trace files (traces/schema.asn): reading a TraceStep or Genesis file (`.bin` or `.json`)
 * with a size limit (and a work package the same way, for `jam-model refine`), the step files of a trace folder, and the key-by-key comparison of an
 * imported posterior with the recorded one.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { decode, fromJson, parseJson, type Codec } from '../spec/codec.js';
import { codecs, serviceInfo, workPackage } from '../spec/codecs.js';
import type { WorkPackage } from '../spec/types.js';
import { genesis, traceStep, type Genesis, type RawState, type TraceStep } from '../spec/trace.js';
import type { Imported } from '../model/block-import/index.js';
import { describeComponent, stateKeyClassifier, trieDiff, trieFromEntries } from '../model/merklization/index.js';
import { diffValues } from './diff.js';
import { vectorsDir } from './locate.js';

/** The largest trace file read: 2 GiB (the largest recorded step is a few megabytes). */
export const maxTraceFileSize = 2 ** 31;

/** A file's octets, read only when it is a regular file of at most `limit` octets; else what is wrong. */
export const readFileCapped = (path: string, limit: number): E.Either<string, Uint8Array> => {
  const failure = (e: unknown): E.Either<string, never> => {
    const code = (e as { code?: string }).code;
    return E.left(code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(e)})`);
  };
  // Checked before opening: opening a FIFO would wait for a writer, a device has no end.
  try {
    if (!statSync(path).isFile()) return E.left('not a regular file');
  } catch (e) {
    return failure(e);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return failure(e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return E.left('not a regular file');
    if (st.size > limit) return E.left(`${st.size} octets, over the limit of ${limit} octets`);
    if (st.size === 0) return E.left('empty file');
    const out = new Uint8Array(st.size);
    let n = 0;
    while (n < out.length) {
      const got = readSync(fd, out, n, out.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return E.right(out.subarray(0, n));
  } finally {
    closeSync(fd);
  }
};

/** Decodes a file, binary (`.bin`) or JSON (`.json`), reading at most `maxTraceFileSize` octets; Left says what failed. */
const loadFile = <T>(c: Codec<T>, path: string): E.Either<string, T> => {
  const read = readFileCapped(path, maxTraceFileSize);
  if (E.isLeft(read)) return read;
  if (!path.endsWith('.json')) return E.mapLeft((e: { toString: () => string }) => e.toString())(decode(c, read.right));
  let json: unknown;
  try {
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(read.right));
  } catch (e) {
    return E.left(`malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return E.mapLeft((e: { toString: () => string }) => e.toString())(fromJson(c, json));
};

/** Decodes one step file; Left names the file and what failed. */
export const loadTraceStep = (spec: ChainSpec, path: string): E.Either<string, TraceStep> =>
  E.mapLeft((e: string) => `${path}: ${e}`)(loadFile(traceStep(spec), path));

/** Decodes a genesis file (its header and state); Left names the file and what failed. */
export const loadGenesis = (spec: ChainSpec, path: string): E.Either<string, Genesis> =>
  E.mapLeft((e: string) => `${path}: ${e}`)(loadFile(genesis(spec), path));

/** Decodes a work package file (C.28; `.bin`, or `.json` in the vectors' form); Left names the file and what failed. */
export const loadWorkPackage = (path: string): E.Either<string, WorkPackage> =>
  E.mapLeft((e: string) => `${path}: ${e}`)(loadFile(workPackage, path));

/** A trace folder's genesis file (`genesis.bin`, else `genesis.json`), if it has one. */
export const traceGenesisFile = (folder: string): string | undefined =>
  ['genesis.bin', 'genesis.json'].map((f) => join(folder, f)).find((f) => existsSync(f));

/** The step files of one trace folder, in order: each numbered step's `.bin`, else its `.json`. */
export const traceSteps = (folder: string): ReadonlyArray<string> => {
  const files = new Set(readdirSync(folder));
  const steps = [...new Set([...files].filter((f) => /^\d+\.(bin|json)$/.test(f)).map((f) => f.replace(/\.(bin|json)$/, '')))].sort();
  return steps.map((n) => join(folder, files.has(`${n}.bin`) ? `${n}.bin` : `${n}.json`));
};

/** The trace folders of the public vectors (`traces/<name>/`). */
export const traceFolders = (): ReadonlyArray<string> => {
  const root = vectorsDir('traces');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .sort();
};

/**
 * The differences between the model's posterior and the recorded one: the roots, then each key
 * that differs, named by its component (`kappa (C(8))`, `service 0 storage or request`, ...),
 * and for a component or account value on both sides the decoded fields that differ.
 */
export const diffPosterior = (spec: ChainSpec, got: Imported, expected: RawState, limit = 40): ReadonlyArray<string> => {
  const lines: string[] = [];
  if (!bytesEqual(got.root, expected.root)) lines.push(`state root: expected ${toHex(expected.root)}, model ${toHex(got.root)}`);
  const recorded = trieFromEntries(expected.keyvals);
  const changes = trieDiff(got.trie, recorded);
  const classify = stateKeyClassifier(expected.keyvals);
  const short = (v: Uint8Array | undefined): string => {
    if (v === undefined) return 'absent';
    const h = toHex(v);
    return h.length > 130 ? `${h.slice(0, 130)}... (${v.length} octets)` : h;
  };
  for (const c of changes.slice(0, limit)) {
    const component = classify(c.key, c.after ?? c.before);
    lines.push(`${toHex(c.key)} ${describeComponent(component)}: expected ${short(c.after)}, model ${short(c.before)}`);
    // A component or account value present on both sides: its fields that differ, decoded.
    const valueCodec =
      component.kind === 'component'
        ? (codecs(spec).stateComponents as Readonly<Record<string, Codec<unknown>>>)[component.name]
        : component.kind === 'account'
          ? (serviceInfo as Codec<unknown>)
          : undefined;
    if (valueCodec !== undefined && c.before !== undefined && c.after !== undefined) {
      const expectedValue = decode(valueCodec, c.after);
      const modelValue = decode(valueCodec, c.before);
      if (E.isRight(expectedValue) && E.isRight(modelValue))
        lines.push(...diffValues(expectedValue.right, modelValue.right, '', 12).map((l) => `    ${l} (expected != model)`));
    }
  }
  if (changes.length > limit) lines.push(`... and ${changes.length - limit} more keys`);
  return lines;
};
