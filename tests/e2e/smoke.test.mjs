// Smoke test: the built app loads in Chromium, the wasm app mounts, the cluster
// view is on screen, and nothing went wrong on the way (no console errors, no
// uncaught exceptions, no failed requests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';

let app;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test('the app loads, mounts and shows the cluster view without errors', { timeout: 60_000 }, async () => {
  const page = await app.open();

  await assert.doesNotReject(page.locator('main#app').waitFor({ state: 'visible' }), 'main#app is visible');

  const cluster = page.locator('[data-view="cluster"]');
  await cluster.waitFor({ state: 'visible' });
  assert.equal(await cluster.count(), 1, 'exactly one cluster view');

  // Reachable the way later tests will drive the app: by role and accessible name.
  await app.byRole('img', 'Cluster').waitFor({ state: 'visible' });
  await app.byRole('main', 'ZabScope').waitFor({ state: 'visible' });

  assert.match(await page.title(), /ZabScope/);
  app.assertNoErrors();
});

test('the wasm module is served as application/wasm', { timeout: 60_000 }, async () => {
  const page = await app.open();
  const wasmUrl = await page.evaluate(
    () => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.wasm')) ?? null,
  );
  assert.ok(wasmUrl, 'the page loaded a .wasm file');
  const res = await fetch(wasmUrl, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  app.assertNoErrors();
});

// Issue 16 item 4: a static skeleton in index.html paints before the wasm is ready
// (first contentful paint does not wait for it) and goes away once the app is up.
test('the page shows a skeleton until the wasm app is up, then only the app', { timeout: 60_000 }, async () => {
  // The wasm held back: the skeleton is what the visitor sees meanwhile.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await app.page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  try {
    await app.openBlank();
    await app.page.goto(app.baseUrl, { waitUntil: 'domcontentloaded' });
    const skeleton = app.page.locator('[data-view="skeleton"]');
    await skeleton.waitFor({ state: 'visible' });
    assert.match(await skeleton.textContent(), /Starting a five-server ZooKeeper ensemble/);
    assert.match(await skeleton.textContent(), /正在启动/);
    assert.equal(await app.page.locator('main#app').count(), 0, 'the app is not up yet');
    release();
    await app.waitForMount();
    await skeleton.waitFor({ state: 'hidden' });
  } finally {
    release();
    await app.page.unroute('**/*.wasm');
  }
  app.assertNoErrors();
});
