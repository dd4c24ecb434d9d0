/**
 * Where the public vectors are: `JAM_VECTORS`, else `../shared/vectors` from the working
 * directory, else the same path from this package's own folder. Nothing is copied into the project.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = (): string => {
  // This file lives at <root>/chain/locate.ts, or <root>/dist/chain/locate.js once built.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
};

export class VectorsNotFound extends Error {}

export const vectorsRoot = (): string => {
  const fromEnv = process.env['JAM_VECTORS'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const p = resolve(fromEnv);
    if (!existsSync(p)) throw new VectorsNotFound(`JAM_VECTORS=${fromEnv}: no such folder`);
    return p;
  }
  const candidates = [resolve('../shared/vectors'), resolve(packageRoot(), '../shared/vectors')];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined)
    throw new VectorsNotFound(`vectors not found: set JAM_VECTORS or place them at ${candidates.join(' or ')}`);
  return found;
};

/** The path of a vectors sub-folder, with an error that says how to unpack it when it is missing. */
export const vectorsDir = (...parts: ReadonlyArray<string>): string => {
  const p = join(vectorsRoot(), ...parts);
  if (!existsSync(p))
    throw new VectorsNotFound(`${p} is missing; run ${join(vectorsRoot(), 'unpack')} to unpack the large sets`);
  return p;
};

/** The files of a folder with the given extension, sorted by name (the order cases are reported in). */
export const listFiles = (dir: string, ext: string): ReadonlyArray<string> =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f));

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
