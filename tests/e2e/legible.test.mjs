// The ring stays as large when a dock tab opens (issue 14: opening any tab but Logs
// made the dock taller and the ring smaller, down to 7 px labels at 1280x720).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { ringLabels } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 720 } });
});

after(async () => {
  await app?.close();
});

test('at 1280x720 the ring keeps its size on every dock tab', async () => {
  const page = await app.open('?play=0&lang=en');
  const ring = () => app.byRole('img', 'Cluster').boundingBox();
  const logs = await ring();
  const tabs = await page.locator('[data-view="dock"] [role="tab"]').count();
  assert.ok(tabs >= 5, `${tabs} tabs`);
  for (let i = 0; i < tabs; i++) {
    await page.locator('[data-view="dock"] [role="tab"]').nth(i).click();
    const box = await ring();
    assert.ok(Math.abs(box.height - logs.height) < 1 && Math.abs(box.width - logs.width) < 1,
      `tab ${i}: ring ${JSON.stringify(box)} vs ${JSON.stringify(logs)}`);
  }
  app.assertNoErrors();
});

/** The "+1 s" button's accessible name in each language. */
const SKIP = { en: 'Skip 1 second', zh: '前进 1 秒' };

/** Steps the simulation one second with the "+1 s" button and waits for the clock. */
async function skip(page, lang) {
  const before = Number(await page.locator('[data-now-ms]').getAttribute('data-now-ms'));
  await app.byRole('button', SKIP[lang]).click();
  await page.waitForFunction((b) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= b + 1000, before);
}

// web/src/panels/ring/fit.rs: outside presenter mode the labels under each server grow
// to 12 px on screen where the room between servers allows, and never overlap another
// server's labels, shape or vote badge. Where the box is wider than the ring (656x296
// px here), the ellipse is widened to give the servers room (ring.rs `fitted`).
//
// Measured here before the ring was widened and the badges grew with the labels
// (2c581bd): labels 12.1, 10.2, 9.0 and 6.5 px at 3, 5, 7 and 9+2 servers, vote text
// 8.1, 7.7, 7.0 and 6.1 px; after: labels 12.1, 10.2, 9.2, 7.5, votes 11.4, 9.6, 8.7, 7.1.
const AT_LEAST = { 3: { px: 10, vote: 10 }, 5: { px: 10, vote: 9 }, 7: { px: 9.1, vote: 8 }, 9: { px: 7.4, vote: 6.8 } };
for (const lang of ['en', 'zh']) {
  test(`at 1280x720 the ring's labels are legible and apart, 3 to 9+2 servers (${lang})`, { timeout: 90_000 }, async () => {
    for (const [n, observers] of [[3, 0], [5, 0], [7, 0], [9, 2]]) {
      const page = await app.open(`?play=0&lang=${lang}&n=${n}&observers=${observers}`);
      // During the election (vote badges) and after it (longer zxids, a LEADING label).
      for (const skips of [0, 3]) {
        for (let i = 0; i < skips; i++) await skip(page, lang);
        const { px: kinds, votePx, overlaps } = await ringLabels(page);
        const px = Math.min(...Object.values(kinds));
        assert.deepEqual(overlaps, [], `${n}+${observers} servers after ${skips} s`);
        // Without the boost, 5 servers' labels were 8.5 px here; the room between
        // neighbouring servers stops it at about 10 (fit.rs).
        assert.ok(px >= AT_LEAST[n].px, `${n}+${observers} servers: labels of ${px.toFixed(1)} px`);
        if (votePx !== null) assert.ok(votePx >= AT_LEAST[n].vote, `${n}+${observers} servers: vote text of ${votePx.toFixed(1)} px`);
      }
    }
    app.assertNoErrors();
  });
}
