/**
 * The parts of the STF vectors' test-case schema that are the same in every class
 * (`<class>.asn`): the error-code enumeration, `Output ::= CHOICE { ok, err }` and
 * `TestCase ::= SEQUENCE { input, pre-state, output, post-state }`, built from the codec
 * combinators so that one descriptor reads both the `.json` and the `.bin` form of a case.
 */
import * as E from 'fp-ts/lib/Either.js';
import { CodecFailure, codec, decode, fromJson, record, type Codec } from '../spec/codec.js';
import type { OkOrErr, StfCase, StfCaseDecoder } from './stf.js';

/** An ASN.1 ENUMERATED: one octet, the index of the name in the list; JSON: the name with `_`. */
export const errorCode = <Err extends string>(name: string, names: ReadonlyArray<Err>): Codec<Err> =>
  codec({
    name,
    minSize: 1,
    encodeTo: (w, v) => w.u8(names.indexOf(v)),
    decodeFrom: (r) => {
      const at = r.offset;
      const i = r.u8();
      const v = names[i];
      if (v === undefined) throw new CodecFailure(at, `${name}: no error code ${i}`);
      return v;
    },
    fromJson: (u) => {
      const v = names.find((n) => n === u);
      if (v === undefined) throw new CodecFailure(-1, `${name}: unknown error ${JSON.stringify(u)}`);
      return v;
    },
    toJson: (v) => v,
  });

/** `Output ::= CHOICE { ok OutputData, err ErrorCode }`: discriminator 0 then the data, or 1 then the code. */
export const okOrErr = <O, Err extends string>(ok: Codec<O>, err: Codec<Err>): Codec<OkOrErr<O, Err>> =>
  codec({
    name: `Output(${ok.name})`,
    minSize: 1,
    encodeTo: (w, v) => {
      if ('ok' in v) {
        w.u8(0);
        ok.encodeTo(w, v.ok);
      } else {
        w.u8(1);
        err.encodeTo(w, v.err);
      }
    },
    decodeFrom: (r) => {
      const at = r.offset;
      const tag = r.u8();
      if (tag === 0) return { ok: ok.decodeFrom(r) };
      if (tag === 1) return { err: err.decodeFrom(r) };
      throw new CodecFailure(at, `output discriminator must be 0 or 1, got ${tag}`);
    },
    fromJson: (u) => {
      if (typeof u === 'object' && u !== null && 'ok' in u) return { ok: ok.fromJson((u as { ok: unknown }).ok) };
      if (typeof u === 'object' && u !== null && 'err' in u) return { err: err.fromJson((u as { err: unknown }).err) };
      throw new CodecFailure(-1, 'output must be { ok } or { err }');
    },
    toJson: (v) => ('ok' in v ? { ok: ok.toJson(v.ok) } : { err: err.toJson(v.err) }),
  });

/** `TestCase ::= SEQUENCE { input, pre-state, output, post-state }` as a decoder of both forms. */
export const stfCaseDecoder = <I, S, O>(input: Codec<I>, state: Codec<S>, output: Codec<O>): StfCaseDecoder<I, S, O> => {
  const testCase = record<StfCase<I, S, O>>('TestCase', [
    ['input', 'input', input],
    ['preState', 'pre_state', state],
    ['output', 'output', output],
    ['postState', 'post_state', state],
  ]);
  return {
    fromJson: (json) => E.mapLeft(String)(fromJson(testCase, json)),
    fromBinary: (bytes) => E.mapLeft(String)(decode(testCase, bytes)),
  };
};
