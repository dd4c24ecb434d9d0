/**
 * The paper map as a site: an index of sections, a page per section where each numbered equation
 * shows the paper's LaTeX (rendered by KaTeX, else its source), its code sites, the tests that
 * name it and how often the vectors run it; and each source file as a page with line anchors, its
 * tagged lines linking back to their equations. Every generated link is checked.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ExecutionReport } from './execution.js';
import type { Equation, Section } from './equation-index.js';
import { coverage, type PaperMap } from './map.js';
import { paperEquations, renderTex, type EquationTex } from './paper-tex.js';
import { sectionScope } from './scope.js';
import { parseTag, resolveTag, type TagSite } from './tags.js';
import type { TestSite } from './test-names.js';

export interface SiteInput {
  readonly root: string;
  readonly map: PaperMap;
  readonly tests: ReadonlyMap<string, ReadonlyArray<TestSite>>;
  /** The shared equation table; the tex files are in `tex/` beside it. */
  readonly equationTable: string;
  readonly execution?: ExecutionReport;
  /** The API reference's index, relative to the site's folder, when it was built. */
  readonly apiIndex?: string;
}

export interface SiteSummary {
  readonly pages: number;
  readonly rendered: number;
  /** Equations shown as LaTeX source because KaTeX cannot render them. */
  readonly sourceOnly: ReadonlyArray<string>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const sectionPage = (id: string): string => `section-${id}.html`;
export const equationAnchor = (number: string): string => `eq-${number}`;
const sourcePage = (file: string): string => `src/${file}.html`;

const page = (title: string, up: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${up}katex/katex.min.css">
<link rel="stylesheet" href="${up}style.css">
</head>
<body>
<nav><a href="${up}index.html">Paper map: Gray Paper 0.7.2</a></nav>
${body}
</body>
</html>
`;

const style = `body { font: 15px/1.5 system-ui, sans-serif; max-width: 70rem; margin: 1rem auto; padding: 0 1rem; color: #222; }
nav { margin-bottom: 1rem; } table { border-collapse: collapse; } td, th { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; } .eq { border-top: 1px solid #ccc; padding: .5rem 0; } .eq h2 { font-size: 1.1rem; margin: .3rem 0; }
.tex-source { background: #f6f6f6; padding: .5rem; white-space: pre-wrap; } .note, .where { color: #666; font-size: .9rem; }
.never { color: #a00; } pre.src { line-height: 1.35; } pre.src .l { display: block; } pre.src .l > a:first-child { display: inline-block; width: 4rem; color: #999; text-decoration: none; }
pre.src .l:target { background: #fff3b0; } pre.src .gp { background: #eef6ff; } pre.src .back { float: right; font-size: .85rem; }
`;

/** The equation numbers a tag line names (for the links back from a source page). */
const numbersOn = (map: PaperMap, site: TagSite): ReadonlyArray<string> => resolveTag(map.index)(parseTag(site.text)).numbers;

const runtimeOf = (execution: ExecutionReport | undefined, number: string): string => {
  if (execution === undefined) return '<p class="note">No coverage file given to the docs build.</p>';
  const e = execution.equations.find((q) => q.number === number);
  if (e === undefined) return '<p class="note">No code site to run.</p>';
  if (e.reach.length > 0) return `<p>${e.hits.toLocaleString('en')} executions, reached by ${e.reach.map(esc).join(', ')}.</p>`;
  if (execution.summary.neverExecuted.includes(number)) return '<p class="never">Never executed by the vectors.</p>';
  return `<p class="note">Not measurable: its sites are ${[...new Set(e.sites.map((s) => s.kind))].join(', ')} (types, load-time constants or Rust).</p>`;
};

const equationHtml = (input: SiteInput, e: Equation, tex: EquationTex | undefined, rendered: { html: string } | { error: string } | undefined): string => {
  const sites = input.map.sites.get(e.number) ?? [];
  const tests = input.tests.get(e.number) ?? [];
  const id = equationAnchor(e.number);
  const math =
    tex === undefined || rendered === undefined
      ? '<p class="note">The equation was not found in the paper\'s source.</p>'
      : 'html' in rendered
        ? `<div class="tex">${rendered.html}</div><details><summary>LaTeX</summary><pre class="tex-source">${esc(tex.tex)}</pre></details>`
        : `<pre class="tex-source">${esc(tex.tex)}</pre><p class="note">LaTeX source: KaTeX cannot render it (${esc(rendered.error.split('\n')[0] ?? '')}).</p>`;
  const list = <T>(items: ReadonlyArray<T>, item: (x: T) => string, none: string): string =>
    items.length === 0 ? `<p class="note">${none}</p>` : `<ul>${items.map((x) => `<li>${item(x)}</li>`).join('')}</ul>`;
  return `<section class="eq" id="${id}">
<h2><a href="#${id}">(${e.number})</a>${e.label === undefined ? '' : ` <code>${esc(e.label)}</code>`}</h2>
${math}
${tex === undefined ? '' : `<p class="where">Paper source: ${esc(tex.file)}, line ${tex.line}</p>`}
<h3>Code</h3>
${list(sites, (s) => `<a href="${sourcePage(s.file)}#L${s.line}">${esc(s.file)}:${s.line}</a>${s.symbol === undefined ? '' : ` <code>${esc(s.symbol)}</code>`}`, 'No code site.')}
<h3>Tests</h3>
${list(tests, (t) => `<a href="${sourcePage(t.file)}#L${t.line}">${esc(t.file)}:${t.line}</a> ${esc(t.title)}`, 'No test names it.')}
<h3>Runtime</h3>
${runtimeOf(input.execution, e.number)}
</section>`;
};

const sourceHtml = (input: SiteInput, file: string): string => {
  const up = '../'.repeat(file.split('/').length);
  const tags = new Map<number, ReadonlyArray<string>>();
  for (const sites of input.map.sites.values())
    for (const s of sites) if (s.file === file) tags.set(s.line, numbersOn(input.map, s));
  const lines = readFileSync(join(input.root, file), 'utf8').split('\n');
  const body = lines
    .map((text, i) => {
      const n = i + 1;
      const back = (tags.get(n) ?? [])
        .map((num) => {
          const eq = input.map.index.byNumber.get(num);
          return eq === undefined ? '' : `<a href="${up}${sectionPage(eq.section)}#${equationAnchor(num)}">${num}</a>`;
        })
        .join(' ');
      return `<span class="l${tags.has(n) ? ' gp' : ''}" id="L${n}"><a href="#L${n}">${n}</a>${esc(text)}${back === '' ? '' : `<span class="back">${back}</span>`}</span>`;
    })
    .join('');
  return page(file, up, `<h1>${esc(file)}</h1>\n<pre class="src">${body}</pre>`);
};

/** Writes the site into `out` (replacing what was there) and returns what it rendered. */
export const buildSite = (input: SiteInput, out: string): SiteSummary => {
  const { map } = input;
  const cov = coverage(map);
  const unscoped = cov.sections.filter((s) => s.covered === 0 && sectionScope[s.section] === undefined);
  if (unscoped.length > 0)
    throw new Error(`sections without code and without an entry in paper-map/scope.ts: ${unscoped.map((s) => s.section).join(', ')}`);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const katexDist = dirname(createRequire(import.meta.url).resolve('katex'));
  mkdirSync(join(out, 'katex'));
  cpSync(join(katexDist, 'katex.min.css'), join(out, 'katex', 'katex.min.css'));
  cpSync(join(katexDist, 'fonts'), join(out, 'katex', 'fonts'), { recursive: true });
  writeFileSync(join(out, 'style.css'), style);

  const texts = paperEquations(input.equationTable);
  const sourceOnly: string[] = [];
  let rendered = 0;
  const sections = map.index.index.sections;
  const exec = new Map((input.execution?.sections ?? []).map((s) => [s.section, s]));
  sections.forEach((s: Section, k) => {
    const eqs = map.index.index.equations.filter((e) => e.section === s.id);
    const c = cov.sections.find((x) => x.section === s.id);
    const scope = sectionScope[s.id];
    const run = exec.get(s.id);
    const prev = sections[k - 1];
    const next = sections[k + 1];
    const body = eqs.map((e) => {
      const tex = texts.get(e.number);
      const r = tex === undefined ? undefined : renderTex(tex);
      if (r !== undefined && 'html' in r) rendered++;
      else sourceOnly.push(e.number);
      return equationHtml(input, e, tex, r);
    });
    const head = `<h1>${esc(s.id)} ${esc(s.title)}</h1>
<p>${c?.covered ?? 0} of ${eqs.length} equations have a code site${run === undefined ? '' : `; the vectors execute ${run.executed} of the ${run.measurable} whose code can run`}.</p>
${scope === undefined ? '' : `<p class="note">${scope.status === 'outside' ? 'Outside the model' : 'Planned'}: ${esc(scope.why)}.</p>`}
<p>${prev === undefined ? '' : `<a href="${sectionPage(prev.id)}">&larr; ${esc(prev.id)}</a> `}${next === undefined ? '' : `<a href="${sectionPage(next.id)}">${esc(next.id)} &rarr;</a>`}</p>`;
    writeFileSync(join(out, sectionPage(s.id)), page(`${s.id} ${s.title}`, '', `${head}\n${body.join('\n')}`));
  });

  const rows = cov.sections.map((s) => {
    const run = exec.get(s.section);
    const scope = sectionScope[s.section];
    return `<tr><td><a href="${sectionPage(s.section)}">${esc(s.section)} ${esc(s.title)}</a></td><td class="n">${s.equations}</td><td class="n">${s.covered}</td><td class="n">${s.percent}%</td>${
      input.execution === undefined ? '' : `<td class="n">${run === undefined ? '' : `${run.executed} / ${run.measurable}`}</td>`
    }<td>${scope === undefined ? '' : `${scope.status}: ${esc(scope.why)}`}</td></tr>`;
  });
  const summary = input.execution?.summary;
  const index = `<h1>Paper map: Gray Paper 0.7.2</h1>
<p>Every numbered equation of the paper with its code sites, the tests that name it and, from a run of the vectors under coverage, how often its code executes.${input.apiIndex === undefined ? '' : ` The API reference is <a href="${input.apiIndex}">here</a>.`}</p>
<p>${cov.covered} of ${cov.equations} equations (${cov.percent}%) have a code site${summary === undefined ? '' : `; the vectors execute ${summary.executed} of the ${summary.measurable} whose code can run (never executed: ${summary.neverExecuted.length === 0 ? 'none' : summary.neverExecuted.map((n) => `<a href="${sectionPage(map.index.byNumber.get(n)?.section ?? '')}#${equationAnchor(n)}">${n}</a>`).join(', ')})`}.</p>
<table><thead><tr><th>Section</th><th>Equations</th><th>With code</th><th>Coverage</th>${input.execution === undefined ? '' : '<th>Executed</th>'}<th>Scope</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
  writeFileSync(join(out, 'index.html'), page('Paper map: Gray Paper 0.7.2', '', index));

  const files = new Set<string>();
  for (const sites of map.sites.values()) for (const s of sites) files.add(s.file);
  for (const tests of input.tests.values()) for (const t of tests) files.add(t.file);
  for (const file of files) {
    const target = join(out, sourcePage(file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, sourceHtml(input, file));
  }
  return { pages: sections.length + 1 + files.size, rendered, sourceOnly };
};

/**
 * Every `href` and `src` of the HTML files under `dir` that is not absolute: the file it names
 * must exist and, with a `#fragment`, hold an element with that id. Returns the
 * broken ones as `page: link (why)`.
 */
export const brokenLinks = (dir: string): ReadonlyArray<string> => {
  const root = resolve(dir);
  const html = (d: string): ReadonlyArray<string> =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? html(join(d, e.name)) : e.name.endsWith('.html') ? [join(d, e.name)] : []));
  const ids = new Map<string, ReadonlySet<string>>();
  const idsOf = (file: string): ReadonlySet<string> => {
    const known = ids.get(file);
    if (known !== undefined) return known;
    const found = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]*)"/g)].map((m) => m[1] ?? ''));
    ids.set(file, found);
    return found;
  };
  const broken: string[] = [];
  for (const file of html(root)) {
    const name = relative(root, file).split(sep).join('/');
    for (const m of readFileSync(file, 'utf8').matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const link = (m[1] ?? '').replace(/&amp;/g, '&');
      if (/^[a-z][a-z+.-]*:|^\/\//i.test(link)) continue;
      const hash = link.indexOf('#');
      const path = hash < 0 ? link : link.slice(0, hash);
      const fragment = hash < 0 ? undefined : decodeURIComponent(link.slice(hash + 1));
      const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(target)) broken.push(`${name}: ${link} (no such file)`);
      else if (fragment !== undefined && target.endsWith('.html') && !idsOf(target).has(fragment)) broken.push(`${name}: ${link} (no id "${fragment}")`);
    }
  }
  return broken;
};
