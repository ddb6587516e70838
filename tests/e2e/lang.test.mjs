// The page's language (issue 14 item 1): Simplified Chinese or English, chosen by
// `?lang=`, else by the header's switch (remembered), else by the browser's language.
// A browser whose language is Chinese, so that the default is tested too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
});

after(async () => {
  await app?.close();
});

/** The language the page says it is in: `<html lang>`, the switch, the title. */
async function shown(page) {
  return page.evaluate(() => ({
    html: document.documentElement.lang,
    switch: document.querySelector('[data-view="lang"]')?.dataset.lang,
    title: document.title,
  }));
}

/**
 * Words of three or more Latin letters in the header's visible text and accessible
 * names, except names that stay as they are in Chinese (the product, the language's
 * own name, key letters are single). The scenario menu's entries are left out: the
 * built-in scenarios' titles are not translated yet (issue 14, noted there).
 */
async function englishInHeader(page) {
  return page.evaluate(() => {
    const keep = new Set(['ZabScope', 'English']);
    const header = document.querySelector('header.topbar');
    const texts = [];
    for (const el of header.querySelectorAll('button, label, span, p, [aria-label]')) {
      if (el.closest('select')) continue;
      const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent);
      texts.push(...own, el.getAttribute('aria-label') ?? '');
    }
    return texts.flatMap((t) => t.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !keep.has(w));
  });
}

test('a Chinese browser gets the page in Chinese: html lang, title, header controls', async () => {
  const page = await app.open('?play=0');
  assert.deepEqual(await shown(page), {
    html: 'zh-CN',
    switch: 'zh-CN',
    title: 'ZabScope：ZooKeeper 原子广播（ZAB）实时演示',
  });
  await app.byRole('button', '播放', { exact: true }).waitFor();
  await app.byRole('button', '杀死领导者').waitFor();
  assert.deepEqual(await englishInHeader(page), [], 'no English word left in the header');
});

test('the switch shows the page in English at once, and a reload keeps the choice', async () => {
  const page = await app.open('?play=0');
  await app.byRole('button', 'English').click();
  await page.waitForSelector('[data-view="lang"][data-lang="en"]');
  assert.equal((await shown(page)).html, 'en');
  await app.byRole('button', 'Play', { exact: true }).waitFor();
  await app.byRole('tab', 'Inspector').waitFor();
  assert.equal(await app.byRole('button', '播放', { exact: true }).count(), 0);
  await page.reload();
  await page.waitForSelector('[data-view="lang"][data-lang="en"]');
  assert.equal((await shown(page)).title, 'ZabScope: ZooKeeper atomic broadcast (ZAB), live');
});

test('switching keeps the run, the selection and the open dock tab', async () => {
  const page = await app.open('?play=0&lang=en');
  await app.byRole('button', 'Skip 1 second').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= 1000);
  await app.byRole('tab', 'Inspector').click();
  await page.keyboard.press('2');
  await page.waitForSelector('[data-inspect-server="2"]');
  const now = await page.locator('[data-now-ms]').getAttribute('data-now-ms');
  await app.byRole('button', '中文').click();
  await page.waitForSelector('[data-view="lang"][data-lang="zh-CN"]');
  assert.equal(await page.locator('[data-now-ms]').getAttribute('data-now-ms'), now, 'same moment');
  await page.waitForSelector('[data-inspect-server="2"]');
  assert.equal(await page.locator('[role="tab"][aria-selected="true"]').textContent(), '检查器');
  assert.match(page.url(), /[?&]lang=zh(&|$)/, 'the link says the language chosen');
});

test('?lang= wins over the remembered choice, and a wrong value is named', async () => {
  const remembered = { 'zabscope.lang': 'en' };
  let page = await app.open('?play=0&lang=zh', { setStorage: remembered });
  assert.equal((await shown(page)).html, 'zh-CN');
  page = await app.open('?play=0&lang=fr', { setStorage: remembered });
  assert.equal((await shown(page)).html, 'en', 'the remembered language');
  const message = await page.locator('[data-view="message"]').textContent();
  assert.match(message, /lang=fr/);
  assert.match(message, /English instead/, 'says what replaced it');
});
