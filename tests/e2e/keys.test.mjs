// Keyboard shortcuts whatever has focus (issue 14): after the speed slider is used with
// the mouse it keeps focus, and Space must still play; keys typed while an input
// method composes (Chinese) are the input method's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { nowMs } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await app?.close();
});

test('Space plays and N steps while the speed slider has focus; its arrows still move it', async () => {
  const page = await app.open('?play=0&lang=en');
  const slider = app.byRole('slider', 'Speed');
  await slider.click();
  assert.ok(await slider.evaluate((el) => el === document.activeElement), 'the slider has focus');
  const before = await slider.inputValue();
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await slider.inputValue(), before, 'the arrow moved the slider');
  await page.keyboard.press(' ');
  await app.byRole('button', 'Pause', { exact: true }).waitFor();
  await page.keyboard.press(' ');
  await app.byRole('button', 'Play', { exact: true }).waitFor();
  // N steps: the status line then says what the step did (the clock may not move:
  // the next event can be due at the same millisecond).
  const said = await page.locator('[data-view="message"]').innerText();
  const t0 = await nowMs(page);
  await page.keyboard.press('n');
  await page.waitForFunction(
    (text) => document.querySelector('[data-view="message"]').innerText !== text,
    said,
  );
  assert.ok((await nowMs(page)) >= t0);
  app.assertNoErrors();
});

test('a key pressed while an input method composes fires no shortcut', async () => {
  const page = await app.open('?play=0&lang=en');
  await page.evaluate(() =>
    document.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', isComposing: true, bubbles: true })),
  );
  // The same key, not composing, plays: the page took the first one as no shortcut.
  assert.equal(await app.byRole('button', 'Play', { exact: true }).count(), 1, 'still paused');
  await page.evaluate(() => document.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true })));
  await app.byRole('button', 'Pause', { exact: true }).waitFor();
});
