/**
 * The paper's own LaTeX for the docs site: each numbered equation's source (cut from the tex files
 * at the place the shared equation table gives) and the preamble's macros as KaTeX definitions.
 * Read at docs build time from the shared Gray Paper folder; nothing of the paper is committed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import katex, { type KatexOptions } from 'katex';

/** KaTeX's `macros` option: definitions as KaTeX stores them once parsed. */
type Macros = NonNullable<KatexOptions['macros']>;

/**
 * The tex as KaTeX can read it: `%` comments dropped (an escaped `\%` stays), and `¬`, a letter in
 * the paper's macro names (`\sa¬balance`), turned into `@`, a letter in KaTeX's.
 */
const normalize = (tex: string): string => tex.replace(/(?<!\\)%.*$/gm, '').replace(/¬/g, '@');

/** The balanced `{...}` group starting at `at` (which must be `{`): its content and the index after it. */
const group = (s: string, at: number): { readonly body: string; readonly end: number } | undefined => {
  if (s[at] !== '{') return undefined;
  let depth = 0;
  for (let i = at; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return { body: s.slice(at + 1, i), end: i + 1 };
  }
  return undefined;
};

// KaTeX has its own \left and \right; the preamble's redefinitions wrap them for spacing only.
const kept = (name: string): boolean => name !== '\\left' && name !== '\\right';

/** LaTeX-only helpers the paper uses, as near as KaTeX comes (spacing, an accent over a symbol, scaling, a cell across columns). */
const shims = String.raw`
  \newcommand{\xspace}{}
  \newcommand{\ensuremath}[1]{#1}
  \newcommand{\accentset}[2]{\overset{#1}{#2}}
  \newcommand{\scalebox}[2]{#2}
  \newcommand{\multicolumn}[3]{#3}`;

/**
 * Preamble macros built from TeX primitives or fonts KaTeX lacks (MnSymbol, stmaryrd, \vcenter),
 * redrawn from what KaTeX has (the angle bars as plain angles); applied after the preamble. Glyphs
 * with no near equivalent (the wavy order bars, the spoons) stay undefined, so those equations
 * show their source.
 */
const overrides = String.raw`
  \renewcommand{\tricolon}{\mathrel{\vdots}}
  \renewcommand{\orderedin}{\mathrel{\mathrlap{<}{-}}}
  \renewcommand{\doubleplus}{\mathbin{+\!\!+}}
  \newcommand{\langlebar}{\langle}
  \newcommand{\ranglebar}{\rangle}
  \newcommand{\lsem}{[\![}
  \newcommand{\rsem}{]\!]}
  \newcommand{\lightning}{\mathord{\text{\textbf{\char"21AF}}}}
  \newcommand{\nicefrac}[2]{{}^{#1}\!/\!{}_{#2}}
  \newcommand{\wideparen}[1]{\overgroup{#1}}`;

const definition = /\\(?:(?:renew|provide|new)command\*?|DeclareMathOperator\*?|def)\s*(?:\{(\\[A-Za-z@]+)\}|(\\[A-Za-z@]+))/g;

/**
 * Adds the definitions in `tex` (`\newcommand` with or without an optional argument,
 * `\renewcommand`, `\def` without parameters, `\DeclareMathOperator`) to `macros`, KaTeX's
 * option. A definition KaTeX cannot take is left out; equations using it show their source instead.
 */
const define = (tex: string, macros: Macros): void => {
  const gdef = (source: string): void => {
    try {
      katex.renderToString(source, { macros, throwOnError: true });
    } catch {
      // left out: see above
    }
  };
  for (const m of tex.matchAll(definition)) {
    const name = m[1] ?? m[2] ?? '';
    let at = m.index + m[0].length;
    const args = /^\s*\[(\d)\]/.exec(tex.slice(at));
    if (args !== null) at += args[0].length;
    const optional = tex[at] === '[' ? /^\[([^\]]*)\]/.exec(tex.slice(at)) : null;
    if (optional !== null) at += optional[0].length;
    if (!kept(name) || (m[0].startsWith('\\def') && tex[at] !== '{')) continue; // \def with parameters
    const body = group(tex, at)?.body;
    if (body === undefined) continue;
    const n = Number(args?.[1] ?? 0);
    const params = (from: number): string => Array.from({ length: n - from + 1 }, (_, i) => `#${i + from}`).join('');
    if (m[0].startsWith('\\DeclareMathOperator')) gdef(`\\gdef${name}{\\operatorname${m[0].includes('*') ? '*' : ''}{${body}}}`);
    else if (optional === null) gdef(`\\gdef${name}${params(1)}{${body}}`);
    else {
      // LaTeX's own scheme: look for `[`, else supply the default.
      gdef(`\\gdef${name}@opt[#1]${params(2)}{${body}}`);
      gdef(`\\gdef${name}{\\@ifnextchar[{${name}@opt}{${name}@opt[${optional[1] ?? ''}]}}`);
    }
  }
};

/** One equation's LaTeX: a display-math fragment KaTeX can take, and where it stands in the paper. */
export interface EquationTex {
  readonly tex: string;
  /** The preamble's macros and those of the equation's own file. */
  readonly macros: Readonly<Macros>;
  readonly file: string;
  readonly line: number;
}

const displayEnvs = /\\begin\{(equation|align|gather|multline|flalign|alignat|eqnarray)(\*?)\}/;
const rowEnvs: Readonly<Record<string, string>> = { align: 'aligned', flalign: 'aligned', eqnarray: 'aligned', alignat: 'aligned', gather: 'gathered' };

/** The rows of an alignment body, split at `\\` outside braces and inner environments. */
const rows = (body: string): ReadonlyArray<string> => {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '\\') {
      const rest = body.slice(i, i + 8);
      if (rest.startsWith('\\begin{')) depth++;
      else if (rest.startsWith('\\end{')) depth--;
      else if (rest.startsWith('\\\\') && depth === 0) {
        out.push(body.slice(start, i));
        start = i + 2;
      }
      i++;
    }
  }
  out.push(body.slice(start));
  return out.filter((r) => r.trim() !== '');
};

const clean = (tex: string): string => tex.replace(/\\label\{[^}]*\}|\\nonumber|\\notag/g, '').trim();

/**
 * Each equation's LaTeX from the shared table (`number, label, section, file, line`) and the tex
 * files: the display environment around the line; in an alignment, the numbered rows are given to
 * the environment's equations in order (the whole body to each when they do not pair up).
 */
export const paperEquations = (tablePath: string): ReadonlyMap<string, EquationTex> => {
  const texDir = join(dirname(tablePath), 'tex');
  const table = readFileSync(tablePath, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const preamble: Macros = {};
  define(shims, preamble);
  define(normalize(readFileSync(join(texDir, 'preamble.tex'), 'utf8')), preamble);
  // \lsem is used as `\left\lsem ... \right\rsem`: \left takes the first bracket, the second follows.
  define(overrides, preamble);
  const files = new Map<string, { lines: ReadonlyArray<string>; macros: Macros }>();
  const fileOf = (file: string) => {
    const known = files.get(file);
    if (known !== undefined) return known;
    const text = normalize(readFileSync(join(texDir, file), 'utf8'));
    const macros = { ...preamble };
    define(text, macros);
    const entry = { lines: text.split('\n'), macros };
    files.set(file, entry);
    return entry;
  };
  // Environments by file and first line, each with its equations in order.
  const envs = new Map<string, { env: string; body: string; numbers: string[]; file: string; line: number }>();
  for (const row of table) {
    const [number = '', , , file = '', lineField = ''] = row.split('\t');
    const { lines } = fileOf(file);
    let begin = Number(lineField) - 1;
    while (begin >= 0 && !displayEnvs.test(lines[begin] ?? '')) begin--;
    const m = displayEnvs.exec(lines[begin] ?? '');
    if (m === null) continue;
    const key = `${file}:${begin}`;
    const known = envs.get(key);
    if (known !== undefined) {
      known.numbers.push(number);
      continue;
    }
    const env = `${m[1] ?? ''}${m[2] ?? ''}`;
    const text = lines.slice(begin).join('\n');
    const from = text.indexOf(m[0]) + m[0].length;
    const to = text.indexOf(`\\end{${env}}`, from);
    envs.set(key, { env: m[1] ?? '', body: text.slice(from, to < 0 ? undefined : to), numbers: [number], file, line: begin + 1 });
  }
  const out = new Map<string, EquationTex>();
  for (const { env, body, numbers, file, line } of envs.values()) {
    const rowEnv = rowEnvs[env];
    const numbered = rowEnv === undefined ? [] : rows(body).filter((r) => !/\\nonumber|\\notag/.test(r));
    numbers.forEach((number, i) => {
      const row = numbered.length === numbers.length ? numbered[i] : undefined;
      const tex =
        rowEnv === undefined ? clean(body) : `\\begin{${rowEnv}}${clean(row ?? body)}\\end{${rowEnv}}`;
      out.set(number, { tex, macros: fileOf(file).macros, file, line });
    });
  }
  return out;
};

/** KaTeX's HTML for one equation, or why KaTeX cannot render it. */
export const renderTex = ({ tex, macros }: EquationTex): { html: string } | { error: string } => {
  try {
    // A copy: \gdef inside an equation must not leak into the next one.
    return { html: katex.renderToString(tex, { displayMode: true, throwOnError: true, macros: { ...macros }, strict: 'ignore' }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
};
