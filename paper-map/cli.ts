/**
 * The paper map command (run by `generate.ts`): collects the `@gp` tags (grammar in `tags.ts`)
 * and writes `paper-map/PAPER-MAP.md`.
 *
 *   node dist/paper-map/generate.js [--root DIR] [--check [--tags-only]] [--json]
 *
 * - no option: writes `<root>/paper-map/PAPER-MAP.md`; exits 1 if a tag names no equation.
 * - `--check`: writes nothing; exits 1, listing `file:line`, when a tag names no equation of the
 *   index, or when `PAPER-MAP.md` differs from what the tags give ("run npm run paper-map").
 * - `--tags-only` (with `--check`): checks the tags only, not `PAPER-MAP.md`: for reviewing another
 *   tree read-only, e.g. `--root ../codec --check --tags-only`.
 * - `--json`: prints the coverage per section as JSON on stdout (messages go to stderr) and
 *   writes nothing unless `--check` is also given, which then checks as above.
 * - `--root DIR`: the tree to scan (default: this package).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lookup } from './equation-index.js';
import { equationIndex } from './equations.js';
import { buildMap, coverage, renderMarkdown, renderProblems } from './map.js';
import { packageRoot } from './root.js';
import { scanTags } from './tags.js';

const usage = 'usage: generate [--root DIR] [--check [--tags-only]] [--json]';

/** Where the command prints: `console` in the CLI, a recorder in tests. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** Runs the command; returns the exit code (0 ok, 1 check failed, 2 usage). */
export const runPaperMap = (argv: ReadonlyArray<string>, out: Output): number => {
  let root = packageRoot();
  let check = false;
  let tagsOnly = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--tags-only') tagsOnly = true;
    else if (a === '--json') json = true;
    else if (a === '--root' && argv[i + 1] !== undefined) root = resolve(argv[++i] ?? '');
    else if (a === '--help' || a === '-h') {
      out.log(usage);
      return 0;
    } else {
      out.error(`unknown argument ${JSON.stringify(a)}\n${usage}`);
      return 2;
    }
  }
  if (tagsOnly && !check) {
    out.error(`--tags-only needs --check\n${usage}`);
    return 2;
  }

  const map = buildMap(lookup(equationIndex))(scanTags(root));
  const cov = coverage(map);
  const report = (line: string): void => (json ? out.error(line) : out.log(line));
  let failed = false;
  if (map.problems.length > 0) {
    failed = true;
    out.error(`${map.problems.length} @gp tag problem(s) in ${root}:`);
    for (const line of renderProblems(map.problems)) out.error(line);
  }

  const target = join(root, 'paper-map', 'PAPER-MAP.md');
  const markdown = renderMarkdown(map);
  if (check && !tagsOnly) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current !== markdown) {
      failed = true;
      const lines = markdown.split('\n');
      const old = current?.split('\n') ?? [];
      const at = lines.findIndex((l, i) => l !== old[i]);
      out.error(
        current === undefined
          ? `paper-map/PAPER-MAP.md is missing: run npm run paper-map`
          : `paper-map/PAPER-MAP.md is out of date with the @gp tags (first difference at line ${at + 1}): run npm run paper-map`,
      );
    }
  } else if (!check && !json) {
    writeFileSync(target, markdown);
    report(`wrote ${target}`);
  }

  if (json) out.log(JSON.stringify(cov, null, 2));
  report(`${cov.covered} of ${cov.equations} equations (${cov.percent}%) have a code site; ${cov.tags} tags`);
  return failed ? 1 : 0;
};
