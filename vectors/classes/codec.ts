/**
 * The `codec` class: each case of `codec/{tiny,full}` is a `.bin` and a `.json` of one type.
 * Passing means: the binary decodes, re-encodes to the same octets, and the JSON decodes to a
 * value equal (field by field) to the binary's.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex } from '../../spec/bytes.js';
import { decode, encode, fromJson, parseJson, type Codec } from '../../spec/codec.js';
import {
  codecs,
  preimagesExtrinsic,
  refineContext,
  ticketsExtrinsic,
  workDigest,
  workItem,
  workPackage,
  workReport,
} from '../../spec/codecs.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { diffValues, listFiles, vectorsDir } from '../../chain/index.js';
import { failed, passed, type CaseResult, type Config, type VectorClass } from '../report.js';

/** Forgets a codec's value type (the runner only compares values). */
const erase = <T>(c: Codec<T>): Codec<unknown> => c as unknown as Codec<unknown>;

/** The schema of each case, chosen by the file stem (`header_0` -> Header, ...). */
const schemaOf = (spec: ChainSpec, stem: string): Codec<unknown> | undefined => {
  const c = codecs(spec);
  const table: Record<string, Codec<unknown>> = {
    assurances_extrinsic: erase(c.assurancesExtrinsic),
    block: erase(c.block),
    disputes_extrinsic: erase(c.disputesExtrinsic),
    extrinsic: erase(c.extrinsic),
    guarantees_extrinsic: erase(c.guaranteesExtrinsic),
    header: erase(c.header),
    preimages_extrinsic: erase(preimagesExtrinsic),
    refine_context: erase(refineContext),
    tickets_extrinsic: erase(ticketsExtrinsic),
    work_item: erase(workItem),
    work_package: erase(workPackage),
    work_report: erase(workReport),
    work_result: erase(workDigest),
  };
  return table[stem.replace(/_\d+$/, '')];
};

const firstDifference = (a: Uint8Array, b: Uint8Array): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

const runCase = (spec: ChainSpec, binPath: string): CaseResult => {
  const stem = basename(binPath, '.bin');
  const schema = schemaOf(spec, stem);
  if (schema === undefined) return failed(`no codec is mapped to the case name ${stem}`);
  const bin = new Uint8Array(readFileSync(binPath));
  const fromBin = decode(schema, bin);
  if (isLeft(fromBin)) return failed(`binary decode: ${fromBin.left.toString()}`);
  const again = encode(schema, fromBin.right);
  if (!bytesEqual(again, bin)) {
    const i = firstDifference(again, bin);
    return failed(
      `re-encoding differs at offset ${i} (${again.length} vs ${bin.length} octets): ` +
        `${toHex(again.subarray(i, i + 16))} vs ${toHex(bin.subarray(i, i + 16))}`,
    );
  }
  const fromJs = fromJson(schema, parseJson(readFileSync(binPath.replace(/\.bin$/, '.json'), 'utf8')));
  if (isLeft(fromJs)) return failed(`JSON decode: ${fromJs.left.toString()}`);
  const diff = diffValues(fromJs.right, fromBin.right, stem);
  return diff.length === 0 ? passed : failed(`JSON value != binary value:\n  ${diff.join('\n  ')}`);
};

export const codecClass: VectorClass = {
  name: 'codec',
  description: 'Appendix C: binary decode/encode round trip and JSON agreement of blocks, headers, extrinsics, work items',
  configs: ['tiny', 'full'],
  cases: (config: Config, _engine, _engines, { spec }) => {
    if (config === 'none') return [];
    return listFiles(vectorsDir('codec', config), '.bin').map((p) => ({
      name: basename(p, '.bin'),
      run: () => runCase(spec, p),
    }));
  },
};
