// Scenario files in and out of the app, the shareable link, the saved session,
// replay determinism (in the browser, and against zab-sim natively), the pause at
// the first invariant violation and high contrast. No wall-clock sleeps: simulated
// time moves with the "+1 s" button and the tests wait for DOM state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchApp } from './harness.mjs';
import { openPaused, nowMs, runZabSim, skipOnce as skipOnceIn } from './ui.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let app;
let scratch;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 720 } });
  scratch = await mkdtemp(path.join(tmpdir(), 'zabscope-io-'));
});

after(async () => {
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A fresh page with playback paused (the app autoplays on load). */
const fresh = (query = '', options = {}) => openPaused(app, query, options);
const skipOnce = (page) => skipOnceIn(app, page);

/** "+1 s" until the clock shows `t` (a whole number of seconds ahead). */
async function skipTo(page, t) {
  while ((await nowMs(page)) < t) await skipOnce(page);
  assert.equal(await nowMs(page), t, 'the clock lands on the time');
}

async function skipUntil(page, predicate, arg, what, maxSeconds = 30) {
  for (let i = 0; i <= maxSeconds; i++) {
    if (await page.evaluate(predicate, arg)) return;
    if (i < maxSeconds) await skipOnce(page);
  }
  assert.fail(`after ${maxSeconds} simulated seconds: ${what}\n${JSON.stringify(await servers(page))}`);
}

/** The servers as the ring shows them (the attributes that must replay exactly). */
async function servers(page) {
  return page.$$eval('g[data-server]', (gs) =>
    gs.map((g) => ({
      id: g.dataset.server,
      role: g.dataset.role,
      phase: g.dataset.phase,
      epoch: g.dataset.epoch,
      lastZxid: g.dataset.lastZxid,
      applied: g.dataset.appliedZxid,
      up: g.dataset.up,
    })),
  );
}

async function leaderBadge(page) {
  const badge = page.locator('[data-view="leader"]');
  return { leader: await badge.getAttribute('data-leader'), epoch: await badge.getAttribute('data-epoch') };
}

const hasActiveLeader = () =>
  document.querySelector('g[data-server][data-role="LEADING"][data-phase="BROADCAST"]') !== null;

async function message(page) {
  const m = page.locator('[data-view="message"]');
  return { text: await m.textContent(), error: await m.evaluate((e) => e.classList.contains('error')) };
}

/** A few interventions: a write to the leader, kill the leader, a second write later. */
async function intervene(page) {
  await skipUntil(page, hasActiveLeader, null, 'a leader');
  await page.locator('body').press('w');
  await skipOnce(page);
  await page.locator('body').press('k');
  await skipUntil(page, hasActiveLeader, null, 'a new leader');
  await page.locator('body').press('w');
  await skipOnce(page);
  await skipOnce(page);
}

test('rewinding and replaying shows the same leader, epoch and servers', { timeout: 90_000 }, async () => {
  const page = await fresh('?play=0&seed=3');
  await skipUntil(page, hasActiveLeader, null, 'a leader');
  await skipOnce(page);
  const t = await nowMs(page);
  const seen = await leaderBadge(page);
  const state = await servers(page);
  assert.ok(seen.leader && seen.epoch, JSON.stringify(seen));

  // Back to the start with the time slider: no leader yet at t = 0.
  await app.byRole('slider', 'Timeline').fill('0');
  await page.locator('[data-view="in-past"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-now-ms]').dataset.nowMs === '0');
  assert.equal((await leaderBadge(page)).leader, '');
  await skipTo(page, t);
  await page.locator('[data-view="in-past"]').waitFor({ state: 'detached' });
  assert.deepEqual(await leaderBadge(page), seen);
  assert.deepEqual(await servers(page), state);

  // And with the back control, twice, then forward again.
  await app.byRole('button', 'Back 1 second').click();
  await app.byRole('button', 'Back 1 second').click();
  await page.waitForFunction((x) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) === x, t - 2000);
  await skipTo(page, t);
  assert.deepEqual(await leaderBadge(page), seen);
  assert.deepEqual(await servers(page), state);
  app.assertNoErrors();
});

test('an exported scenario, imported again, reproduces the run', { timeout: 120_000 }, async () => {
  const page = await fresh('?play=0&seed=5');
  await intervene(page);
  const t = await nowMs(page);
  const state = await servers(page);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    app.byRole('button', 'Export scenario').click(),
  ]);
  assert.match(download.suggestedFilename(), /^free-play-5-servers\.json$/);
  const file = path.join(scratch, download.suggestedFilename());
  await download.saveAs(file);
  const json = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(json.format, 'zab-scenario');
  assert.equal(json.version, 1);
  assert.equal(json.seed, 5);
  const kinds = json.schedule.map((s) => s.do);
  assert.deepEqual(kinds, ['write', 'crash', 'write'], JSON.stringify(json.schedule));
  assert.ok(json.run_until_ms >= t);
  assert.match((await message(page)).text, /Exported free-play-5-servers\.json/);

  // Something else meanwhile: a three-server cluster.
  await app.byRole('combobox', 'Servers', { exact: true }).selectOption('3');
  await page.waitForFunction(() => document.querySelectorAll('g[data-server]').length === 3);

  await page.getByLabel('Import scenario').setInputFiles(file);
  await page.waitForFunction(() => document.querySelectorAll('g[data-server]').length === 5);
  const m = await message(page);
  assert.ok(!m.error, m.text);
  assert.match(m.text, /Imported “Free play: 5 servers” from free-play-5-servers\.json \(3 scheduled steps/);
  await page.locator('.scenario-text summary', { hasText: 'Free play: 5 servers' }).waitFor();
  assert.equal(await nowMs(page), 0);
  // The interventions are now the scenario's script.
  assert.ok((await page.locator('[data-script-step]').count()) >= 1);
  await skipTo(page, t);
  assert.deepEqual(await servers(page), state);
  app.assertNoErrors();
});

test('a malformed import says where the problem is and leaves the run untouched', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  await skipOnce(page);
  await skipOnce(page);
  const t = await nowMs(page);
  const state = await servers(page);
  const input = page.getByLabel('Import scenario');

  await input.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{\n  "format": "zab-scenario",\n  "version": 1\n  "seed": 3\n}\n'),
  });
  await page.waitForFunction(() => document.querySelector('[data-view="message"]').classList.contains('error'));
  let m = await message(page);
  assert.match(m.text, /“broken\.json” was not imported: line 4, column 3/);
  assert.match(m.text, /current run is unchanged/);
  assert.equal(await nowMs(page), t);
  assert.deepEqual(await servers(page), state);

  // A well-formed file with a wrong field: the message names the field.
  await input.setInputFiles({
    name: 'wrong.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        format: 'zab-scenario',
        version: 1,
        cluster: { participants: 3 },
        schedule: [{ at_ms: 100, do: 'crash', server: 9 }],
      }),
    ),
  });
  await page.locator('[data-view="message"].error', { hasText: 'wrong.json' }).waitFor();
  m = await message(page);
  assert.match(m.text, /schedule\[0\]\.server/);
  assert.equal(await nowMs(page), t);
  assert.deepEqual(await servers(page), state);
  app.assertNoErrors();
});

/** `events=N digest=HEX` from zab-sim for a preset (exit status 1, a violation, still
 *  prints the digest). */
async function zabSimDigest(preset) {
  const out = await runZabSim(['run', '--preset', preset, '--digest']);
  const match = /^events=(\d+) digest=([0-9a-f]{16})$/m.exec(out.stdout);
  if (!match) throw new Error(`zab-sim run --preset ${preset} --digest printed no digest:\n${out.stdout}${out.stderr}`);
  return { events: match[1], digest: match[2] };
}

test('the same scenario gives the same trace in the browser as zab-sim natively', { timeout: 20 * 60_000 }, async () => {
  const presets = ['fresh-election', 'leader-crash'];
  // The native runs (and the release build, if needed) start first and run meanwhile.
  const native = presets.map((p) => zabSimDigest(p));
  native.forEach((p) => p.catch(() => {}));
  for (const [i, preset] of presets.entries()) {
    const file = JSON.parse(await readFile(path.join(ROOT, 'static/scenarios', `${preset}.json`), 'utf8'));
    const end = file.run_until_ms;
    assert.equal(end % 1000, 0, 'run_until_ms is whole seconds');
    const page = await fresh(`?preset=${preset}&play=0`);
    await skipTo(page, end);
    await app.byRole('button', 'Trace digest').click();
    const out = page.locator(`[data-view="trace-digest"][data-trace-at-ms="${end}"]`);
    await out.waitFor();
    const browser = {
      events: await out.getAttribute('data-trace-count'),
      digest: await out.getAttribute('data-trace-digest'),
    };
    assert.match(browser.digest, /^[0-9a-f]{16}$/);
    assert.deepEqual(browser, await native[i], `${preset} to ${end} ms`);
  }
  app.assertNoErrors();
});

function b64url(text) {
  return Buffer.from(text, 'utf8').toString('base64url');
}

test('a malformed link shows a readable message and the default cluster starts', { timeout: 60_000 }, async () => {
  let page = await fresh('?play=0#s=this*is*not*base64');
  let m = await message(page);
  assert.ok(m.error, m.text);
  assert.match(m.text, /scenario in this link could not be read: it is not base64url text \(character 5 is “\*”\)/);
  assert.equal(await page.locator('g[data-server]').count(), 5);
  assert.equal(await nowMs(page), 0);

  const v2 = b64url(JSON.stringify({ format: 'zab-scenario', version: 2, cluster: { participants: 3 } }));
  page = await fresh(`?play=0&n=7#s=${v2}`);
  m = await message(page);
  assert.ok(m.error, m.text);
  assert.match(m.text, /version: unsupported version 2/);
  // The query's cluster starts instead.
  assert.equal(await page.locator('g[data-server]').count(), 7);
  app.assertNoErrors();
});

test('a shared link carries the scenario and the interventions', { timeout: 120_000 }, async () => {
  let page = await fresh('?play=0&seed=11');
  await intervene(page);
  const t = await nowMs(page);
  const state = await servers(page);
  await app.byRole('button', 'Copy link').click();
  await page.locator('[data-view="message"]', { hasText: 'in the address bar' }).waitFor();
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#s=[A-Za-z0-9_-]+$/);
  assert.ok(hash.length < 1200, `the link is reasonably short (${hash.length})`);
  // The query is kept in the link.
  assert.equal(await page.evaluate(() => location.search), '?play=0&seed=11');

  page = await fresh(`?play=0${hash}`);
  const m = await message(page);
  assert.ok(!m.error, m.text);
  assert.match(m.text, /Opened “Free play: 5 servers” from the link \(3 scheduled steps/);
  await skipTo(page, t);
  assert.deepEqual(await servers(page), state);

  // Acting on it makes the link stale: it leaves the address bar, and the next visit
  // restores the session (the link's run plus the new action) instead.
  await app.byRole('button', 'Select server 2', { exact: true }).click();
  await app.byRole('button', 'Isolate server 2').click();
  await page.waitForFunction(() => location.hash === '');
  page = await fresh('?play=0', { keepStorage: true });
  assert.match((await message(page)).text, /Restored your last session, “Free play: 5 servers” \(4 scheduled steps/);
  app.assertNoErrors();
});

test('the last session is restored on the next visit; a broken one is ignored with a message', { timeout: 90_000 }, async () => {
  let page = await fresh('?play=0&n=3');
  await skipUntil(page, hasActiveLeader, null, 'a leader');
  await page.locator('body').press('w');
  await skipOnce(page);
  // The next visit without cluster parameters restores it (saved on every change and
  // when the page is left).
  page = await fresh('?play=0', { keepStorage: true });
  let m = await message(page);
  assert.match(m.text, /Restored your last session, “Free play: 3 servers” \(1 scheduled step/);
  assert.equal(await page.locator('g[data-server]').count(), 3);
  await page.locator('[data-script-step]', { hasText: 'write' }).waitFor();
  // A cluster in the query wins over the session.
  page = await fresh('?play=0&n=7', { keepStorage: true });
  assert.equal(await page.locator('g[data-server]').count(), 7);

  page = await fresh('?play=0', {
    keepStorage: true,
    setStorage: { 'zabscope.session': '{"format": "zab-scenario", "version": 1, "cluster": {"participants": 0}}' },
  });
  m = await message(page);
  assert.ok(m.error, m.text);
  assert.match(m.text, /last session could not be restored \(cluster\.participants/);
  assert.equal(await page.locator('g[data-server]').count(), 5);

  page = await fresh('?play=0', { keepStorage: true, setStorage: { 'zabscope.session': 'not json at all' } });
  m = await message(page);
  assert.match(m.text, /last session could not be restored \(line 1, column \d+: /);
  assert.equal(await page.locator('g[data-server]').count(), 5);
  app.assertNoErrors();
});

test('the bug lab run pauses itself at the first invariant violation, with the reason', { timeout: 120_000 }, async () => {
  const page = await fresh('?preset=bug:ZK-3911&speed=100');
  await page.locator('.scenario-text summary', { hasText: 'ZK-3911' }).waitFor();
  assert.equal(await page.locator('[role="alert"]').count(), 0);
  await app.byRole('button', 'Play', { exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 90_000 });
  // Paused: the play button is back, and the clock stays where it stopped.
  await app.byRole('button', 'Play', { exact: true }).waitFor();
  const id = await page.locator('[data-view="halt"]').getAttribute('data-invariant');
  assert.match(id, /^(I|T|L)\d+$/);
  const text = await alert.textContent();
  assert.match(text, new RegExp(`Paused: invariant ${id} [A-Za-z]+ broken`));
  assert.match(text, /at t = \d+ ms/);
  assert.ok(Number(await page.locator('[data-view="violations"]').getAttribute('data-violations')) >= 1);
  const t = await nowMs(page);
  await app.byRole('button', 'Step to the next event').waitFor();
  assert.equal(await nowMs(page), t);

  // Resume: it plays on, and the alert goes away.
  await app.byRole('button', 'Resume').click();
  await app.byRole('button', 'Pause', { exact: true }).waitFor();
  await page.locator('[data-view="halt"]').waitFor({ state: 'detached' });
  await page.waitForFunction((x) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) > x, t);
  await app.byRole('button', 'Pause', { exact: true }).click();
  app.assertNoErrors();
});

test('high contrast is a remembered toggle', { timeout: 60_000 }, async () => {
  let page = await fresh('?play=0');
  const toggle = () => app.byRole('button', 'High contrast');
  assert.equal(await toggle().getAttribute('aria-pressed'), 'false');
  await toggle().click();
  assert.equal(await toggle().getAttribute('aria-pressed'), 'true');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('high-contrast')));
  page = await fresh('?play=0', { keepStorage: true });
  assert.equal(await toggle().getAttribute('aria-pressed'), 'true');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('high-contrast')));
  // Roles stay readable as text, not only as colours.
  assert.equal(await page.locator('g[data-server="1"] .role-label').textContent(), 'LOOKING');
  await toggle().click();
  assert.equal(await toggle().getAttribute('aria-pressed'), 'false');
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('high-contrast'))));
  app.assertNoErrors();
});
