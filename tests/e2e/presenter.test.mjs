// Presenter mode (issue 14 item 3): legible from the back of a room on a 1920x1080
// projector (ring labels and the lesson's text at least 24 px) and at 1280x720 (the
// ring's labels still at least 24 px; the lesson card smaller, to stay on screen),
// secondary panels hidden, a slower speed, B or "." blanks the screen, the clicker's
// PageDown steps the lesson.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { ringLabels } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1920, height: 1080 } });
});

after(async () => {
  await app?.close();
});

for (const [width, height] of [[1920, 1080], [1280, 720]]) {
  test(`at ${width}x${height} the ring's labels (and at 1920x1080 the lesson's words) are at least 24 px`, async () => {
    await app.page.setViewportSize({ width, height });
    const page = await app.open('?play=0&lang=zh&present=1&lesson=quorum');
    assert.equal(await page.locator('main').getAttribute('data-presenter'), 'true');
    for (const [name, px] of Object.entries((await ringLabels(page)).px)) {
      assert.ok(px >= 24, `${name} labels are ${px.toFixed(1)} px`);
    }
    const say = await page.locator('[data-view="lesson"] .say').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(say >= (width >= 1920 ? 24 : 18), `the lesson's narration is ${say} px`);
    // The card's buttons are on screen.
    const replay = await page.locator('[data-view="lesson"] [data-action="replay"]').boundingBox();
    assert.ok(replay && replay.y + replay.height <= height, `the card fits: ${JSON.stringify(replay)}`);
    for (const hidden of ['[data-view="dock"]', '.col-right']) {
      assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} is hidden`);
    }
    app.assertNoErrors();
  });
}

test('entering presenter mode slows playback; B blanks the screen, any key shows it; PageDown steps the lesson', async () => {
  await app.page.setViewportSize({ width: 1920, height: 1080 });
  const page = await app.open('?play=0&lang=en&speed=90&lesson=election');
  const speed = app.byRole('slider', 'Speed');
  assert.equal(await speed.inputValue(), '90');
  await page.locator('[data-view="presenter"]').click();
  assert.ok(Number(await speed.inputValue()) <= 45, 'slower in presenter mode');
  await page.keyboard.press('b');
  await page.locator('[data-view="blank"]').waitFor();
  await page.keyboard.press('x');
  await page.locator('[data-view="blank"]').waitFor({ state: 'detached' });
  await page.keyboard.press('.');
  await page.locator('[data-view="blank"]').waitFor();
  await page.locator('[data-view="blank"]').click();
  await page.locator('[data-view="blank"]').waitFor({ state: 'detached' });
  // The clicker: answer, run to the moment by "+1 s", then PageDown is the next step.
  const card = page.locator('[data-view="lesson"]');
  await card.locator('[data-answer="server-3"]').click();
  while ((await card.getAttribute('data-stage')) === 'running') {
    await app.byRole('button', '+1 s: skip 1 second', { exact: true }).click();
  }
  await page.keyboard.press('PageDown');
  await page.locator('[data-view="lesson"][data-step="2"]').waitFor();
  app.assertNoErrors();
});

test('a lesson step spotlights the servers it acts on and asks about; the others step back', async () => {
  await app.page.setViewportSize({ width: 1920, height: 1080 });
  // quorum step 2 crashes servers 1 and 2 and writes through leader 5 (core's Step::focus).
  const page = await app.open('?play=0&lang=en&present=1&lesson=quorum&step=2');
  const lit = await page.locator('g[data-server][data-spotlight="true"]').evaluateAll((gs) => gs.map((g) => g.dataset.server));
  assert.deepEqual(lit, ['1', '2', '5']);
  const dim = await page.locator('g[data-server="3"]').evaluate((g) => Number(getComputedStyle(g).opacity));
  assert.ok(dim < 0.5, `server 3 steps back (opacity ${dim})`);
  app.assertNoErrors();
});

test('in presenter mode the selected packet is drawn as large as the others (issue 14 item 3: large packets)', async () => {
  await app.page.setViewportSize({ width: 1920, height: 1080 });
  const page = await app.open('?play=0&lang=en');
  // At t = 0 every server has sent its first NOTIFICATION; select one from the next events list.
  const id = await page.locator('li[data-pending-packet]:not([data-pending-packet=""])').first().getAttribute('data-pending-packet');
  await app.byRole('button', `Show packet ${id}`).click();
  const selected = page.locator(`g.packet.selected[data-packet-id="${id}"] rect`);
  // The packet's width in the ring's own units (its on-screen width over the ring's scale).
  const width = () => selected.evaluate((rect) => {
    const svg = rect.closest('svg');
    const box = svg.getBoundingClientRect();
    const scale = Math.min(box.width / svg.viewBox.baseVal.width, box.height / svg.viewBox.baseVal.height);
    return rect.getBoundingClientRect().width / scale;
  });
  const usual = await width();
  await page.locator('[data-view="presenter"]').click();
  await page.locator('main[data-presenter="true"]').waitFor();
  const large = await width();
  // flight.rs draws the canvas packets 1.6 times larger in presenter mode.
  assert.ok(Math.abs(large / usual - 1.6) < 0.05, `selected packet ${usual.toFixed(1)} → ${large.toFixed(1)} units`);
  app.assertNoErrors();
});
