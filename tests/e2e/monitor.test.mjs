// The Monitor dock tab (issue 15 item 6): every server's answer to the four-letter
// word mntr side by side, with ZooKeeper's field names, and the operator's alerts
// (docs/web-data-attributes.md, "Monitor"). Playback is paused; simulated time moves
// with "+1 s"; the test waits for DOM state, never for wall-clock time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { openPaused, skipOnce, nowMs } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 720 } });
});

after(async () => {
  await app?.close();
});

const panel = (page) => page.locator('[data-view="monitor"]');

/** The value of `zk_key` in server `id`'s column (empty: the server did not print it). */
async function value(page, key, id) {
  return panel(page)
    .locator(`tr[data-mntr-key="${key}"] td[data-monitor-server="${id}"]`)
    .getAttribute('data-value');
}

/** Skip simulated seconds until the clock reaches `t`. */
async function skipTo(page, t) {
  while ((await nowMs(page)) < t) await skipOnce(app, page);
}

/** Skip simulated seconds until `predicate()` holds in the page. */
async function skipUntil(page, predicate, what, maxSeconds = 20) {
  for (let i = 0; i <= maxSeconds; i++) {
    if (await page.evaluate(predicate)) return;
    if (i < maxSeconds) await skipOnce(app, page);
  }
  assert.fail(`after ${maxSeconds} simulated seconds: ${what}`);
}

test('the monitor shows every server\'s mntr and raises "leader changed" when the leader is killed', { timeout: 120_000 }, async () => {
  const page = await openPaused(app, '?preset=config-watch&play=0');
  await app.byRole('tab', 'Monitor').click();
  await app.byRole('tab', 'Monitor', { selected: true }).waitFor();
  await panel(page).waitFor();

  // At 3 s each of the three clients has read /config with a watch at its own server;
  // server 3 leads with both followers synced (config-watch's description).
  await skipTo(page, 3000);
  await panel(page).locator('tr[data-mntr-key="zk_server_state"] td[data-monitor-server="3"][data-value="leader"]').waitFor();
  for (const id of [1, 2, 3]) {
    assert.equal(await value(page, 'zk_watch_count', id), '1', `server ${id}'s watch`);
    assert.equal(await value(page, 'zk_ephemerals_count', id), '0', `server ${id}: /config is persistent`);
    assert.equal(await value(page, 'zk_global_sessions', id), '3', `server ${id}: three sessions`);
  }
  assert.equal(await value(page, 'zk_server_state', 1), 'follower');
  assert.equal(await value(page, 'zk_learners', 3), '2');
  assert.equal(await value(page, 'zk_synced_followers', 3), '2');
  assert.equal(await value(page, 'zk_synced_followers', 1), '', 'a follower prints no leader gauges');
  assert.equal(await panel(page).getAttribute('data-alerts'), '0');

  // Kill the leader: it stops answering at once, and the others elect a new one.
  await app.byRole('button', 'Kill leader').click();
  await panel(page).locator('li[data-alert="server-down"][data-alert-server="3"]').waitFor();
  assert.match(
    await panel(page).locator('tr[data-mntr-key="zk_server_state"] td[data-monitor-server="3"]').textContent(),
    /down/,
  );
  await skipUntil(
    page,
    () => document.querySelector('[data-view="monitor"] li[data-alert="leader-changed"]') !== null,
    'the leader-changed alert',
  );
  const changed = panel(page).locator('li[data-alert="leader-changed"]');
  const to = await changed.getAttribute('data-alert-server');
  assert.match(await changed.textContent(), new RegExp(`Leader changed: server 3 → server ${to}`));
  assert.equal(await value(page, 'zk_server_state', to), 'leader');
  assert.equal(await value(page, 'zk_learners', to), '1', 'one follower left');

  // To the end of the run: the new leader still leads; no ephemeral znodes anywhere.
  await skipTo(page, 7800);
  assert.equal(await value(page, 'zk_server_state', to), 'leader');
  assert.equal(await value(page, 'zk_ephemerals_count', to), '0');
  app.assertNoErrors();
});
