// Accessibility (issue 14's keyboard and screen-reader list): axe-core finds no
// serious or critical violation in either language and either colour scheme, on each
// dock tab with a server selected, in presenter mode and with a lesson open, nor with
// the tour or the shortcuts dialog showing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launchApp } from './harness.mjs';

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The dock's tabs, by the `data-tab` each one shows. */
const TABS = ['logs', 'inspector', 'spacetime', 'invariants', 'bug-lab', 'monitor'];

/** The "+1 s" button's accessible name in each language. */
const SKIP = { en: 'Skip 1 second', zh: '前进 1 秒' };

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await app?.close();
});

/** Opens `query` with the clock stopped and the tour already seen, or not yet seen if `tour`. */
async function open(query, { tour = false } = {}) {
  if (tour) {
    await app.openBlank();
    await app.page.evaluate(() => localStorage.removeItem('zabscope.tour'));
  }
  const page = await app.open(`${query}&play=0`, { setStorage: tour ? {} : { 'zabscope.tour': 'done' } });
  await page.locator('g[data-server]').first().waitFor();
  return page;
}

/** Runs axe on the whole page; the serious and critical violations, one readable line each. */
async function seriousViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} [${v.impact}] ${v.help}:\n    ${v.targets.slice(0, 8).join('\n    ')}`);
}

/**
 * Collects axe's findings in each state a test visits, in the light and the dark
 * colour scheme, and fails once, with all of them.
 */
class Findings {
  constructor() {
    this.lines = [];
  }

  async check(page, where) {
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      for (const found of await seriousViolations(page)) this.lines.push(`${where}, ${colorScheme}: ${found}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  assertNone() {
    assert.ok(this.lines.length === 0, `axe found:\n  ${this.lines.join('\n  ')}`);
  }
}

/** Shows the dock tab whose `data-tab` is `tab`. */
async function showTab(page, tab) {
  await page.locator(`[data-view="dock"] [role="tab"][id="dock-tab-${tab}"]`).click();
  await page.locator(`[data-view="dock"][data-tab="${tab}"]`).waitFor();
}

for (const lang of ['en', 'zh']) {
  test(`${lang}: no serious or critical axe violation on any dock tab, with a server selected`, async () => {
    const axe = new Findings();
    const page = await open(`?lang=${lang}`);
    // One simulated second: the election has run, the logs and the diagram hold events.
    await skip(page, lang);
    await page.keyboard.press('2');
    await page.locator('g.server.selected[data-server="2"]').waitFor();
    for (const tab of TABS) {
      await showTab(page, tab);
      await axe.check(page, `${lang}, tab ${tab}`);
    }
    axe.assertNone();
    app.assertNoErrors();
  });

  test(`${lang}: no serious or critical axe violation in presenter mode with a lesson open`, async () => {
    const axe = new Findings();
    const page = await open(`?lang=${lang}&present=1&lesson=election`);
    await page.locator('[data-view="lesson"]').waitFor();
    assert.equal(await page.locator('main').getAttribute('data-presenter'), 'true');
    await axe.check(page, `${lang}, presenter mode, lesson election`);
    axe.assertNone();
    app.assertNoErrors();
  });

  test(`${lang}: no serious or critical axe violation with a lesson open, nor with the tour or the shortcuts dialog`, async () => {
    const axe = new Findings();
    let page = await open(`?lang=${lang}&lesson=election`);
    await page.locator('[data-view="lesson"]').waitFor();
    await axe.check(page, `${lang}, lesson election`);
    page = await open(`?lang=${lang}`, { tour: true });
    await page.locator('[data-view="tour"]').waitFor();
    await axe.check(page, `${lang}, the tour`);
    page = await open(`?lang=${lang}`);
    await page.keyboard.press('?');
    await page.locator('[role="dialog"]').waitFor();
    await axe.check(page, `${lang}, the shortcuts dialog`);
    axe.assertNone();
    app.assertNoErrors();
  });
}

/** Steps the simulation one second with the "+1 s" button and waits for the clock. */
async function skip(page, lang) {
  const before = Number(await page.locator('[data-now-ms]').getAttribute('data-now-ms'));
  await app.byRole('button', SKIP[lang]).click();
  await page.waitForFunction(
    (b) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= b + 1000,
    before,
  );
}
