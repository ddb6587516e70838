// Rendering cost follows what changed (issue 16 item 1): while a steady cluster plays
// and only packets move, no panel whose data is unchanged touches the DOM, the one
// panel whose data does change (the next events) refreshes on a few frames only, and
// every packet in flight keeps its element (the data-* contract's `<g>`) from frame to
// frame, untouched, while the canvas under the servers draws it moving. Time is
// measured in animation frames, never by sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { openPaused, skipOnce } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await app?.close();
});

/** Animation frames observed: one second at 60 Hz. */
const FRAMES = 60;

/** Panels whose data does not change while a steady cluster only pings. */
const STILL_PANELS = {
  'event log': 'section[aria-label="Event log"]',
  clients: 'section[aria-label="Clients"]',
  selection: 'section[aria-label="Selection"]',
  dock: '[data-view="dock"]',
};
/** The queue changes with every ping: it may refresh, but not on every frame. */
const PENDING = 'section[aria-label="Pending events"]';

/**
 * In the page: counts mutations per panel and per frame, and follows each packet's
 * element across `frames` animation frames, and whether the canvas of packets in
 * flight changed between two frames with packets. Resolves with the tally.
 */
function observeFrames({ frames, still, pending }) {
  return new Promise((resolve) => {
    const panels = Object.entries({ ...still, pending }).map(([name, sel]) => [name, document.querySelector(sel)]);
    const tally = {
      missing: panels.filter(([, el]) => !el).map(([name]) => name),
      mutations: Object.fromEntries(panels.map(([name]) => [name, []])),
      pendingFrames: [],
      packetsSeen: 0,
      keptAcrossFrames: 0,
      recreated: [],
      packetMutations: [],
      canvasChanged: false,
    };
    const canvas = document.querySelector('canvas.ring-packets');
    let image = null; // the canvas on the last frame with packets in flight
    let frame = 0;
    let last = new Map();
    const count = (records) => {
      for (const r of records) {
        const where = panels.find(([, el]) => el && el.contains(r.target));
        if (where) {
          tally.mutations[where[0]].push(`${frame}: ${r.type} ${r.attributeName ?? ''} on ${r.target.nodeName}`);
          if (where[0] === 'pending' && tally.pendingFrames.at(-1) !== frame) tally.pendingFrames.push(frame);
        }
        // A packet already in flight on the previous frame is not touched (one sent
        // since is built, one delivered removed, whole).
        const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        const packet = el?.closest('svg[data-view="cluster"] g[data-packet-id]');
        if (packet && last.get(packet.dataset.packetId)?.el === packet) {
          tally.packetMutations.push(`${frame}: ${r.type} ${r.attributeName ?? ''} on ${el.nodeName} of packet ${packet.dataset.packetId}`);
        }
      }
    };
    const observer = new MutationObserver(count);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const packets = () =>
      new Map(
        [...document.querySelectorAll('svg[data-view="cluster"] g[data-packet-id]')].map((g) => [
          g.dataset.packetId,
          { el: g },
        ]),
      );
    last = packets();
    const tick = () => {
      count(observer.takeRecords());
      frame += 1;
      const now = packets();
      tally.packetsSeen += now.size;
      for (const [id, p] of now) {
        const before = last.get(id);
        if (!before) continue;
        if (before.el !== p.el) tally.recreated.push(`packet ${id} at frame ${frame}`);
        else tally.keptAcrossFrames += 1;
      }
      if (canvas && now.size > 0 && !tally.canvasChanged) {
        const next = canvas.toDataURL();
        tally.canvasChanged = image !== null && next !== image;
        image = next;
      }
      last = now;
      if (frame < frames) {
        requestAnimationFrame(tick);
      } else {
        count(observer.takeRecords());
        observer.disconnect();
        resolve(tally);
      }
    };
    requestAnimationFrame(tick);
  });
}

test('a steady cluster re-renders no panel while only packets move', { timeout: 120_000 }, async () => {
  // Speed slider at 80 (0.25x): a 5-20 ms packet flight lasts several frames.
  const page = await openPaused(app, '?play=0&speed=80');
  // Steady: a leader and every follower in BROADCAST, no client, nothing scheduled.
  for (let i = 0; i < 30; i++) {
    const steady = await page.$$eval('g[data-server]', (gs) => gs.every((g) => g.dataset.phase === 'BROADCAST'));
    if (steady) break;
    await skipOnce(app, page);
  }
  assert.ok(
    await page.$$eval('g[data-server]', (gs) => gs.every((g) => g.dataset.phase === 'BROADCAST')),
    'every server reaches BROADCAST',
  );
  await skipOnce(app, page); // the last sync messages of the election land
  const t0 = Number(await page.locator('[data-now-ms]').getAttribute('data-now-ms'));
  await app.byRole('button', 'Play', { exact: true }).click();
  await page.waitForFunction((t) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) > t, t0);

  const tally = await page.evaluate(observeFrames, { frames: FRAMES, still: STILL_PANELS, pending: PENDING });
  await app.byRole('button', 'Pause', { exact: true }).click();
  const t1 = Number(await page.locator('[data-now-ms]').getAttribute('data-now-ms'));

  assert.deepEqual(tally.missing, [], 'every observed panel is on the page');
  assert.ok(t1 > t0, 'the cluster played during the observation');
  for (const name of Object.keys(STILL_PANELS)) {
    assert.deepEqual(tally.mutations[name], [], `no mutation in the ${name}: its data did not change`);
  }
  // The next events change with every ping, and are refreshed a few times a second:
  // never on two frames in a row (the refresh waits at least 4 frames and 250 ms).
  const consecutive = tally.pendingFrames.filter((f, i) => i > 0 && f - tally.pendingFrames[i - 1] < 4);
  assert.deepEqual(consecutive, [], `next events refreshed on frames ${tally.pendingFrames.join(', ')}`);
  assert.ok(tally.pendingFrames.length <= Math.ceil(FRAMES / 4), `next events refreshed on ${tally.pendingFrames.length} of ${FRAMES} frames`);

  // Packets flew and kept their elements, untouched; the canvas drew them moving.
  assert.ok(tally.keptAcrossFrames > 0, `a packet stayed in flight across frames (${tally.packetsSeen} seen)`);
  assert.deepEqual(tally.recreated, [], 'no packet in flight was re-created');
  assert.deepEqual(tally.packetMutations, [], 'the element of a packet in flight is not touched');
  assert.ok(tally.canvasChanged, 'the canvas of packets in flight was redrawn');
  app.assertNoErrors();
});

test('the packet canvas is drawn at its full size after a language switch remounts it', async () => {
  const page = await openPaused(app, '?n=5&play=0');
  await skipOnce(app, page);
  // Step until packets fly, then switch the language: the page is rebuilt, the canvas
  // with it, in a box of the same size as before.
  for (let i = 0; i < 40 && (await page.locator('[data-packet-id]').count()) === 0; i++) {
    await page.keyboard.press('n');
  }
  assert.ok((await page.locator('[data-packet-id]').count()) > 0, 'packets in flight');
  await page.getByRole('button', { name: '中文' }).click();
  await page.locator('html[lang="zh-CN"]').waitFor();
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas.ring-packets');
    if (!c || c.width !== Math.round(c.clientWidth * devicePixelRatio)) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
    return false;
  });
  app.assertNoErrors();
});

// The event log is one keyed list (web/src/panels/events.rs): when new lines come in at
// the top, the lines still shown keep their elements. (With an unkeyed list every line
// was re-created at every refresh: 150 lines, several times a second.)
test('the event log keeps the elements of the lines still shown when new ones arrive', { timeout: 60_000 }, async () => {
  const page = await openPaused(app, '?play=0&lang=en');
  await skipOnce(app, page);
  await skipOnce(app, page);
  // A full log (150 lines), as in a busy class: writes until it is.
  const lines = page.locator('.panel.events ol > li[data-kind]');
  for (let i = 0; i < 30 && (await lines.count()) < 150; i++) {
    for (let w = 0; w < 4; w++) await app.byRole('button', 'Write to leader').click();
    await skipOnce(app, page);
  }
  assert.equal(await lines.count(), 150, 'a full log');
  await page.evaluate(() => {
    window.__oldLines = [...document.querySelectorAll('.panel.events ol > li[data-kind]')];
  });
  await app.byRole('button', 'Write to leader').click();
  await skipOnce(app, page);
  const r = await page.evaluate(() => {
    const now = [...document.querySelectorAll('.panel.events ol > li[data-kind]')];
    const old = window.__oldLines;
    return { now: now.length, kept: old.filter((li) => li.isConnected).length, old: old.length, newest: now.indexOf(old[0]) };
  });
  assert.ok(r.newest > 0, `the old newest line is still shown, lower down (at ${r.newest})`);
  // Every old line the log still has room for is the same element (150 lines at most).
  assert.equal(r.kept, Math.min(r.old, 150 - r.newest), JSON.stringify(r));
  app.assertNoErrors();
});
