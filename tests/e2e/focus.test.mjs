// Issue 14's keyboard list: the guided tour and the keyboard-shortcuts dialog hold the
// focus while open (Tab and Shift+Tab go round their buttons), Escape closes them, and
// the focus goes back to the button that opened them. Driven with the keyboard only,
// waiting on the DOM, never on time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await app?.close();
});

/** The accessible name of what has the focus (its aria-label, else its text). */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? null;
  });
}

test('the tour keeps Tab among its buttons, Escape closes it and the focus returns', async () => {
  const page = await app.open('?n=3&play=0&lang=en');
  const tour = page.locator('[data-view="tour"]');
  if (await tour.count()) await app.byRole('button', 'Close the tour').click();
  await tour.waitFor({ state: 'detached' });
  const opener = app.byRole('button', 'Tour', { exact: true });
  await opener.focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-view="tour"][data-step="1"]').waitFor();
  await page.waitForFunction(() => document.activeElement?.closest('[data-view="tour"]'));
  assert.equal(await focused(page), 'Next ›', 'the card has the focus');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Close the tour');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Next ›', 'Tab from the last button comes round to the first');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'Close the tour', 'Shift+Tab from the first goes to the last');
  await page.keyboard.press('Escape');
  await tour.waitFor({ state: 'detached' });
  assert.equal(await focused(page), 'Tour', 'the focus is back on the button that opened it');
  app.assertNoErrors();
});

test('the shortcuts dialog keeps the focus, Escape closes it and the focus returns', async () => {
  const page = await app.open('?n=3&play=0&lang=en');
  const tour = page.locator('[data-view="tour"]');
  if (await tour.count()) await app.byRole('button', 'Close the tour').click();
  const opener = app.byRole('button', 'Keyboard shortcuts');
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = app.byRole('dialog', 'Keyboard shortcuts');
  await dialog.waitFor();
  assert.equal(await focused(page), 'Close keyboard shortcuts');
  for (const key of ['Tab', 'Shift+Tab', 'Tab']) {
    await page.keyboard.press(key);
    assert.equal(await focused(page), 'Close keyboard shortcuts', `${key} stays in the dialog`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focused(page), 'Keys: keyboard shortcuts', 'the focus is back on the Keys button');
  app.assertNoErrors();
});
