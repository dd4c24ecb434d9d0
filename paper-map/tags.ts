/**
 * The `@gp` tag: its grammar, its resolution against the equation index, and the scan of the
 * source tree for tags.
 *
 * Grammar (after the literal `@gp`, which must not follow a letter, digit, `@`, quote or backtick,
 * so that `` `@gp` `` in prose is not a tag):
 *
 * ```text
 * tag     = "@gp" ws ref { ws? "," ws? ref } [ ws label { ws? ","? ws? label } ] rest
 * ref     = number [ dash ( number | index ) | ws ( "-" | "–" ) ws number ]
 *                                                    a range, inside one section
 * number  = section "." index                        4.5  11.25  A.12  C.1
 * section = 1-2 digits (no leading 0) | one capital letter
 * index   = digits (no leading 0)
 * dash    = "-" | "–" | ".."                         C.1-C.4, C.1-4, 11.25..11.28, and C.1 - C.4
 *                                                    (" -- " is not a dash: it starts the words)
 * label   = [ "(" | "[" ] "eq:" word [ ")" | "]" ]    the paper's \label, checked against the numbers
 * rest    = anything up to the next "@gp" on the line (conventionally " -- short words")
 * ```
 *
 * Examples: `@gp 10.7 -- verdict validity`, `@gp 11.25, 11.26`, `@gp C.1-C.4`, `@gp 4.5 eq:foo`.
 * Host calls (Appendix B) are tagged like any other equation (`@gp B.7`); only the numbered
 * equations of the index exist, so a subsection number such as `B.7.2` is rejected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { splitNumber, type IndexLookup } from './equation-index.js';

/** A reference as written: one number, or a range `from`-`to` (`to` already carries the section). */
export type Ref = { readonly from: string; readonly to?: string };

export interface ParsedTag {
  readonly refs: ReadonlyArray<Ref>;
  readonly labels: ReadonlyArray<string>;
  /** Syntax problems: no number after `@gp`, a subsection-like number, a range across sections. */
  readonly problems: ReadonlyArray<string>;
}

const numberAt = /^([1-9]\d?|[A-Z])\.([1-9]\d*)/;
const rangeEnd = /^(?:(?:-|–|\.\.)(?:([1-9]\d?|[A-Z])\.)?|\s+[-–]\s+([1-9]\d?|[A-Z])\.)([1-9]\d*)(?!\d|\.\d)/;
const separator = /^\s*,\s*/;
const labelAt = /^\s*,?\s*[([]?(eq:\w+)[)\]]?/;

/** Parses the text that follows `@gp` (syntax only; see `resolveTag` for the index). */
export const parseTag = (text: string): ParsedTag => {
  const refs: Ref[] = [];
  const labels: string[] = [];
  const problems: string[] = [];
  let rest = text.replace(/^\s+/, '');
  for (;;) {
    const m = numberAt.exec(rest);
    if (m === null) {
      if (refs.length === 0) problems.push(`no equation number after @gp (found ${JSON.stringify(rest.slice(0, 20))})`);
      break;
    }
    const [whole, section = '', index = ''] = m;
    rest = rest.slice(whole.length);
    const deeper = /^\.\d+/.exec(rest);
    if (deeper !== null) {
      problems.push(`${whole}${deeper[0]} is not an equation number (equations are numbered <section>.<n>)`);
      rest = rest.slice(deeper[0].length);
    } else {
      const r = rangeEnd.exec(rest);
      const bad = r === null ? /^(?:-|–|\.\.)[A-Z0-9][\w.]*/.exec(rest) : null;
      if (bad !== null) {
        problems.push(`${whole}${bad[0]} is not a range of equation numbers`);
        rest = rest.slice(bad[0].length);
      } else if (r === null) refs.push({ from: `${section}.${index}` });
      else {
        rest = rest.slice(r[0].length);
        const toSection = r[1] ?? r[2] ?? section;
        const to = `${toSection}.${r[3] ?? ''}`;
        if (toSection !== section) problems.push(`range ${section}.${index}-${to} crosses sections`);
        else if (Number(r[3]) <= Number(index)) problems.push(`range ${section}.${index}-${to} is empty or reversed`);
        else refs.push({ from: `${section}.${index}`, to });
      }
    }
    const s = separator.exec(rest);
    if (s === null || numberAt.exec(rest.slice(s[0].length)) === null) break;
    rest = rest.slice(s[0].length);
  }
  for (let l = labelAt.exec(rest); l !== null; l = labelAt.exec(rest)) {
    labels.push(l[1] ?? '');
    rest = rest.slice(l[0].length);
  }
  return { refs, labels, problems };
};

/** The equation numbers a parsed tag names, and what does not resolve in the index. */
export interface ResolvedTag {
  readonly numbers: ReadonlyArray<string>;
  readonly problems: ReadonlyArray<string>;
}

const missing = (idx: IndexLookup, number: string): string => {
  const [section] = splitNumber(number);
  const inSection = idx.index.equations.filter((e) => e.section === section);
  const last = inSection[inSection.length - 1];
  return last === undefined
    ? `${number} does not exist: GP 0.7.2 has no numbered equations in section ${section}`
    : `${number} does not exist: section ${section} has ${section}.1-${last.number}`;
};

export const resolveTag =
  (idx: IndexLookup) =>
  (tag: ParsedTag): ResolvedTag => {
    const numbers: string[] = [];
    const problems: string[] = [...tag.problems];
    for (const ref of tag.refs) {
      if (ref.to === undefined) {
        if (idx.byNumber.has(ref.from)) numbers.push(ref.from);
        else problems.push(missing(idx, ref.from));
        continue;
      }
      const [section, first] = splitNumber(ref.from);
      const [, last] = splitNumber(ref.to);
      for (let i = first; i <= last; i++) {
        const n = `${section}.${i}`;
        if (idx.byNumber.has(n)) numbers.push(n);
        else {
          problems.push(`range ${ref.from}-${ref.to}: ${missing(idx, n)}`);
          break;
        }
      }
    }
    for (const label of tag.labels) {
      const eq = idx.byLabel.get(label);
      if (eq === undefined) problems.push(`${label} is not a label of a numbered equation`);
      else if (!numbers.includes(eq.number))
        problems.push(`${label} is equation ${eq.number}, which the tag does not name (${numbers.join(', ') || 'none'})`);
    }
    return { numbers, problems };
  };

/** One `@gp` tag found in a source file. */
export interface TagSite {
  /** Relative to the scanned root, with `/` separators. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The declaration the tag documents or sits in, when it is easy to tell. */
  readonly symbol?: string;
  /** The text after `@gp` up to the end of the line (or of the comment). */
  readonly text: string;
}

const tagStart = /(?<![\w@'"`])@gp(?![\w-])/g;

/** The text of each tag on a line: from after `@gp` to the next tag, the end of the comment or of the line. */
const tagTexts = (line: string): ReadonlyArray<string> => {
  const starts = [...line.matchAll(tagStart)].map((m) => m.index);
  return starts.map((at, k) => {
    const text = line.slice(at + 3, starts[k + 1] ?? line.length);
    const close = text.indexOf('*/');
    return (close < 0 ? text : text.slice(0, close)).trim();
  });
};

const keywords = new Set([
  'if', 'for', 'while', 'switch', 'return', 'case', 'else', 'match', 'loop', 'let', 'const', 'new', 'await', 'yield',
  'throw', 'typeof', 'do', 'try', 'catch', 'where', 'in', 'of', 'use', 'super', 'this', 'self', 'Self',
]);

const tsDeclaration =
  /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const rsDeclaration =
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern\s+"[^"]*")\s+)*(?:fn|struct|enum|trait|type|const|static|mod|union|macro_rules!)\s*([A-Za-z_]\w*)/;
const rsImpl = /^\s*(?:unsafe\s+)?impl(?:<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?([A-Za-z_]\w*)/;
/** A member: method, property, enum variant, object key, match arm on a path (`Op::Add =>`). */
const member =
  /^\s*(?:(?:pub(?:\([^)]*\))?|public|private|protected|static|readonly|async|get|set|override)\s+)*(?:fn\s+)?([A-Za-z_$][\w$]*)\s*(?:[(:=<?,{]|$)/;

const declarationOf = (line: string, rust: boolean): string | undefined => {
  const d = (rust ? rsDeclaration : tsDeclaration).exec(line) ?? (rust ? rsImpl.exec(line) : null);
  return d?.[1];
};

const symbolOn = (line: string, rust: boolean): string | undefined => {
  const d = declarationOf(line, rust);
  if (d !== undefined) return d;
  const m = member.exec(line)?.[1];
  return m === undefined || keywords.has(m) ? undefined : m;
};

const isCommentLine = (line: string): boolean => /^\s*(?:\/\/|\/\*|\*|#\[|@)/.test(line) || line.trim() === '';
const indentOf = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;
const localDeclaration = (rust: boolean): RegExp =>
  rust ? /^\s+let\s+(?:mut\s+)?([A-Za-z_]\w*)/ : /^\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/;

/**
 * The declaration around line `at` (indented `indent`): walking up, each line indented less than
 * every line so far opens a block around it; the first such line that declares something wins.
 * Lines that continue an expression (`)`, `}`, `]`, `.`, `|`, `&`, `?`, `:`, `=>` first) open nothing.
 */
const enclosing = (lines: ReadonlyArray<string>, at: number, indent: number, rust: boolean): string | undefined => {
  for (let j = at - 1; j >= 0 && indent > 0; j--) {
    const l = lines[j] ?? '';
    if (l.trim() === '' || indentOf(l) >= indent || /^\s*(?:[)}\].|&?:]|=>)/.test(l)) continue;
    const d = declarationOf(l, rust);
    if (d !== undefined) return d;
    indent = indentOf(l);
  }
  return undefined;
};

/**
 * The line (0-based) of the code a tag on line `at` documents: `at` itself when code precedes the
 * comment (a trailing comment), else the first line after the comment block that is not a comment.
 * The runtime coverage counts executions there.
 */
export const codeLineOf = (lines: ReadonlyArray<string>, at: number): number => {
  const own = lines[at] ?? '';
  const before = own.slice(0, own.search(/\/\/|\/\*/));
  let i = at;
  if (before.trim() === '' || /^\s*\*/.test(own)) {
    if (/\/\*/.test(own) || /^\s*\*/.test(own)) while (i < lines.length && !(lines[i] ?? '').includes('*/')) i++;
    for (i++; i < lines.length && isCommentLine(lines[i] ?? ''); i++);
  }
  return i;
};

/**
 * The symbol a tag on line `at` (0-based) documents: the code on the tag's own line (a trailing
 * comment), else the first code line after the comment block, qualified by the declaration
 * around it (`Group::OneImm`, `State.alpha`, `previous in assurancesValidity`); else the
 * declaration around the tag (the function a line comment sits in).
 */
const symbolFor = (lines: ReadonlyArray<string>, at: number, rust: boolean): string | undefined => {
  const own = lines[at] ?? '';
  const i = codeLineOf(lines, at);
  const code = i === at ? own.slice(0, own.search(/\/\/|\/\*/)) : (lines[i] ?? '');
  const local = localDeclaration(rust).exec(code)?.[1];
  const name = local ?? symbolOn(code, rust);
  if (name === undefined) return enclosing(lines, at, indentOf(own), rust);
  const outer = enclosing(lines, i, indentOf(code), rust);
  if (outer === undefined || outer === name) return name;
  return local !== undefined ? `${name} in ${outer}` : `${outer}${rust ? '::' : '.'}${name}`;
};

/**
 * The line after the Rust test module that starts at `at` (`#[cfg(test)]` then `mod name {`, closed
 * by a `}` at the same indentation), or `at` when no test module starts there.
 */
const afterTestModule = (lines: ReadonlyArray<string>, at: number): number => {
  if (!/^\s*#\[cfg\(test\)\]\s*$/.test(lines[at] ?? '')) return at;
  const open = /^(\s*)(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{\s*$/.exec(lines[at + 1] ?? '');
  if (open === null) return at;
  const close = `${open[1] ?? ''}}`;
  let i = at + 2;
  while (i < lines.length && (lines[i] ?? '').trimEnd() !== close) i++;
  return i + 1;
};

/** The tags of one file's text, outside Rust `#[cfg(test)] mod ... { }` modules. */
export const findTags = (file: string, source: string): ReadonlyArray<TagSite> => {
  const rust = file.endsWith('.rs');
  const lines = source.split('\n');
  const sites: TagSite[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (rust) i = afterTestModule(lines, i);
    const line = lines[i] ?? '';
    for (const text of tagTexts(line)) {
      const symbol = symbolFor(lines, i, rust);
      sites.push({ file, line: i + 1, text, ...(symbol === undefined ? {} : { symbol }) });
    }
  }
  return sites;
};

/** The folders scanned, relative to the root. */
export const scannedFolders: ReadonlyArray<string> = ['spec', 'model', 'native'];

const skippedDirs = new Set(['node_modules', 'target', 'dist', 'tests', 'benches', '__tests__']);
const isSource = (name: string): boolean =>
  (name.endsWith('.ts') || name.endsWith('.rs')) && !/\.(test|spec|bench)\.ts$/.test(name) && !name.endsWith('.d.ts');

const sourceFiles = (dir: string): ReadonlyArray<string> => {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.isDirectory()) return skippedDirs.has(e.name) || e.name.startsWith('.') ? [] : sourceFiles(join(dir, e.name));
    return e.isFile() && isSource(e.name) ? [join(dir, e.name)] : [];
  });
};

/**
 * Every tag under `root`'s scanned folders (`.ts` and `.rs`; no tests, `.d.ts`, `target/`,
 * `tests/`, `benches/` or `node_modules/`), in file then line order.
 */
export const scanTags = (root: string): ReadonlyArray<TagSite> =>
  scannedFolders
    .flatMap((folder) => sourceFiles(join(root, folder)))
    .map((path) => relative(root, path).split(sep).join('/'))
    .sort()
    .flatMap((file) => findTags(file, readFileSync(join(root, file), 'utf8')));
