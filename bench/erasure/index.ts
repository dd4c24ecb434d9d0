/**
 * Erasure coding throughput at the full config (342 data shards of 1023): one 4104-octet segment
 * and a 1 MiB blob, encode and recover (from the last 342 chunks, every data shard missing), in
 * MB/s of blob, for the native engine, the TypeScript reference and the reed-solomon of
 * `@typeberry/native` (WASM) measured in the same run, with ratios.
 *
 * The peer runs reed-solomon-simd on its own shard layout with shards padded to a multiple of
 * 64 octets and no conversion to the paper's byte layout; ours includes that conversion.
 *
 *   npm run build && node dist/bench/erasure/index.js
 */
import * as E from 'fp-ts/lib/Either.js';
import { init, reedSolomon } from '@typeberry/native';
import { bytesEqual } from '../../spec/bytes.js';
import { full } from '../../spec/chain-spec.js';
import { erasureCode, erasureEngines, erasureRecover, zeroPad, type ErasureEngine } from '../../model/erasure/index.js';
import { benchEngineHelp, benchEngines, helped, orExit } from '../engines.js';
import { msPerCall } from '../timing.js';

const random = (length: number): Uint8Array => {
  const b = new Uint8Array(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
};

const spec = full;
const n = spec.Cecpiecesize / 2;
const V = spec.Cvalcount;

interface Row {
  readonly what: string;
  readonly engine: string;
  readonly ms: number;
  readonly mbps: number;
}

const measure = (what: string, engine: string, bytes: number, f: () => unknown, budgetMs: number): Row => {
  const ms = msPerCall(f, budgetMs);
  return { what, engine, ms, mbps: bytes / 1e6 / (ms / 1e3) };
};

const ours = (what: string, blob: Uint8Array, engine: ErasureEngine, budgetMs: number): ReadonlyArray<Row> => {
  const padded = zeroPad(spec.Cecpiecesize, blob);
  const encode = erasureCode(spec, engine);
  const chunks = encode(padded);
  if (E.isLeft(chunks)) throw new Error(chunks.left);
  const last = chunks.right.slice(V - n).map((c, j) => [c, V - n + j] as const);
  const recover = erasureRecover(spec, engine);
  const back = recover(last);
  if (E.isLeft(back) || !bytesEqual(back.right, padded)) throw new Error(`${engine.name}: recovery does not round-trip`);
  return [
    measure(`${what} encode`, engine.name, blob.length, () => encode(padded), budgetMs),
    measure(`${what} recover`, engine.name, blob.length, () => recover(last), budgetMs),
  ];
};

const typeberry = (what: string, blob: Uint8Array, budgetMs: number): ReadonlyArray<Row> => {
  const shardLen = Math.ceil(Math.ceil(blob.length / n) / 64) * 64;
  const data = new Uint8Array(n * shardLen);
  data.set(blob);
  const encode = () => reedSolomon.encode(V - n, new reedSolomon.ShardsCollection(shardLen, data.slice())).take_data();
  const recovery = encode();
  const indices = Uint16Array.from({ length: n }, (_, j) => V - n + j);
  const given = recovery.slice((V - 2 * n) * shardLen);
  const decode = () =>
    reedSolomon.decode(n, V - n, new reedSolomon.ShardsCollection(shardLen, given.slice(), indices.slice())).take_data();
  if (!bytesEqual(decode(), data)) throw new Error('@typeberry/native: recovery does not round-trip');
  return [
    measure(`${what} encode`, '@typeberry/native', blob.length, encode, budgetMs),
    measure(`${what} recover`, '@typeberry/native', blob.length, decode, budgetMs),
  ];
};

const usage = `usage: node dist/bench/erasure/index.js [--engine E]

Erasure coding (full config) encode and recover, our engines against @typeberry/native.
  ${benchEngineHelp}`;

const main = async () => {
  if (helped(process.argv, usage)) return;
  const engines = orExit('bench:erasure', benchEngines(process.argv, 'erasure'));
  if (engines === undefined) return;
  await init.reedSolomon();
  const segment = random(spec.Csegmentsize);
  const mib = random(1 << 20);
  const rows = [
    ...engines.flatMap((e) => ours('segment 4104 B', segment, erasureEngines[e], e === 'native' ? 500 : 1000)),
    ...typeberry('segment 4104 B', segment, 500),
    ...engines.flatMap((e) => ours('blob 1 MiB', mib, erasureEngines[e], 1000)),
    ...typeberry('blob 1 MiB', mib, 1000),
  ];
  const base = engines[0]!;
  console.log(`erasure coding, full config (${n} of ${V}), one run, ${new Date().toISOString()}`);
  console.log(`operation                 engine              ms/op     MB/s   engine ms / ${base} ms`);
  for (const r of rows) {
    const native = rows.find((x) => x.what === r.what && x.engine === base)!;
    console.log(
      `${r.what.padEnd(25)} ${r.engine.padEnd(18)} ${r.ms.toFixed(3).padStart(9)} ${r.mbps.toFixed(1).padStart(8)}   ${(r.ms / native.ms).toFixed(2).padStart(6)}x`,
    );
  }
};

await main();
