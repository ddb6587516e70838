// UI steps the browser tests share: open the app paused, read the clock, skip a second.
// They wait for DOM state, never for wall-clock time.

/** Opens the app (query string and harness options) and pauses it if it plays. */
export async function openPaused(app, query = '', options = {}) {
  const page = await app.open(query, options);
  await page.locator('g[data-server]').first().waitFor();
  const pause = app.byRole('button', 'Pause', { exact: true });
  if (await pause.count()) await pause.click();
  await app.byRole('button', 'Play', { exact: true }).waitFor();
  return page;
}

/** Simulated time shown by the clock. */
export async function nowMs(page) {
  return Number(await page.locator('[data-now-ms]').getAttribute('data-now-ms'));
}

/** Clicks "+1 s" once and waits until the clock shows it. */
export async function skipOnce(app, page) {
  const before = await nowMs(page);
  await app.byRole('button', 'Skip 1 second').click();
  await page.waitForFunction(
    (b) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= b + 1000,
    before,
  );
}
