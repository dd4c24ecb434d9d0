import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file is `<root>/paper-map/root.ts`, or `<root>/dist/paper-map/root.js` once built. */
export const packageRoot = (): string => {
  const parent = dirname(dirname(fileURLToPath(import.meta.url)));
  return basename(parent) === 'dist' ? dirname(parent) : parent;
};

/**
 * The shared Gray Paper equation table, if present: `JAM_GRAYPAPER/equations.tsv`, else the first
 * `shared/graypaper/equations.tsv` found in a folder above the package root.
 */
export const sharedEquationTable = (): string | undefined => {
  const fromEnv = process.env['JAM_GRAYPAPER'];
  if (fromEnv !== undefined && fromEnv !== '') return join(resolve(fromEnv), 'equations.tsv');
  for (let dir = dirname(packageRoot()); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'graypaper', 'equations.tsv');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
};
