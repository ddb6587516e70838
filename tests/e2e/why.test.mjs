// "Seeing why": the server inspector (durable vs volatile state and the reasons
// behind it), the space-time diagram, the invariants panel and the bug lab, the
// guided tour and the keyboard-shortcuts dialog. Driven as a user would: roles and
// accessible names, keys, and the data attributes of docs/web-data-attributes.md.
// No wall-clock sleeps: playback is paused and simulated time moves with "+1 s",
// the time slider or the bug lab's "Run to the end"; the tests wait for DOM state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchApp } from './harness.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 720 } });
});

after(async () => {
  await app?.close();
});

/** A fresh page with playback paused. Always name the cluster or preset in `query`. */
async function fresh(query) {
  const page = await app.open(query);
  await page.locator('g[data-server]').first().waitFor();
  await pause(page);
  return page;
}

async function pause() {
  const button = app.byRole('button', 'Pause', { exact: true });
  if (await button.count()) await button.click();
  await app.byRole('button', 'Play', { exact: true }).waitFor();
}

const clock = (page) => page.locator('[data-view="clock"]');

async function nowMs(page) {
  return Number(await clock(page).getAttribute('data-now-ms'));
}

async function skipOnce(page) {
  const before = await nowMs(page);
  await app.byRole('button', 'Skip 1 second').click();
  await page.waitForFunction(
    (b) => Number(document.querySelector('[data-view="clock"]').dataset.nowMs) >= b + 1000,
    before,
  );
}

/** Skip simulated seconds until `predicate(arg)` holds in the page. */
async function skipUntil(page, predicate, arg, what, maxSeconds = 30) {
  for (let i = 0; i <= maxSeconds; i++) {
    if (await page.evaluate(predicate, arg)) return;
    if (i < maxSeconds) await skipOnce(page);
  }
  assert.fail(`after ${maxSeconds} simulated seconds: ${what}`);
}

async function openTab(name) {
  await app.byRole('tab', name).click();
  await app.byRole('tab', name, { selected: true }).waitFor();
}

const inspector = (page) => page.locator('[data-view="inspector"]');

/** The E3 window (zab-spec §14, ZOOKEEPER-1653): server 1 fsyncs a txn of epoch 2 at
 *  NEWLEADER and crashes before it writes currentEpoch = 2; restarts at 9 s and 11 s. */
function e3Scenario(bugs) {
  return {
    format: 'zab-scenario',
    version: 1,
    name: 'E3 window',
    seed: 1,
    cluster: { participants: 3 },
    bugs,
    schedule: [
      { at_ms: 2000, do: 'write', server: 2, op: 'create', path: '/a', data: '1' },
      { at_ms: 2500, do: 'crash', server: 1 },
      { at_ms: 3000, do: 'crash', server: 3 },
      { at_ms: 3200, do: 'restart', server: 3 },
      { at_ms: 8000, do: 'write', server: 2, op: 'set', path: '/a', data: '2' },
      { at_ms: 9000, do: 'crash_at', server: 1, point: 'newleader-after-log' },
      { at_ms: 9000, do: 'restart', server: 1 },
      { at_ms: 11000, do: 'restart', server: 1 },
    ],
    run_until_ms: 16000,
  };
}

async function importScenario(page, scenario) {
  await page.getByLabel('Import scenario').setInputFiles({
    name: 'e3.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
}

test('the inspector: a crash wipes the volatile side and keeps the disk; the restart rebuilds from snapshot + log and the leader syncs by DIFF', { timeout: 90_000 }, async () => {
  const page = await fresh('?preset=follower-lag-diff&play=0');
  await openTab('Inspector');
  await app.byRole('button', 'Inspect server 1').click();
  await inspector(page).and(page.locator('[data-inspect-server="1"]')).waitFor();
  // Server 1 crashes at 3.5 s, after two writes.
  await skipUntil(page, () => document.querySelector('g[data-server="1"]').dataset.up === 'false', null, 'server 1 crashes');
  await page.locator('[data-view="inspector"][data-inspect-up="false"]').waitFor();
  const volatile = inspector(page).locator('[data-inspect="volatile"]');
  assert.equal(await volatile.getAttribute('data-wiped'), 'true');
  assert.match(await volatile.textContent(), /Lost in the crash/);
  const durable = inspector(page).locator('[data-inspect="durable"]');
  assert.equal(await durable.getAttribute('data-log-length'), '2', 'both writes are still on disk');
  assert.equal(await durable.getAttribute('data-flushed-count'), '2');
  assert.equal(await durable.getAttribute('data-disk-current-epoch'), '1');
  assert.equal(await durable.getAttribute('data-disk-accepted-epoch'), '1');
  const entries = durable.locator('li[data-inspect-zxid]');
  assert.deepEqual(await entries.evaluateAll((ls) => ls.map((l) => [l.dataset.inspectZxid, l.dataset.inspectFlushed])), [
    ['0x100000001', 'true'],
    ['0x100000002', 'true'],
  ]);

  // It restarts at 9 s: rebuilt from disk, then leader 3 syncs it by DIFF.
  await skipUntil(
    page,
    () => {
      const g = document.querySelector('g[data-server="1"]');
      return g.dataset.role === 'FOLLOWING' && g.dataset.phase === 'BROADCAST';
    },
    null,
    'server 1 follows again',
  );
  await page.locator('[data-view="inspector"][data-inspect-up="true"]').waitFor();
  assert.equal(await volatile.getAttribute('data-wiped'), 'false');
  assert.equal(await volatile.getAttribute('data-inspect-role'), 'FOLLOWING');
  const recovery = inspector(page).locator('[data-inspect="recovery"]');
  assert.equal(await recovery.getAttribute('data-recovered-snapshot'), '0x0', 'snapshot.0, the empty tree written at its first start');
  assert.equal(await recovery.getAttribute('data-replayed'), '2', 'the two logged txns are replayed');
  assert.equal(await recovery.getAttribute('data-recovered-last-zxid'), '0x100000002');
  assert.match(await recovery.textContent(), /replayed 2 log entries/);
  const sync = inspector(page).locator('[data-explain="sync"][data-sync-learner="1"]');
  assert.equal(await sync.getAttribute('data-sync-mode'), 'DIFF');
  assert.equal(await sync.getAttribute('data-sync-leader'), '3');
  const why = await sync.textContent();
  assert.match(why, /chose DIFF for server 1/);
  assert.match(why, /0x100000002 \(from its ACKEPOCH\) lies inside the leader's committed log \[0x100000001 \.\. 0x1000000/);
  // The leader's side names the same choice for its learner.
  await app.byRole('button', 'Inspect server 3').click();
  await page.locator('[data-view="inspector"][data-inspect-server="3"]').waitFor();
  assert.equal(await inspector(page).locator('tr[data-learner-row="1"]').getAttribute('data-sync-mode'), 'DIFF');
  assert.equal(await inspector(page).locator('[data-explain="sync"][data-sync-learner="1"]').getAttribute('data-sync-mode'), 'DIFF');
  app.assertNoErrors();
});

test('the inspector explains a SNAP sync after a long outage', { timeout: 90_000 }, async () => {
  const page = await fresh('?preset=long-outage-snap&play=0');
  await openTab('Inspector');
  await app.byRole('button', 'Inspect server 1').click();
  await skipUntil(page, () => document.querySelector('g[data-server="1"]').dataset.up === 'false', null, 'server 1 crashes');
  await skipUntil(
    page,
    () => {
      const g = document.querySelector('g[data-server="1"]');
      return g.dataset.up === 'true' && g.dataset.phase === 'BROADCAST';
    },
    null,
    'server 1 is back in BROADCAST',
  );
  const sync = inspector(page).locator('[data-explain="sync"][data-sync-learner="1"]');
  await sync.waitFor();
  assert.equal(await sync.getAttribute('data-sync-mode'), 'SNAP');
  const why = await sync.textContent();
  assert.match(why, /chose SNAP for server 1/);
  assert.match(why, /0x100000001 \(from its ACKEPOCH\) is older than the leader's committed log/);
  assert.match(why, /full copy of its data tree/);
  // After the SNAP the follower's disk holds a snapshot of the leader's tree (besides
  // the empty snapshot.0 of its first start).
  await inspector(page).locator('[data-inspect="durable"] [data-inspect-snapshot]:not([data-inspect-snapshot="0x0"])').first().waitFor();
  app.assertNoErrors();
});

test('the space-time diagram follows the time slider, and clicking an arrow travels to its send time', { timeout: 90_000 }, async () => {
  const page = await fresh('?n=5&seed=1&play=0');
  await openTab('Space-time');
  const svg = page.locator('svg[data-view="spacetime"]');
  await svg.waitFor();
  await skipUntil(
    page,
    () => document.querySelector('g[data-server][data-role="LEADING"][data-phase="BROADCAST"]') !== null,
    null,
    'a leader in BROADCAST',
  );
  await skipOnce(page);
  const cursor = page.locator('[data-cursor-ms]');
  const later = await nowMs(page);
  assert.equal(Number(await cursor.getAttribute('data-cursor-ms')), later);
  const window1 = [Number(await svg.getAttribute('data-from-ms')), Number(await svg.getAttribute('data-to-ms'))];
  assert.ok(window1[0] <= later && later <= window1[1], `the window ${window1} holds t = ${later}`);

  // Drag the time slider back to 300 ms: the election.
  await app.byRole('slider', 'Timeline').fill('300');
  await page.waitForFunction(() => document.querySelector('[data-cursor-ms]')?.dataset.cursorMs === '300');
  assert.equal(await nowMs(page), 300);
  await page.waitForFunction(() => document.querySelector('svg[data-view="spacetime"]').dataset.toMs === '1000');
  assert.equal(await svg.getAttribute('data-from-ms'), '0');
  const arrows = svg.locator('g[data-packet-type]');
  const sent = await arrows.evaluateAll((gs) => gs.map((g) => Number(g.dataset.sentMs)));
  assert.ok(sent.length > 0, 'packets of the election are drawn');
  assert.ok(sent.every((t) => t <= 300), `nothing drawn after the moment viewed: ${sent}`);
  const notification = svg.locator('g[data-packet-type="NOTIFICATION"]').first();
  await notification.waitFor();
  assert.match(await notification.getAttribute('aria-label'), /NOTIFICATION from server \d to server \d, sent at \d+ ms/);

  // Keyboard: the newest arrow is the diagram's tab stop; ← moves to an older one,
  // Enter travels to its send time.
  const last = svg.locator('g[data-packet-type][tabindex="0"]');
  await last.focus();
  await page.keyboard.press('ArrowLeft');
  const focused = await page.evaluate(() => document.activeElement?.dataset.sentMs);
  assert.ok(focused !== undefined, 'an arrow has the focus');
  assert.equal(await nowMs(page), 300, '← moved between arrows, not through time');
  await page.keyboard.press('Enter');
  await page.waitForFunction((t) => document.querySelector('[data-view="clock"]').dataset.nowMs === t, focused);
  await page.waitForFunction((t) => document.querySelector('[data-cursor-ms]').dataset.cursorMs === t, focused);

  // A click on an arrow does the same.
  const target = svg.locator('g[data-packet-type]').first();
  const at = await target.getAttribute('data-sent-ms');
  await target.dispatchEvent('click');
  await page.waitForFunction((t) => document.querySelector('[data-view="clock"]').dataset.nowMs === t, at);
  await page.locator('[data-view="in-past"]').waitFor();
  app.assertNoErrors();
});

test('the bug lab: ZK-3911 is caught by the invariant the catalogue names; the same run on the fix stays clean', { timeout: 120_000 }, async () => {
  const page = await fresh('?n=3&play=0');
  await openTab('Bug lab');
  const lab = page.locator('[data-view="bug-lab"]');
  await app.byRole('combobox', 'Bug').selectOption('ZK-3911');
  await page.locator('[data-view="bug-lab"][data-bug="ZK-3911"]').waitFor();
  const expected = await lab.getAttribute('data-expected');
  assert.equal(expected, 'I10');
  assert.match(await lab.textContent(), /Fixed in|fixed in 3\.5\.10/);

  await app.byRole('button', 'Run with the bug').click();
  await page.locator('[data-view="bug-lab"][data-fixed="false"]').waitFor();
  await pause(page);
  await skipUntil(
    page,
    (inv) => document.querySelector(`[data-view="bug-lab"] [data-caught="${inv}"]`) !== null,
    expected,
    `the checker flags ${expected}`,
    25,
  );
  await openTab('Invariants');
  const row = page.locator(`li[data-invariant="${expected}"]`);
  assert.equal(await row.getAttribute('data-status'), 'violated');
  const first = page.locator('[data-first-violation]:not([data-first-violation=""])');
  const firstAt = await first.getAttribute('data-at-ms');
  await app.byRole('button', 'Jump to the moment it broke').click();
  await page.waitForFunction((t) => document.querySelector('[data-view="clock"]').dataset.nowMs === t, firstAt);
  await page.locator('[data-view="in-past"]').waitFor();

  await openTab('Bug lab');
  await app.byRole('button', 'Compare with the fix').click();
  await page.locator('[data-view="bug-lab"][data-fixed="true"]').waitFor();
  await pause(page);
  await app.byRole('button', /^Run to the end/).click();
  await page.locator('[data-view="bug-lab"] .caught.clean', { hasText: 'Clean' }).waitFor();
  await openTab('Invariants');
  await page.locator('[data-view="invariants"][data-violated="0"]').waitFor();
  assert.equal(await page.locator('li[data-invariant][data-status="violated"]').count(), 0);
  assert.equal(await page.locator('[data-view="violations"]').count(), 0, 'no violation badge on the fix');
  app.assertNoErrors();
});

test('help: the tour is shown once and comes back from its button; ? opens the shortcuts and Escape closes them', { timeout: 60_000 }, async () => {
  const page = await fresh('?n=3&play=0');
  await page.evaluate(() => localStorage.removeItem('zabscope.tour'));
  await fresh('?n=3&play=0');
  const tour = page.locator('[data-view="tour"]');
  await tour.waitFor();
  assert.equal(await tour.getAttribute('data-step'), '1');
  assert.equal(await page.locator('[data-tour-target]').count(), 1, 'the step outlines what it talks about');
  await app.byRole('button', 'Next ›').click();
  await page.locator('[data-view="tour"][data-step="2"]').waitFor();
  await app.byRole('button', 'Close the tour').click();
  await tour.waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-tour-target]').count(), 0);
  // Remembered: a reload does not show it again; the Tour button does.
  await fresh('?n=3&play=0');
  await app.byRole('region', 'Selection').waitFor();
  assert.equal(await tour.count(), 0);
  await app.byRole('button', 'Tour', { exact: true }).click();
  await page.locator('[data-view="tour"][data-step="1"]').waitFor();
  await app.byRole('button', 'Close the tour').click();

  // ? opens the shortcuts dialog, with the focus inside; Escape closes it and keeps the selection.
  await app.byRole('button', 'Select server 2', { exact: true }).click();
  await page.locator('body').press('?');
  const dialog = app.byRole('dialog', 'Keyboard shortcuts');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Close keyboard shortcuts');
  assert.match(await dialog.textContent(), /kill the active leader/);
  // App keys wait while the dialog is up.
  await page.keyboard.press('k');
  assert.doesNotMatch(await page.locator('[data-view="message"]').textContent(), /no active leader/i);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await app.byRole('button', 'Select server 2', { exact: true }).getAttribute('aria-pressed'), 'true');
  // Shift+letter shows a dock tab.
  await page.locator('body').press('Shift+I');
  await app.byRole('tab', 'Inspector', { selected: true }).waitFor();
  await page.locator('[data-view="inspector"][data-inspect-server="2"]').waitFor();
  await page.locator('body').press('Shift+L');
  await app.byRole('region', 'Logs').waitFor();
  app.assertNoErrors();
});

/** Press N (step one event) until `predicate(arg)` holds, at most `max` times. */
async function stepUntil(page, predicate, arg, what, max = 200) {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate(predicate, arg)) return;
    if (i < max) await page.locator('body').press('n');
  }
  assert.fail(`after ${max} steps: ${what}`);
}

test('the inspector spells out why a vote wins and why a proposal is not committed yet', { timeout: 90_000 }, async () => {
  const page = await fresh('?n=3&seed=1&play=0');
  await openTab('Inspector');
  await app.byRole('button', 'Inspect server 1').click();
  // Server 1 proposes itself, then adopts server 3's vote: equal epochs and zxids, higher id.
  await stepUntil(
    page,
    () => /adopted server 3's vote/.test(document.querySelector('[data-inspect="fle"] [data-explain="vote"]')?.textContent ?? ''),
    null,
    'server 1 adopts server 3 vote',
  );
  const why = await page.locator('[data-inspect="fle"] p[data-explain="vote"]').textContent();
  assert.match(why, /\(e0, 0x0, s3\) beats \(e0, 0x0, s1\): the same peerEpoch 0 and zxid 0x0, so the higher server id wins the tie, and 3 > 1/);
  await page.locator('[data-inspect="fle"] tr[data-vote-from]').first().waitFor();
  // The vote history keeps the reason core gave.
  assert.match(await page.locator('[data-explain="vote-change"]').first().textContent(), /beats mine/);

  // A write to the leader: its proposal waits for the ACKs of a quorum that includes the leader.
  await skipUntil(
    page,
    () => document.querySelector('g[data-server][data-role="LEADING"][data-phase="BROADCAST"]') !== null,
    null,
    'a leader in BROADCAST',
  );
  const leader = await page.locator('g[data-server][data-role="LEADING"]').getAttribute('data-server');
  await app.byRole('button', `Inspect server ${leader}`).click();
  await page.locator('body').press('w');
  const commit = page.locator('[data-explain="commit"]').first();
  await commit.waitFor();
  assert.equal(await commit.getAttribute('data-quorum'), '2');
  assert.equal(await commit.getAttribute('data-leader-acked'), 'false');
  assert.match(await commit.textContent(), /0 of the 2 a quorum of 3 voters needs; the leader's own ACK is not in yet.*Waiting for 2 more ACKs/);
  await stepUntil(page, () => document.querySelector('[data-explain="commit"]') === null, null, 'the write commits');
  assert.equal(await page.locator('[data-write-status]').first().getAttribute('data-write-status'), 'committed');
  app.assertNoErrors();
});

test('with bug mode ZK-1653, a server that refuses to start says why (the startup epoch check), and the diagram marks it', { timeout: 90_000 }, async () => {
  const page = await fresh('?n=3&play=0');
  await importScenario(page, e3Scenario(['ZK-1653']));
  await page.locator('.scenario-text summary', { hasText: 'E3 window' }).waitFor();
  await pause(page);
  await openTab('Inspector');
  await app.byRole('button', 'Inspect server 1').click();
  await skipUntil(page, () => Number(document.querySelector('[data-view="clock"]').dataset.nowMs) >= 11000, null, 't = 11 s', 15);
  const refusal = page.locator('[data-view="inspector"] [data-explain="refusal"]');
  await refusal.waitFor();
  const text = await refusal.textContent();
  assert.match(text, /Server 1 refuses to start: The current epoch, 1, is older than the last zxid, 0x2000000/);
  assert.match(text, /ZOOKEEPER-1653/);
  assert.equal(await page.locator('[data-inspect="volatile"]').getAttribute('data-wiped'), 'true');
  await openTab('Space-time');
  await page.locator('svg[data-view="spacetime"] g[data-mark="refused"][data-mark-server="1"][data-at-ms="11000"]').waitFor();
  app.assertNoErrors();
});

test('on the baseline the crashed disk shows the updatingEpoch marker, and the restart finishes the epoch change', { timeout: 90_000 }, async () => {
  const page = await fresh('?n=3&play=0');
  await importScenario(page, e3Scenario([]));
  await page.locator('.scenario-text summary', { hasText: 'E3 window' }).waitFor();
  await pause(page);
  await openTab('Inspector');
  await app.byRole('button', 'Inspect server 1').click();
  await skipUntil(page, () => Number(document.querySelector('[data-view="clock"]').dataset.nowMs) >= 10000, null, 't = 10 s', 12);
  const durable = page.locator('[data-view="inspector"] [data-inspect="durable"]');
  assert.equal(await durable.getAttribute('data-disk-current-epoch'), '1');
  await durable.locator('[data-disk-updating-epoch="2"]').waitFor();
  await skipUntil(page, () => document.querySelector('[data-inspect="durable"]')?.dataset.diskCurrentEpoch === '2', null, 'server 1 restarts into epoch 2', 4);
  assert.equal(await durable.locator('[data-disk-updating-epoch]').count(), 0);
  assert.equal(await page.locator('[data-view="inspector"] [data-explain="refusal"]').count(), 0);
  app.assertNoErrors();
});

test('a learner whose TRUNC finds no snapshot shows the needsFullSync marker until its next sync replaces its history', { timeout: 90_000 }, async () => {
  const page = await fresh('?n=3&play=0');
  const file = new URL('../../zab-sim/tests/issues/trunc-below-snap-sync-snapshot.json', import.meta.url);
  await importScenario(page, JSON.parse(readFileSync(file, 'utf8')));
  await page.locator('.scenario-text summary', { hasText: 'TRUNC below a SNAP-sync snapshot' }).waitFor();
  await pause(page);
  await openTab('Inspector');
  await app.byRole('button', 'Inspect server 2').click();
  // Leader 1 TRUNCates server 2 at 16.8 s; leader 3 SNAP-syncs it at 17.3 s.
  await skipUntil(page, () => Number(document.querySelector('[data-view="clock"]').dataset.nowMs) >= 17000, null, 't = 17 s', 20);
  const durable = inspector(page).locator('[data-inspect="durable"]');
  await durable.locator('[data-disk-full-sync-needed="true"]').waitFor();
  await skipOnce(page);
  assert.equal(await durable.locator('[data-disk-full-sync-needed]').count(), 0);
  app.assertNoErrors();
});
