// Session clients in the browser (issue 15): the application leader-election recipe.
// Three processes hold ephemeral sequential znodes under /election; the one that
// leads stops, its session expires, its znode goes, and the watch of the next fires.
// Driven through the preset and "+1 s"; the client panel's data attributes
// (docs/web-data-attributes.md) say what each client knows. No wall-clock sleeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';
import { openPaused, skipOnce } from './ui.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1920, height: 1080 } });
});

after(async () => {
  await app?.close();
});

const session = (page, c) => page.locator(`[data-session-client="${c}"]`);

/**
 * Skip simulated seconds until `predicate(arg)` holds in the page. The client panel
 * refreshes a few times a second, so after each skip the page gets a moment to show
 * the new state before the next skip.
 */
async function skipUntil(page, predicate, what, maxSeconds = 15, arg = null) {
  for (let i = 0; i <= maxSeconds; i++) {
    try {
      await page.waitForFunction(predicate, arg, { timeout: 1500 });
      return;
    } catch {
      // Not yet: move simulated time on.
    }
    if (i < maxSeconds) await skipOnce(app, page);
  }
  assert.fail(`after ${maxSeconds} simulated seconds: ${what}`);
}

test('the election recipe: the leading process stops and the next one takes over', async () => {
  const page = await openPaused(app, '?preset=election-recipe&play=0');
  await skipUntil(
    page,
    () => document.querySelectorAll('[data-session-state="CONNECTED"]').length === 3,
    'three clients connected',
  );
  await skipUntil(
    page,
    () => (document.querySelector('[data-session-client="1"]')?.dataset.sessionEphemerals ?? '')
      .includes('/election/n-0000000000'),
    'client 1 holds the lowest znode',
  );
  await skipUntil(
    page,
    () => document.querySelector('[data-session-client="2"]')?.dataset.sessionWatches === '1',
    'client 2 watches its predecessor',
  );
  await skipUntil(
    page,
    () => document.querySelector('[data-session-client="1"]')?.dataset.sessionCut === 'true'
      && !document.querySelector('[data-session-client="1"]')?.dataset.sessionEphemerals,
    'client 1 is cut off and its ephemeral is gone (its session expired)',
  );
  await skipUntil(
    page,
    () => [...document.querySelectorAll('[data-call-status="answered"]')]
      .some((li) => li.textContent.includes('c2') && li.textContent.includes('n-0000000001')
        && !li.textContent.includes('n-0000000000')),
    "client 2's children call shows it is now the lowest",
  );
  assert.equal(await session(page, 2).getAttribute('data-session-watches'), '0', 'its one-shot watch fired');
  assert.equal(await session(page, 2).getAttribute('data-session-state'), 'CONNECTED');
});

test('the ring draws a client beside its server, its messages in flight, and a crash moving it to another server', async () => {
  const page = await openPaused(app, '?n=3&play=0');
  await skipUntil(page, () => document.querySelector('g[data-leader="true"]') !== null, 'a leader');
  const leader = await page.locator('g[data-leader="true"]').getAttribute('data-server');
  await page.getByLabel('First server of its connect string').selectOption(leader);
  await app.byRole('button', 'Connect a client').click();
  // Step by step until its ConnectRequest is on the ring, flying to the leader.
  const connect = page.locator('[data-client-packet-type="CONNECT"]');
  for (let i = 0; i < 50 && (await connect.count()) === 0; i++) await page.keyboard.press('n');
  assert.equal(await connect.getAttribute('data-client-packet-server'), leader);
  assert.equal(await connect.getAttribute('data-client-packet-dir'), 'to-server');
  const ringClient = (c) => `[data-ring-client="${c}"]`;
  await skipUntil(
    page,
    (l) => document.querySelector('[data-ring-client="1"]')?.dataset.clientState === 'CONNECTED'
      && document.querySelector('[data-ring-client="1"]')?.dataset.clientServer === l,
    'client 1 drawn connected to the leader',
    15,
    leader,
  );
  await app.byRole('button', 'Kill leader').click();
  await skipUntil(
    page,
    (l) => {
      const g = document.querySelector('[data-ring-client="1"]')?.dataset;
      return g?.clientState === 'CONNECTED' && g.clientServer !== '' && g.clientServer !== l;
    },
    'client 1 drawn connected to another server',
    15,
    leader,
  );
  const moved = await page.locator(ringClient(1)).getAttribute('data-client-server');
  assert.equal(await session(page, 1).getAttribute('data-session-server'), moved, 'the ring and the client panel agree');
});

test('a student connects a client, creates an ephemeral znode, cuts the client off and sees the session expire', async () => {
  const page = await openPaused(app, '?n=3&play=0');
  await skipUntil(page, () => document.querySelector('g[data-leader="true"]') !== null, 'a leader');
  await app.byRole('button', 'Connect a client').click();
  await skipUntil(
    page,
    () => document.querySelector('[data-session-client="1"]')?.dataset.sessionState === 'CONNECTED',
    'client 1 connected',
  );
  await page.getByLabel('Call', { exact: true }).selectOption('create-e');
  await page.getByRole('form', { name: "A session client's call" }).getByLabel('Path').fill('/app');
  await app.byRole('button', 'Call', { exact: true }).click();
  await skipUntil(
    page,
    () => document.querySelector('[data-session-client="1"]')?.dataset.sessionEphemerals === '/app',
    'client 1 owns /app',
  );
  await app.byRole('button', 'Cut off').click();
  await skipUntil(
    page,
    () => document.querySelector('[data-session-client="1"]')?.dataset.sessionEphemerals === '',
    'the session expired and /app went with it',
  );
  await app.byRole('button', 'Restore network').click();
  await skipUntil(
    page,
    () => document.querySelector('[data-session-client="1"]')?.dataset.sessionState === 'EXPIRED',
    'the client learns SESSIONEXPIRED when it gets through again',
  );
});
