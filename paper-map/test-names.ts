/**
 * The tests and properties that name an equation: a `@gp` tag in a test file, or an equation
 * number in the title of an `it`, `test` or `describe` (`'F.1: shuffling ... is a permutation'`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { IndexLookup } from './equation-index.js';
import { findTags, parseTag, resolveTag } from './tags.js';

export interface TestSite {
  /** Relative to the root, with `/` separators. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The test's title, or the tag's text. */
  readonly title: string;
}

// Not paper-map/: its tests quote tags as data and name no equation.
const testFolders = ['spec', 'model', 'vectors', 'properties', 'fuzz', 'bin'];
const title = /\b(?:it|test|describe)(?:\.\w+)?\(\s*(['"`])(.*?)\1/;
/** An equation number standing alone (not inside `0.7.2` or `v1.2`). */
const numberStart = /(?<![\w.])(?:[1-9]\d?|[A-Z])\.[1-9]/g;

const testFiles = (dir: string): ReadonlyArray<string> => {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' ? [] : testFiles(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
};

/** Test sites per equation number, in file then line order. */
export const scanTestNames = (root: string, idx: IndexLookup): ReadonlyMap<string, ReadonlyArray<TestSite>> => {
  const out = new Map<string, TestSite[]>();
  const add = (number: string, site: TestSite): void => {
    const list = out.get(number) ?? [];
    if (!list.some((s) => s.file === site.file && s.line === site.line)) list.push(site);
    out.set(number, list);
  };
  const files = testFolders.flatMap((f) => testFiles(join(root, f))).map((p) => relative(root, p).split(sep).join('/'));
  for (const file of files.sort()) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const tag of findTags(file, source))
      for (const n of resolveTag(idx)(parseTag(tag.text)).numbers) add(n, { file, line: tag.line, title: `@gp ${tag.text}` });
    source.split('\n').forEach((line, i) => {
      const t = title.exec(line)?.[2];
      if (t === undefined) return;
      for (const m of t.matchAll(numberStart))
        for (const n of resolveTag(idx)(parseTag(t.slice(m.index))).numbers) add(n, { file, line: i + 1, title: t });
    });
  }
  return out;
};
