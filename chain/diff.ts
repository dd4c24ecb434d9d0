/**
 * A field-level difference between two decoded values: walks records, arrays, maps, octet
 * strings, bigints and numbers, and prints one line per differing path, e.g.
 * `header.epochMark.validators[3].ed: 0x12.. != 0x34..`. Empty when the values are equal.
 */
import { bytesEqual, toHex } from '../spec/bytes.js';

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
