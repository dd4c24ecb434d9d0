/**
 * The one place that loads the napi-rs addon of `native/binding`. Only `model/pvm`,
 * `model/erasure` and `model/crypto` call it. A missing binary is an error that names the
 * command that builds it, raised when a native engine is first asked for, never at import.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type NativeBinding = typeof import('../native/binding/index.cjs');

export class NativeUnavailable extends Error {
  override readonly name = 'NativeUnavailable';
}

const bindingPath = (): string => {
  // model/native.ts, or dist/model/native.js once built: walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'native', 'binding', 'index.cjs')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'native', 'binding', 'index.cjs');
};

let cached: NativeBinding | undefined;

/** The native addon; throws NativeUnavailable (saying how to build it) when it is not built. */
export const loadNative = (): NativeBinding => {
  if (cached !== undefined) return cached;
  const path = bindingPath();
  try {
    cached = createRequire(import.meta.url)(path) as NativeBinding;
    return cached;
  } catch (e) {
    // napi's loader says "Cannot find native binding" (with advice about npm) when no .node is there.
    const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const what = why.startsWith('Cannot find native binding') ? `no ${join(dirname(path), '*.node')}` : `${path}: ${why}`;
    throw new NativeUnavailable(`the native engine is not built (${what}); build it with: npm run build:native (needs the Rust toolchain)`);
  }
};

/** Whether the native addon loads, for callers that fall back to the TypeScript reference. */
export const nativeAvailable = (): boolean => {
  try {
    loadNative();
    return true;
  } catch {
    return false;
  }
};

/**
 * The array short octet sequences cross into the addon through. Speed: V8 keeps a typed array of
 * at most 64 octets inside its heap and moves it out the first time the addon is handed it, which
 * costs more than a hash of it; this array was moved out once. Every use copies in, calls the
 * addon and is done with it before the next (the addon copies what it keeps).
 */
export const scratch = new Uint8Array(1 << 16);

/**
 * Views of `arrays` copied into `scratch` one after another, in their order; an array past its
 * end is handed over as it is.
 */
export const throughScratch = (arrays: ReadonlyArray<Uint8Array>): Uint8Array[] => {
  let at = 0;
  return arrays.map((a) => {
    if (at + a.length > scratch.length) return a;
    scratch.set(a, at);
    at += a.length;
    return scratch.subarray(at - a.length, at);
  });
};
