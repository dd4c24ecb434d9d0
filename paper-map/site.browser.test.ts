/**
 * The paper map site in a real browser (the system's headless Chromium through playwright-core):
 * the section-6 page renders equation 6.24 with KaTeX, and its first code link lands on the
 * tagged line of the source page. Writes `artifacts/docs-section-6.png`.
 */
/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { lookup } from './equation-index.js';
import { equationIndex } from './equations.js';
import { buildMap } from './map.js';
import { packageRoot, sharedEquationTable } from './root.js';
import { buildSite, sectionPage } from './site.js';
import { scanTags } from './tags.js';
import { scanTestNames } from './test-names.js';

const browserPath = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const root = packageRoot();

describe('the paper map site in Chromium', () => {
  it('section 6 renders equation 6.24 with KaTeX, and its code link lands on the tagged line', async (ctx) => {
    if (!existsSync(browserPath)) ctx.skip(`no Chromium at ${browserPath} (apt-get install -y chromium; .ci/run installs it)`);
    const table = sharedEquationTable();
    if (table === undefined || !existsSync(table)) ctx.skip('the Gray Paper source (shared/graypaper or JAM_GRAYPAPER) is not there');

    const out = mkdtempSync(join(tmpdir(), 'jam-docs-'));
    const idx = lookup(equationIndex);
    buildSite({ root, map: buildMap(idx)(scanTags(root)), tests: scanTestNames(root, idx), equationTable: table ?? '' }, out);
    const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(join(out, sectionPage('6'))).href + '#eq-6.24');

      const eq = page.locator('[id="eq-6.24"]');
      await expect(eq.locator('.katex-display .katex-html').count()).resolves.toBe(1);
      expect(await eq.locator('.katex-error').count()).toBe(0);
      // The KaTeX stylesheet and fonts are in use: the math is set in KaTeX's own font.
      const font = await eq.locator('.katex').first().evaluate((el) => getComputedStyle(el).fontFamily);
      expect(font).toContain('KaTeX_Main');
      // gamma'_S: a rendered gamma with a prime, not the LaTeX source.
      expect(await eq.locator('.katex-html').innerText()).toContain('γ');
      mkdirSync(join(root, 'artifacts'), { recursive: true });
      await eq.screenshot({ path: join(root, 'artifacts', 'docs-section-6.png') });

      const link = eq.locator('h3:text-is("Code") + ul a').first();
      const href = await link.getAttribute('href');
      const symbol = await link.locator('xpath=following-sibling::code[1]').innerText();
      expect(href).toMatch(/^src\/.+\.ts\.html#L\d+$/);
      await link.click();
      await page.waitForURL(/#L\d+$/);
      const anchor = new URL(page.url()).hash.slice(1);
      const line = page.locator(`[id="${anchor}"]`);
      expect(await line.count()).toBe(1);
      // The anchored line is the tag; the declaration it documents follows within a few lines.
      expect(await line.innerText()).toMatch(/@gp 6\.24\b/);
      const following = await page.evaluate((id) => {
        const texts: string[] = [];
        for (let el = document.getElementById(id); el !== null && texts.length < 6; el = el.nextElementSibling as HTMLElement | null)
          texts.push(el.innerText);
        return texts.join('\n');
      }, anchor);
      expect(following).toContain(symbol.split(/[^\w$]/)[0]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
