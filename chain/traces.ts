/**
 * Block-trace files (traces/schema.asn): reading a TraceStep or Genesis file (`.bin` or `.json`)
 * with a size limit (and a work package the same way, for `jam-model refine`), and the step files
 * of a trace folder. (A posterior is compared with the recorded one by `diffStates`, diff.ts.)
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { decode, fromJson, parseJson, type Codec } from '../spec/codec.js';
import { workPackage } from '../spec/codecs.js';
import type { WorkPackage } from '../spec/types.js';
import { genesis, traceStep, type Genesis, type TraceStep } from '../spec/trace.js';
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
