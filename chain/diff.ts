/**
 * Differences, for people to read: between two decoded values, field by field (walks records,
 * arrays, maps, octet strings, bigints and numbers, one line per differing path, e.g.
 * `header.epochMark.validators[3].ed: 0x12.. != 0x34..`), and between two states, key by key,
 * each key named by its state component and, where both sides hold a component or account
 * value, its decoded fields that differ. Empty when equal.
 */
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex, type Hash } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { decode, type Codec } from '../spec/codec.js';
import { codecs, serviceInfo } from '../spec/codecs.js';
import type { KeyValue } from '../spec/trace.js';
import { describeComponent, stateKeyClassifier, trieDiff, trieEntries, trieFromEntries, type StateTrie } from '../model/merklization/index.js';

const show = (v: unknown): string => {
  if (v instanceof Uint8Array) return v.length > 40 ? `${toHex(v.subarray(0, 16))}..(${v.length} octets)` : toHex(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Map) return `Map(${v.size})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object' && v !== null) return '{...}';
  return JSON.stringify(v) ?? String(v);
};

const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/** The paths at which `a` and `b` differ (at most `limit` lines). */
export const diffValues = (a: unknown, b: unknown, path = '', limit = 50): string[] => {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (out.length >= limit) return;
    const here = p === '' ? '(root)' : p;
    if (x instanceof Uint8Array || y instanceof Uint8Array) {
      if (!(x instanceof Uint8Array && y instanceof Uint8Array && bytesEqual(x, y)))
        out.push(`${here}: ${show(x)} != ${show(y)}`);
      return;
    }
    if (x instanceof Map || y instanceof Map) {
      if (!(x instanceof Map && y instanceof Map)) return void out.push(`${here}: ${show(x)} != ${show(y)}`);
      if (x.size !== y.size) out.push(`${here}: ${x.size} entries != ${y.size} entries`);
      for (const [k, v] of x) {
        if (!y.has(k)) out.push(`${here}[${show(k)}]: present != absent`);
        else walk(v, y.get(k), `${here}[${show(k)}]`);
      }
      for (const k of y.keys()) if (!x.has(k)) out.push(`${here}[${show(k)}]: absent != present`);
      return;
    }
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!(Array.isArray(x) && Array.isArray(y))) return void out.push(`${here}: ${show(x)} != ${show(y)}`);
      if (x.length !== y.length) out.push(`${here}: length ${x.length} != ${y.length}`);
      for (let i = 0; i < Math.min(x.length, y.length); i++) walk(x[i], y[i], at(p, i));
      return;
    }
    if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], at(p, k));
      return;
    }
    if (!Object.is(x, y)) out.push(`${here}: ${show(x)} != ${show(y)}`);
  };
  walk(a, b, path);
  return out;
};

/** One side of a state comparison: its name in the lines, its key-values (a trie or a list), its root when known. */
export interface StateSide {
  readonly name: string;
  readonly state: StateTrie | ReadonlyArray<KeyValue>;
  readonly root?: Hash;
}

/** A printable state value: short ones whole, long ones cut. */
const shortValue = (v: Uint8Array | undefined): string => {
  if (v === undefined) return 'absent';
  const h = toHex(v);
  return h.length > 130 ? `${h.slice(0, 130)}... (${v.length} octets)` : h;
};

/**
 * The differences between two states: the roots when both are known and differ, then each key
 * that differs (at most `limit`), named by its component (`kappa (C(8))`, `service 0 storage or
 * request`, ...) as the first side's key-values tell, and for a component or account value on
 * both sides the decoded fields that differ. `jam-model import` compares the recorded posterior
 * with the model's, `jam-model fuzz` the model's state with a target's.
 */
export const diffStates = (spec: ChainSpec, a: StateSide, b: StateSide, limit = 40): ReadonlyArray<string> => {
  const trieOf = (s: StateSide): StateTrie => (Array.isArray(s.state) ? trieFromEntries(s.state as ReadonlyArray<KeyValue>) : (s.state as StateTrie));
  const lines: string[] = [];
  if (a.root !== undefined && b.root !== undefined && !bytesEqual(a.root, b.root))
    lines.push(`state root: ${a.name} ${toHex(a.root)}, ${b.name} ${toHex(b.root)}`);
  const aTrie = trieOf(a);
  const changes = trieDiff(aTrie, trieOf(b));
  const classify = stateKeyClassifier(Array.isArray(a.state) ? (a.state as ReadonlyArray<KeyValue>) : [...trieEntries(aTrie)]);
  for (const c of changes.slice(0, limit)) {
    const component = classify(c.key, c.before ?? c.after);
    lines.push(`${toHex(c.key)} ${describeComponent(component)}: ${a.name} ${shortValue(c.before)}, ${b.name} ${shortValue(c.after)}`);
    const valueCodec =
      component.kind === 'component'
        ? (codecs(spec).stateComponents as Readonly<Record<string, Codec<unknown>>>)[component.name]
        : component.kind === 'account'
          ? (serviceInfo as Codec<unknown>)
          : undefined;
    if (valueCodec !== undefined && c.before !== undefined && c.after !== undefined) {
      const aValue = decode(valueCodec, c.before);
      const bValue = decode(valueCodec, c.after);
      if (E.isRight(aValue) && E.isRight(bValue))
        lines.push(...diffValues(aValue.right, bValue.right, '', 12).map((l) => `    ${l} (${a.name} != ${b.name})`));
    }
  }
  if (changes.length > limit) lines.push(`... and ${changes.length - limit} more keys`);
  return lines;
};
