// The translation tables (issue 16 item 3): the wasm carries none; the page fetches
// `locales/<code>.json` for the language it shows, the other one only on a switch, and
// starts only once a table is here. A table that cannot be fetched is said on the
// status line and the page speaks the other language; with neither, the skeleton says
// so in both. No key ever shows in place of its text.
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

/** The tables the page asks for from now on, by file name, in order. */
function tablesFetched(page) {
  const names = [];
  const seen = (req) => {
    const m = /\/locales\/([^/?]+\.json)/.exec(req.url());
    if (m) names.push(m[1]);
  };
  page.on('request', seen);
  return { names, stop: () => page.off('request', seen) };
}

/** Keys of web/locales shown as text: dotted lower-case names such as `clock.leader`. */
async function keysShown(page) {
  return page.evaluate(() =>
    (document.body.innerText.match(/\b[a-z_]+(\.[a-z0-9_-]+){1,3}\b/g) ?? []).filter(
      (w) => !/\.(json|yml|js|rs|md)$/.test(w),
    ),
  );
}

async function message(page) {
  const m = page.locator('[data-view="message"]');
  return { text: await m.textContent(), error: await m.evaluate((e) => e.classList.contains('error')) };
}

test('the page fetches only its own language, the other one on the first switch to it', async () => {
  const fetched = tablesFetched(app.page);
  try {
    const page = await app.open('?play=0&lang=en');
    await app.byRole('button', 'Play', { exact: true }).waitFor();
    assert.deepEqual(fetched.names, ['en.json']);
    await app.byRole('button', '中文').click();
    await page.waitForSelector('[data-view="lang"][data-lang="zh-CN"]');
    await app.byRole('button', '播放', { exact: true }).waitFor();
    await app.byRole('button', 'English').click();
    await page.waitForSelector('[data-view="lang"][data-lang="en"]');
    assert.deepEqual(fetched.names, ['en.json', 'zh-CN.json'], 'each table once');
    assert.deepEqual(await keysShown(page), []);
  } finally {
    fetched.stop();
  }
  app.assertNoErrors();
});

test('a language whose table is missing: the page starts in the other and says why', async () => {
  await app.page.route('**/locales/zh-CN.json', (route) => route.fulfill({ status: 404, body: 'gone' }));
  try {
    const page = await app.open('?play=0&lang=zh');
    await page.waitForSelector('[data-view="lang"][data-lang="en"]');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual(await message(page), {
      text: "The page's text in 中文 could not be loaded (the server answered 404); it stays in English.",
      error: true,
    });
    await app.byRole('button', 'Play', { exact: true }).waitFor();
    assert.deepEqual(await keysShown(page), []);
  } finally {
    await app.page.unroute('**/locales/zh-CN.json');
  }
  app.clearErrors();
});

test('a switch whose table cannot be fetched leaves the page in its language', async () => {
  const page = await app.open('?play=0&lang=en');
  await app.page.route('**/locales/zh-CN.json', (route) => route.abort('internetdisconnected'));
  try {
    await app.byRole('button', '中文').click();
    await page.locator('[data-view="message"]', { hasText: '中文' }).waitFor();
    const m = await message(page);
    assert.match(m.text, /^The page's text in 中文 could not be loaded \(the request failed: .+\); it stays in English\.$/);
    assert.equal(m.error, true);
    assert.equal(await page.locator('[data-view="lang"]').getAttribute('data-lang'), 'en');
    assert.equal(await page.evaluate(() => localStorage.getItem('zabscope.lang')), null, 'not remembered');
  } finally {
    await app.page.unroute('**/locales/zh-CN.json');
  }
  // Once the file is back, the same switch works.
  await app.byRole('button', '中文').click();
  await page.waitForSelector('[data-view="lang"][data-lang="zh-CN"]');
  app.clearErrors();
});

test('with neither table the skeleton says so in both languages, and no key is shown', async () => {
  await app.page.route('**/locales/*.json', (route) => route.fulfill({ status: 500, body: '' }));
  try {
    await app.openBlank();
    await app.page.goto(app.baseUrl, { waitUntil: 'load' });
    const notice = app.page.locator('[data-view="no-tables"]');
    await notice.waitFor({ state: 'visible' });
    assert.match(await notice.textContent(), /could not be loaded.*·.*无法加载页面文字/);
    assert.equal(await app.page.locator('main#app').count(), 0, 'the app did not start');
    assert.deepEqual(await keysShown(app.page), []);
  } finally {
    await app.page.unroute('**/locales/*.json');
  }
  app.clearErrors();
});
