// The ring stays as large when a dock tab opens (issue 14: opening any tab but Logs
// made the dock taller and the ring smaller, down to 7 px labels at 1280x720).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';

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
