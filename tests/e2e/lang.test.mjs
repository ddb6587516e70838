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

// ---- no untranslated English sentence in zh (issue 14 item 1) -------------------------





/**
 * ZooKeeper's own names and other words that stay as they are in Chinese: upper-case
 * names (FOLLOWERINFO, LOOKING), field names in camelCase (acceptedEpoch), zxids and
 * numbers, and a few words docs/glossary.md keeps.
 */
const KEPT = new Set(['zxid', 'zxids', 'epoch', 'peerEpoch', 'znode', 'txn', 'fsync', 'ZabScope', 'English', 'Shift', 'Enter', 'Esc', 'tick', 'create', 'set', 'delete', 'ms']);

/**
 * The visible English sentences: runs of 3 or more consecutive plain English words in
 * the text nodes a person sees (hidden elements and <title> aside).
 */
async function englishSentences(page) {
  return page.evaluate(({ kept }) => {
    const keep = new Set(kept);
    const isWord = (tok) => {
      const w = tok.replace(/^[(“"']+|[)”"'.,;:!?]+$/g, '');
      if (!/^[A-Za-z][a-z'-]*$/.test(w)) return false; // names, numbers, zxids, camelCase
      if (/^[A-Z]{2,}$/.test(w)) return false;
      return !keep.has(w);
    };
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('title, script, style, option:not(:checked)')) continue;
      if (!el.checkVisibility?.() && el.getClientRects().length === 0) continue;
      const toks = n.textContent.split(/\s+/).filter(Boolean);
      let run = [];
      for (const t of [...toks, '']) {
        if (t && isWord(t)) run.push(t);
        else {
          if (run.length >= 3) found.push(run.join(' '));
          run = [];
        }
      }
    }
    return found;
  }, {
    kept: [...KEPT],
  });
}

async function assertNoEnglish(page, where) {
  const found = await englishSentences(page);
  assert.deepEqual(found, [], `English left in zh (${where})`);
}

test('in Chinese, no English sentence is left on any tab, selection, tour or dialog', async () => {
  const page = await app.open('?lang=zh&play=0');
  await app.byRole('button', '前进 1 秒').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= 1000);
  await app.byRole('button', '前进 1 秒').click();
  await page.waitForSelector('[data-view="leader"][data-leader]:not([data-leader=""])');
  await app.byRole('button', '向领导者写入').click();
  await assertNoEnglish(page, 'the page with the Logs tab');
  for (const tab of ['检查器', '时空图', '不变式', '缺陷实验室', '日志']) {
    await app.byRole('tab', tab).click();
    await page.waitForSelector(`[role="tab"][aria-selected="true"]:has-text("${tab}")`);
    await assertNoEnglish(page, `tab ${tab}`);
  }
  // A server, then a link (a second server), and the inspector of that server.
  await page.keyboard.press('1');
  await page.waitForSelector('.panel.selection h3');
  await assertNoEnglish(page, 'server 1 selected');
  await app.byRole('tab', '检查器').click();
  await page.waitForSelector('[data-inspect-server="1"]');
  await assertNoEnglish(page, 'inspector of server 1');
  await page.keyboard.press('2');
  await page.waitForSelector('[data-link="1-2"], .panel.selection h3:has-text("↔")');
  await assertNoEnglish(page, 'link 1 ↔ 2 selected');
  // The leader's inspector: its learners, their stages and sync modes.
  const leader = await page.locator('[data-view="leader"]').getAttribute('data-leader');
  await page.keyboard.press('Escape');
  await page.keyboard.press(leader);
  await page.waitForSelector(`[data-inspect-server="${leader}"] [data-inspect="leader"] tr[data-learner-row]`);
  await assertNoEnglish(page, `inspector of leader ${leader}`);
  // A crashed server's inspector (the wiped side).
  await page.keyboard.press('Escape');
  await page.keyboard.press('3');
  await app.byRole('button', '让服务器 3 崩溃').click();
  await page.waitForSelector('[data-inspect="volatile"][data-wiped="true"]');
  await assertNoEnglish(page, 'inspector of crashed server 3');
  // The bug lab with a bug running.
  await app.byRole('tab', '缺陷实验室').click();
  await app.byRole('button', '带着缺陷运行').click();
  await page.waitForSelector('[data-view="bug-lab"][data-fixed="false"]');
  await assertNoEnglish(page, 'bug lab, running');
  // The tour, every step.
  await app.byRole('button', '导览', { exact: true }).click();
  await page.waitForSelector('[data-view="tour"][data-step="1"]');
  for (let step = 1; step <= 5; step++) {
    await page.waitForSelector(`[data-view="tour"][data-step="${step}"]`);
    await assertNoEnglish(page, `tour step ${step}`);
    await page.locator('[data-view="tour"] button.primary').click();
  }
  await page.waitForSelector('[data-view="tour"]', { state: 'detached' });
  // The shortcuts dialog.
  await app.byRole('button', '键盘快捷键').click();
  await page.waitForSelector('[data-view="shortcuts"]');
  await assertNoEnglish(page, 'shortcuts dialog');
});

test('in Chinese, a violation the checker finds (ZK-3911) is worded without English, wherever it is shown', { timeout: 120_000 }, async () => {
  // The detail is core's typed check::Detail worded by web/src/text/violation.rs; the
  // checker flags I10 for ZK-3911 (zab-spec §14, the bug catalogue), as why.test.mjs
  // checks in English.
  const page = await app.open('?lang=zh&n=3&play=0');
  await app.byRole('tab', '缺陷实验室').click();
  await app.byRole('combobox', '缺陷').selectOption('ZK-3911');
  const lab = page.locator('[data-view="bug-lab"][data-bug="ZK-3911"]');
  await lab.waitFor();
  await app.byRole('button', '带着缺陷运行').click();
  await page.locator('[data-view="bug-lab"][data-fixed="false"]').waitFor();
  const pause = app.byRole('button', '暂停', { exact: true });
  if (await pause.count()) await pause.click();
  await app.byRole('button', '播放', { exact: true }).waitFor();
  for (let s = 0; s < 25 && !(await page.locator('[data-view="bug-lab"] [data-caught="I10"]').count()); s++) {
    const before = Number(await page.locator('[data-now-ms]').getAttribute('data-now-ms'));
    await app.byRole('button', '+1 秒：前进 1 秒', { exact: true }).click();
    await page.waitForFunction((b) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) >= b + 1000, before);
  }
  await page.locator('[data-view="bug-lab"] [data-caught="I10"]').waitFor();
  await assertNoEnglish(page, 'the bug lab with ZK-3911 caught');
  await app.byRole('tab', '不变式').click();
  const first = page.locator('[data-first-violation]:not([data-first-violation=""])');
  await first.waitFor();
  assert.equal(await page.locator('li[data-invariant="I10"]').getAttribute('data-status'), 'violated');
  // The finding itself is worded (a server, an epoch and the txn it lacks), not empty.
  assert.match(await first.textContent(), /服务器 \d/);
  await assertNoEnglish(page, 'the invariants panel with the first violation');
  await app.byRole('tab', '日志').click();
  await page.waitForSelector('[role="tab"][aria-selected="true"]:has-text("日志")');
  await assertNoEnglish(page, 'the event log after the violation');
  app.assertNoErrors();
});

test('the English-sentence finder finds English and passes ZooKeeper names', async () => {
  const page = await app.open('?lang=zh&play=0');
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.id = 'probe';
    p.textContent = 'FOLLOWERINFO 0x100000002 LOOKING acceptedEpoch 3 这是中文 and this is plain text';
    document.body.append(p);
  });
  assert.deepEqual(await englishSentences(page), ['and this is plain text']);
});

test('in Chinese, a lesson step, its verdict and core’s reason have no English sentence', async () => {
  const page = await app.open('?lang=zh&play=0&lesson=myths&step=4');
  const card = page.locator('[data-view="lesson"]');
  await assertNoEnglish(page, 'a lesson question');
  await card.locator('[data-answer="server-4"]').click();
  while ((await card.getAttribute('data-stage')) === 'running') {
    await app.byRole('button', '+1 秒：前进 1 秒', { exact: true }).click();
  }
  assert.equal(await card.locator('.judgement').getAttribute('data-right'), 'false');
  await assertNoEnglish(page, 'a lesson verdict with its reason');
  app.assertNoErrors();
});

// A bug-lab scenario's long title shared the status line with the switch: at 1280x720
// in English the switch was squeezed (中文 broken over two lines) and "English" was
// pushed past the right edge, so a Chinese-speaking teacher could not switch back.
test('with a long scenario title at 1280x720 both languages of the switch are on screen, on one line', async () => {
  await app.page.setViewportSize({ width: 1280, height: 720 });
  try {
    for (const lang of ['en', 'zh']) {
      const page = await app.open(`?preset=bug:ZK-3911&play=0&lang=${lang}`);
      await page.waitForSelector(`[data-view="lang"][data-lang="${lang === 'zh' ? 'zh-CN' : lang}"]`);
      await page.locator('.scenario-text summary', { hasText: 'ZK-3911' }).waitFor();
      const buttons = await page.evaluate(() =>
        [...document.querySelectorAll('[data-view="lang"] button')].map((b) => {
          const r = b.getBoundingClientRect();
          const line = parseFloat(getComputedStyle(b).lineHeight) || parseFloat(getComputedStyle(b).fontSize) * 1.5;
          return { text: b.textContent, left: r.left, right: r.right, lines: Math.round((b.clientHeight - parseFloat(getComputedStyle(b).paddingTop) - parseFloat(getComputedStyle(b).paddingBottom)) / line) };
        }),
      );
      assert.equal(buttons.length, 2);
      for (const b of buttons) {
        assert.ok(b.left >= 0 && b.right <= 1280, `${lang}: ${b.text} is on screen: ${JSON.stringify(b)}`);
        assert.equal(b.lines, 1, `${lang}: ${b.text} is on one line: ${JSON.stringify(b)}`);
      }
    }
  } finally {
    await app.page.setViewportSize({ width: 1280, height: 800 });
  }
});
