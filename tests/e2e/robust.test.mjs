// Robustness (issue 17): the walks and links that once broke the page, replayed
// exactly. No wall-clock sleeps: every step waits for DOM state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { nowMs } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 720 } });
});

after(async () => {
  await app?.close();
});

/** Presses N `times` (keys are handled in order; the caller waits for the DOM state). */
async function steps(page, times) {
  for (let i = 0; i < times; i++) await page.locator('body').press('n');
}

/** Drops packet `id` with its button in the next-events panel. */
async function dropPacket(page, id) {
  await app.byRole('button', `Drop packet ${id}`, { exact: true }).click();
  await page.locator('[data-view="message"]', { hasText: 'Dropped' }).waitFor();
}

// The seeded 3 000-action random walk of 2026-12-02 ended the page here with
// "capacity overflow" and then "RefCell already borrowed" on every input: a fork in
// the past kept the discarded future's intervention in the run (core/src/timeline.rs).
test('stepping after a fork in the past and a drag of the time slider keeps the page alive', { timeout: 120_000 }, async () => {
  const page = await app.open('?n=5&play=0');
  await page.locator('g[data-server]').first().waitFor();
  await steps(page, 71);
  await app.byRole('button', 'Drop packet 70', { exact: true }).waitFor();
  await dropPacket(page, 70);
  await page.locator('body').press('b');
  await page.locator('[data-view="in-past"]').waitFor();
  await dropPacket(page, 6);
  assert.match(await page.locator('[data-view="message"]').textContent(), /forked/);
  await app.byRole('button', 'Skip 1 second').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= 1000);
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await slider.fill('612');
  await page.waitForFunction(() => Number(document.querySelector('[data-now-ms]').dataset.nowMs) === 612);
  // The slider keeps focus after a drag: step with the button, as a mouse user does.
  const stepButton = app.byRole('button', 'Step to the next event');
  for (let i = 0; i < 40; i++) await stepButton.click();
  // Caught up with the present, and the page still answers.
  await page.locator('[data-view="in-past"]').waitFor({ state: 'detached' });
  await app.byRole('button', 'Skip 1 second').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= 2000);
  app.assertNoErrors();
});

/** The status line: its text and whether it is an error. */
async function message(page) {
  const m = page.locator('[data-view="message"]');
  return { text: await m.textContent(), error: await m.evaluate((e) => e.classList.contains('error')) };
}

// Issue 17 item 0: a mistyped link on a teacher's slide names what is wrong and the
// default that replaced it, instead of starting free play without a word.
test('every wrong URL parameter is named on the status line with the default used', { timeout: 60_000 }, async () => {
  const cases = [
    ['?n=abc&play=0', /“n=abc” is not a number: using 5 servers instead/, 5],
    ['?n=100&play=0', /“n=100” must be 3, 5, 7 or 9: using 5 servers instead/, 5],
    ['?n=0&play=0', /“n=0” must be 3, 5, 7 or 9/, 5],
    ['?preset=nope&play=0', /“preset=nope” names no built-in scenario: using free play instead/, 5],
    ['?preset=bug:ZK-9999&play=0', /“preset=bug:ZK-9999” names no built-in scenario/, 5],
    ['?seed=abc&n=3&play=0', /“seed=abc” is not a number: using seed 1 instead/, 3],
  ];
  for (const [query, pattern, servers] of cases) {
    const page = await app.open(query);
    await page.locator('g[data-server]').first().waitFor();
    const m = await message(page);
    assert.ok(m.error, `${query}: shown as a problem`);
    assert.match(m.text, pattern, query);
    assert.equal(await page.locator('g[data-server]').count(), servers, `${query}: the default cluster, or the good parameters`);
  }
  // A good link says nothing of the kind.
  const page = await app.open('?n=3&play=0&seed=4');
  await page.locator('g[data-server]').first().waitFor();
  const text = (await page.locator('[data-view="message"]').count()) ? await page.locator('[data-view="message"]').textContent() : '';
  assert.doesNotMatch(text ?? '', /link has a problem/);
  app.assertNoErrors();
});

// Issue 17 item 5: a scenario's name, description and data values are text wherever
// they appear, never markup.
test('markup in an imported scenario renders as text in every place it appears', { timeout: 90_000 }, async () => {
  const name = '<img src=x onerror="window.__xss=1">Evil';
  const description = '<b id="evil-desc">desc</b>';
  const data = '<script>window.__xss=2</script><i id="evil-data">v</i>';
  const scenario = {
    format: 'zab-scenario',
    version: 1,
    name,
    description,
    seed: 3,
    cluster: { participants: 3 },
    schedule: [
      { at_ms: 3000, do: 'write', server: 1, op: 'create', path: '/evil', data },
      { at_ms: 4000, do: 'read', server: 2, path: '/evil' },
    ],
  };
  const page = await app.open('?play=0');
  await page.locator('g[data-server]').first().waitFor();
  await page.getByLabel('Import scenario').setInputFiles({
    name: 'evil.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await page.locator('g[data-server]').nth(2).waitFor();
  const loaded = await message(page);
  assert.ok(loaded.text.includes(name), `status line: ${loaded.text}`);
  for (let i = 0; i < 6; i++) {
    const before = await nowMs(page);
    await app.byRole('button', 'Skip 1 second').click();
    await page.waitForFunction((b) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= b + 1000, before);
  }
  const places = {
    'scenario title': 'details summary',
    'scenario description': 'details p',
    'scenario menu': 'select[aria-label="Scenario"]',
    'client write': '[data-write-req]',
    'client read': '[data-read-status]',
    'server log': '[data-log-row]',
  };
  const want = { 'scenario title': name, 'scenario description': description, 'scenario menu': name };
  for (const [place, selector] of Object.entries(places)) {
    const text = (await page.locator(selector).allTextContents()).join(' ');
    assert.ok(text.includes(want[place] ?? data), `${place} (${selector}) shows the text as written: ${text}`);
  }
  const injected = await page.evaluate(() => ({
    xss: window.__xss ?? null,
    img: document.querySelectorAll('img').length,
    script: document.querySelectorAll('body script').length,
    desc: document.getElementById('evil-desc') !== null,
    data: document.getElementById('evil-data') !== null,
  }));
  assert.deepEqual(injected, { xss: null, img: 0, script: 0, desc: false, data: false });
  app.assertNoErrors();
});
