// The live cluster, driven as a user would: by roles and accessible names, keys,
// and the stable data attributes of docs/web-data-attributes.md. No wall-clock
// sleeps: the tests pause playback and move simulated time with the "+1 s" button,
// then wait for DOM state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { openPaused, nowMs, skipOnce as skipOnceIn } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 720 } });
});

after(async () => {
  await app?.close();
});

/** A fresh page with playback paused (the app autoplays on load). */
const fresh = (query = '') => openPaused(app, query);
const skipOnce = (page) => skipOnceIn(app, page);

/** Skip simulated seconds until `predicate(arg)` holds in the page. */
async function skipUntil(page, predicate, arg, what, maxSeconds = 30) {
  for (let i = 0; i <= maxSeconds; i++) {
    if (await page.evaluate(predicate, arg)) return;
    if (i < maxSeconds) await skipOnce(page);
  }
  assert.fail(`after ${maxSeconds} simulated seconds: ${what}\n${await describe(page)}`);
}

/** The servers as the ring shows them. */
async function servers(page) {
  return page.$$eval('g[data-server]', (gs) =>
    gs.map((g) => ({
      id: Number(g.dataset.server),
      role: g.dataset.role,
      phase: g.dataset.phase,
      epoch: Number(g.dataset.epoch),
      up: g.dataset.up === 'true',
      lastZxid: g.dataset.lastZxid,
    })),
  );
}

async function describe(page) {
  return JSON.stringify(await servers(page));
}

const hasActiveLeader = () =>
  document.querySelector('g[data-server][data-role="LEADING"][data-phase="BROADCAST"]') !== null;

async function activeLeader(page) {
  await skipUntil(page, hasActiveLeader, null, 'a server is LEADING in BROADCAST');
  const l = (await servers(page)).find((s) => s.role === 'LEADING' && s.phase === 'BROADCAST');
  assert.ok(l, 'an active leader');
  return l;
}

test('the page mounts with a five-server cluster, every server up and LOOKING at first', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  const list = await servers(page);
  assert.equal(list.length, 5);
  assert.ok(list.every((s) => s.up), 'every server is up');
  assert.ok(list.every((s) => s.role === 'LOOKING' && s.phase === 'ELECTION'), await describe(page));
  await app.byRole('img', 'Cluster').waitFor();
  for (const name of ['Logs', 'Clients', 'Event log', 'Selection', 'Pending events']) {
    await app.byRole('region', name).waitFor();
  }
  app.assertNoErrors();
});

test('playing the cluster elects a leader that is obvious on screen', { timeout: 90_000 }, async () => {
  const page = await fresh();
  // Real playback for a moment: the clock moves while playing.
  await app.byRole('button', 'Play', { exact: true }).click();
  const t0 = await nowMs(page);
  await page.waitForFunction((t) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) > t, t0);
  await app.byRole('button', 'Pause', { exact: true }).click();

  const leader = await activeLeader(page);
  assert.ok(leader.epoch >= 1, `epoch ${leader.epoch}`);
  const badge = page.locator('[data-view="leader"]');
  assert.equal(await badge.getAttribute('data-leader'), String(leader.id));
  assert.match(await badge.textContent(), new RegExp(`server ${leader.id}`));
  // Role in text, not only colour.
  const label = page.locator(`g[data-server="${leader.id}"] .role-label`);
  assert.equal(await label.textContent(), 'LEADER');
  // The others follow in BROADCAST.
  await skipUntil(
    page,
    () => [...document.querySelectorAll('g[data-server]')].every((g) => g.dataset.phase === 'BROADCAST'),
    null,
    'every server reaches BROADCAST',
  );
  app.assertNoErrors();
});

test('killing the leader (key K) yields a new leader with a higher epoch', { timeout: 90_000 }, async () => {
  const page = await fresh();
  const old = await activeLeader(page);
  await page.locator('body').press('k');
  await page.waitForFunction((id) => document.querySelector(`g[data-server="${id}"]`).dataset.up === 'false', old.id);
  assert.equal(await page.locator(`g[data-server="${old.id}"]`).getAttribute('data-role'), 'CRASHED');
  assert.equal(await page.locator(`g[data-server="${old.id}"] .role-label`).textContent(), 'CRASHED');
  await skipUntil(
    page,
    ({ id, epoch }) =>
      [...document.querySelectorAll('g[data-server][data-role="LEADING"][data-phase="BROADCAST"]')].some(
        (g) => g.dataset.server !== String(id) && Number(g.dataset.epoch) > epoch,
      ),
    { id: old.id, epoch: old.epoch },
    `a new leader with an epoch above ${old.epoch}`,
  );
  // Restart the old leader from its control box: it rejoins as a follower.
  await app.byRole('button', `Select server ${old.id}`, { exact: true }).click();
  await app.byRole('button', `Restart server ${old.id}`).click();
  await skipUntil(
    page,
    (id) => {
      const g = document.querySelector(`g[data-server="${id}"]`);
      return g.dataset.role === 'FOLLOWING' && g.dataset.phase === 'BROADCAST';
    },
    old.id,
    'the old leader follows again',
  );
  assert.equal(await page.locator('[data-view="violations"]').count(), 0, 'the invariant checker found nothing');
  app.assertNoErrors();
});

test('a write submitted at a follower commits and every live server logs it', { timeout: 90_000 }, async () => {
  const page = await fresh();
  const leader = await activeLeader(page);
  const follower = (await servers(page)).find((s) => s.id !== leader.id);
  await app.byRole('combobox', 'Write server').selectOption(String(follower.id));
  await app.byRole('combobox', 'Operation').selectOption('create');
  await app.byRole('textbox', 'Path', { exact: true }).fill('/e2e');
  await app.byRole('textbox', 'Data').fill('hello');
  await app.byRole('button', 'Submit write').click();

  const row = page.locator(`[data-write-server="${follower.id}"]`).first();
  await row.waitFor();
  await skipUntil(
    page,
    () => document.querySelector('[data-write-status]')?.dataset.writeStatus === 'committed',
    null,
    'the write commits',
  );
  const zxid = await row.getAttribute('data-write-zxid');
  assert.match(zxid, /^0x[0-9a-f]+$/);
  assert.equal(Number(BigInt(zxid) >> 32n), leader.epoch, 'the zxid carries the leader epoch');
  await skipUntil(
    page,
    (z) => [...document.querySelectorAll('g[data-server][data-up="true"]')].every((g) => g.dataset.lastZxid === z),
    zxid,
    `every live server's last zxid is ${zxid}`,
  );
  // The log entry is committed and fsynced at the follower.
  const entry = page.locator(`[data-log-row="${follower.id}"] [data-zxid="${zxid}"]`);
  await skipUntil(
    page,
    ({ id, z }) => {
      const e = document.querySelector(`[data-log-row="${id}"] [data-zxid="${z}"]`);
      return e?.dataset.committed === 'true' && e?.dataset.flushed === 'true';
    },
    { id: follower.id, z: zxid },
    'the follower holds the entry committed and fsynced',
  );
  assert.match(await entry.textContent(), /create \/e2e=hello/);

  // A read at the follower returns the value.
  await app.byRole('combobox', 'Read server').selectOption(String(follower.id));
  await app.byRole('textbox', 'Read path').fill('/e2e');
  await app.byRole('button', 'Read', { exact: true }).click();
  await page.locator('[data-read-status="fresh"]', { hasText: '“hello”' }).waitFor();
  app.assertNoErrors();
});

test('isolating a minority server keeps the majority serving', { timeout: 90_000 }, async () => {
  const page = await fresh();
  const leader = await activeLeader(page);
  const victim = (await servers(page)).find((s) => s.id !== leader.id);
  await app.byRole('button', `Select server ${victim.id}`, { exact: true }).click();
  await app.byRole('button', `Isolate server ${victim.id}`).click();
  // Every link of the victim is drawn cut.
  const cut = await page.$$eval(`g[data-link]`, (gs, id) =>
    gs.filter((g) => g.dataset.link.split('-').includes(String(id))).map((g) => g.dataset.cut), victim.id);
  assert.equal(cut.length, 4);
  assert.ok(cut.every((c) => c === 'both'), JSON.stringify(cut));

  // The isolated follower notices (no leader, back to LOOKING); the leader keeps its quorum.
  await skipUntil(
    page,
    (id) => document.querySelector(`g[data-server="${id}"]`).dataset.role === 'LOOKING',
    victim.id,
    'the isolated server goes back to LOOKING',
  );
  assert.equal(await page.locator('[data-view="leader"]').getAttribute('data-leader'), String(leader.id));

  await page.locator('body').press('w');
  await skipUntil(
    page,
    () => document.querySelector('[data-write-status]')?.dataset.writeStatus === 'committed',
    null,
    'a write to the leader commits without the isolated server',
  );
  const zxid = await page.locator('[data-write-status]').first().getAttribute('data-write-zxid');
  const list = await servers(page);
  assert.notEqual(list.find((s) => s.id === victim.id).lastZxid, zxid, 'the isolated server did not get it');

  // Heal everything (key H): the victim rejoins and catches up.
  await page.locator('body').press('h');
  await skipUntil(
    page,
    (z) => [...document.querySelectorAll('g[data-server]')].every((g) => g.dataset.lastZxid === z && g.dataset.phase === 'BROADCAST'),
    zxid,
    'after healing every server holds the write',
  );
  assert.equal(await page.locator('[data-view="violations"]').count(), 0, 'the invariant checker found nothing');
  app.assertNoErrors();
});

test('actions at the wrong moment explain themselves instead of failing', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  const message = page.locator('[data-view="message"]');
  await page.locator('body').press('k');
  await page.waitForFunction(() => document.querySelector('[data-view="message"]').classList.contains('error'));
  assert.match(await message.textContent(), /no active leader/i);
  await page.locator('body').press('h');
  assert.match(await message.textContent(), /nothing to heal/i);
  await app.byRole('button', 'Select server 2', { exact: true }).click();
  await app.byRole('button', 'Isolate server 2').click();
  await app.byRole('button', 'Isolate server 2').click();
  assert.match(await message.textContent(), /already isolated/i);
  await app.byRole('textbox', 'Path', { exact: true }).fill('no-slash');
  await app.byRole('button', 'Submit write').click();
  assert.match(await message.textContent(), /not a znode path/i);
  app.assertNoErrors();
});

test('packets fly along their links, and a chosen packet can be inspected and delivered first', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  // At t = 0 every server has sent its first NOTIFICATION.
  const packets = page.locator('g[data-packet-type="NOTIFICATION"]');
  assert.ok((await packets.count()) > 0, 'notifications in flight at t = 0');
  // The next events list offers the packet deliveries due first.
  const id = await page
    .locator('li[data-pending-packet]:not([data-pending-packet=""])')
    .first()
    .getAttribute('data-pending-packet');
  assert.equal(await page.locator(`g[data-packet-id="${id}"]`).getAttribute('data-packet-type'), 'NOTIFICATION');
  await app.byRole('button', `Show packet ${id}`).click();
  await page.locator('[data-view="packet-summary"]').waitFor();
  assert.match(await page.locator('[data-view="packet-summary"]').textContent(), /NOTIFICATION LOOKING vote \(\d+, 0x0, 0\)/);
  await app.byRole('button', 'Deliver next').click();
  await page.waitForFunction((i) => !document.querySelector(`g[data-packet-id="${i}"]`), id);
  // Step one event with N: the clock or the event log moves.
  await page.locator('body').press('n');
  await page.locator('.event-list li').first().waitFor();
  app.assertNoErrors();
});

test('time travel: going back shows the past, and acting there forks history', { timeout: 60_000 }, async () => {
  const page = await fresh();
  await activeLeader(page);
  await skipOnce(page);
  const present = await nowMs(page);
  await app.byRole('button', 'Back 1 second').click();
  await page.locator('[data-view="in-past"]').waitFor();
  assert.equal(await nowMs(page), present - 1000);
  // Replaying forward reaches the present again.
  await skipOnce(page);
  await page.locator('[data-view="in-past"]').waitFor({ state: 'detached' });
  // Back again, then act: history forks and the view is the present.
  await page.locator('body').press('b');
  await page.locator('[data-view="in-past"]').waitFor();
  await page.locator('body').press('w');
  await page.locator('[data-view="in-past"]').waitFor({ state: 'detached' });
  assert.match(await page.locator('[data-view="message"]').textContent(), /forked/);
  app.assertNoErrors();
});

for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
]) {
  test(`at ${width}x${height} every panel is on screen and the page does not scroll`, { timeout: 60_000 }, async () => {
    await app.page.setViewportSize({ width, height });
    try {
      const page = await fresh('?n=9&observers=2&play=0');
      assert.equal(await page.locator('g[data-server]').count(), 11);
      const overflow = await page.evaluate(() => ({
        x: document.documentElement.scrollWidth - window.innerWidth,
        y: document.documentElement.scrollHeight - window.innerHeight,
      }));
      assert.ok(overflow.x <= 0 && overflow.y <= 0, `page overflows by ${JSON.stringify(overflow)}`);
      for (const name of ['Cluster ring', 'Logs', 'Clients', 'Event log', 'Selection', 'Pending events']) {
        const box = await app.byRole('region', name).boundingBox();
        assert.ok(box && box.width > 150 && box.height > 60, `${name} is visible: ${JSON.stringify(box)}`);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 1, `${name} within the width`);
      }
      // The ring is the biggest thing on the page.
      const ring = await app.byRole('img', 'Cluster').boundingBox();
      assert.ok(ring.width * ring.height > 0.2 * width * height, `ring ${JSON.stringify(ring)}`);
      app.assertNoErrors();
    } finally {
      await app.page.setViewportSize({ width: 1280, height: 720 });
    }
  });
}

test('hiding the tab pauses playback and showing it resumes; the speed slider speaks words', { timeout: 60_000 }, async () => {
  const page = await fresh();
  await app.byRole('button', 'Play', { exact: true }).click();
  await app.byRole('button', 'Pause', { exact: true }).waitFor();
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { value: h, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  await app.byRole('button', 'Play', { exact: true }).waitFor();
  const frozen = await nowMs(page);
  await setHidden(false);
  await app.byRole('button', 'Pause', { exact: true }).waitFor();
  await page.waitForFunction((t) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) > t, frozen);
  // Space toggles playback (focus on the page, not on a button).
  await page.locator('h1').click();
  await page.keyboard.press('Space');
  await app.byRole('button', 'Play', { exact: true }).waitFor();

  const speed = app.byRole('slider', 'Speed');
  await speed.fill('100');
  assert.match(await speed.getAttribute('aria-valuetext'), /very fast/);
  await speed.fill('0');
  assert.match(await speed.getAttribute('aria-valuetext'), /very slow/);
  app.assertNoErrors();
});

test('a built-in scenario loads from the menu and runs its schedule', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  await app.byRole('combobox', 'Scenario').selectOption('leader-crash');
  await page.locator('.scenario-text summary', { hasText: 'Leader crash' }).waitFor();
  // The script crashes server 5 at 5 s; the panel of next events shows it coming.
  await page.locator('[data-script-step="5000"]', { hasText: 'crash server 5' }).waitFor();
  await skipUntil(
    page,
    () => document.querySelector('g[data-server="5"]').dataset.up === 'false',
    null,
    'the scenario crashes server 5',
    8,
  );
  await activeLeader(page);
  // Back to free play with three servers.
  await app.byRole('combobox', 'Servers', { exact: true }).selectOption('3');
  await page.waitForFunction(() => document.querySelectorAll('g[data-server]').length === 3);
  app.assertNoErrors();
});

test('a link picked with two number keys can be cut one way and healed', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  await page.locator('body').press('2');
  await page.locator('body').press('4');
  await page.locator('.selection h3', { hasText: 'Link 2 ↔ 4' }).waitFor();
  await app.byRole('button', 'Cut 4 → 2 only').click();
  assert.equal(await page.locator('g[data-link="2-4"]').getAttribute('data-cut'), '4->2');
  await page.locator('g[data-link="2-4"]', { hasText: '4→2 blocked' }).waitFor();
  await app.byRole('button', 'Cut both ways').click();
  assert.equal(await page.locator('g[data-link="2-4"]').getAttribute('data-cut'), 'both');
  await app.byRole('button', 'Heal link').click();
  assert.equal(await page.locator('g[data-link="2-4"]').getAttribute('data-cut'), 'none');
  await app.byRole('button', 'Heal link').click();
  assert.match(await page.locator('[data-view="message"]').textContent(), /is not cut/);
  await page.locator('body').press('Escape');
  await page.locator('.selection .hint').waitFor();
  app.assertNoErrors();
});

test('the bug lab: with ZK-3911 switched back on, the invariant checker flags the run', { timeout: 60_000 }, async () => {
  const page = await fresh('?play=0');
  await app.byRole('combobox', 'Scenario').selectOption('bug:ZK-3911');
  await page.locator('.scenario-text summary', { hasText: 'ZK-3911' }).waitFor();
  assert.equal(await page.locator('[data-view="violations"]').count(), 0);
  await skipUntil(
    page,
    () => document.querySelector('[data-view="violations"]') !== null,
    null,
    'the checker reports a violation',
    20,
  );
  assert.ok(Number(await page.locator('[data-view="violations"]').getAttribute('data-violations')) >= 1);
  await page.locator('.event-list li.fault', { hasText: 'Invariant' }).first().waitFor();
  app.assertNoErrors();
});

test('no click or key at any moment breaks the app (a seeded random walk over every control)', { timeout: 120_000 }, async () => {
  const page = await fresh('?play=0&n=3&observers=1');
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const keys = ['k', 'h', 'w', 'n', 'b', '1', '2', '3', '4', 'Escape', 'ArrowRight'];
  for (let i = 0; i < 120; i++) {
    if (rand(3) === 0) {
      await page.locator('body').press(keys[rand(keys.length)]);
      continue;
    }
    // The bug lab's buttons load another scenario by design (their own tests cover
    // them); the walk stays on this cluster.
    const buttons = page.locator('main button:visible:not([data-view="bug-lab"] button)');
    const count = await buttons.count();
    const pick = buttons.nth(rand(count));
    const name = (await pick.getAttribute('aria-label')) ?? (await pick.textContent());
    // Reset and Play are fine too, but keep the walk paused and on this cluster.
    if (/^(Play|Pause)$/.test(name)) continue;
    await pick.click({ timeout: 5_000 }).catch((err) => {
      // A control that re-rendered away between count and click is not a failure.
      if (!/detached|not attached|Timeout/.test(err.message)) throw err;
    });
    // The page answers every click: the status line or the DOM, never an exception.
    app.assertNoErrors();
  }
  await page.locator('g[data-server]').first().waitFor();
  assert.equal(await page.locator('g[data-server]').count(), 4);
  app.assertNoErrors();
});
