// The guided lessons (issue 14 item 2), followed in the browser as a student would, in
// both languages: each question is answered (right in English, wrong in Chinese), the
// cluster runs to the step's moment, and the judgement is checked against the answer
// core/tests/lessons.rs reasons out and, where it names a leader, against the ring.
// Time moves by the "+1 s" button (the run stops at the step's moment), never by
// waiting on the wall clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp } from './harness.mjs';

/** The right answer of each question, by lesson and step (1-based), as core's tests. */
const ANSWERS = {
  quorum: { 2: 'yes', 3: 'no' },
  election: { 1: 'server-3', 3: 'server-1' },
  epochs: { 3: 'epoch-2' },
  sync: { 4: 'DIFF', 6: 'TRUNC', 8: 'SNAP' },
  broadcast: { 3: 'yes', 4: 'yes' },
  'leader-crash': { 3: 'yes', 5: 'no', 7: 'yes' },
  partition: { 3: 'server-3', 4: 'no', 5: 'no' },
  observers: { 1: 'server-3', 2: 'yes', 3: 'yes', 4: 'no' },
  myths: { 2: 'yes', 4: 'server-3', 5: 'yes' },
  'bug-zk-3911': { 2: 'yes' },
};

const SKIP = { en: '+1 s: skip 1 second', zh: '+1 秒：前进 1 秒' };

let app;

before(async () => {
  app = await launchApp({ viewport: { width: 1920, height: 1080 } });
});

after(async () => {
  await app?.close();
});

const card = () => app.page.locator('[data-view="lesson"]');

async function attr(name) {
  return card().getAttribute(name);
}

/** Runs the shown step to its moment: its answer (or "run"), then "+1 s" until done. */
async function runStep(lang, answer) {
  if (answer) await card().locator(`[data-answer="${answer}"]`).click();
  else await card().locator('[data-action="run"]').click();
  for (let i = 0; i < 60 && (await attr('data-stage')) === 'running'; i++) {
    await app.byRole('button', SKIP[lang], { exact: true }).click();
  }
  assert.equal(await attr('data-stage'), 'done');
}

/** Walks one lesson to its end; answers right or wrong; returns the steps walked. */
async function walk(lang, id, right) {
  await app.open(`?play=0&lang=${lang}&lesson=${id}`);
  const answers = ANSWERS[id];
  let steps = 0;
  while (await card().count()) {
    const step = Number(await attr('data-step'));
    const buttons = card().locator('[data-answer]');
    let answer = null;
    if (await buttons.count()) {
      const offered = await buttons.evaluateAll((bs) => bs.map((b) => b.dataset.answer));
      const truth = answers[step];
      assert.ok(offered.includes(truth), `${id} step ${step}: ${truth} is offered (${offered})`);
      answer = right ? truth : offered.find((a) => a !== truth);
    }
    await runStep(lang, answer);
    if (answer) {
      const judged = card().locator('.judgement');
      assert.equal(await judged.getAttribute('data-right'), String(right), `${lang} ${id} step ${step}`);
      assert.ok((await card().locator('.why').innerText()).trim().length > 10, 'core says why');
      const truth = answers[step];
      if (truth.startsWith('server-')) {
        // Judged on the simulator's state: the ring shows that server as the leader.
        const leader = await app.page.locator('g[data-server][data-leader="true"]').getAttribute('data-server');
        assert.equal(`server-${leader}`, truth, `${id} step ${step}: the ring agrees`);
      }
    }
    steps += 1;
    await card().locator('[data-action="next"]').click();
  }
  app.assertNoErrors();
  return steps;
}

for (const [lang, right] of [['en', true], ['zh', false]]) {
  test(`every lesson walks to its end in ${lang}, every answer judged ${right ? 'right' : 'wrong'}`, async () => {
    for (const id of Object.keys(ANSWERS)) {
      const steps = await walk(lang, id, right);
      assert.ok(steps >= 2, `${id}: ${steps} steps`);
    }
  });
}

test('?lesson=ID&step=N opens that step; PageDown and PageUp step through; progress is remembered', async () => {
  await app.open('?play=0&lang=en&lesson=epochs&step=3');
  assert.equal(await attr('data-step'), '3');
  await runStep('en', 'epoch-2');
  await app.page.keyboard.press('PageDown');
  await card().and(app.page.locator('[data-step="4"]')).waitFor();
  await app.page.keyboard.press('PageUp');
  await card().and(app.page.locator('[data-step="3"][data-stage="ask"]')).waitFor();
  // Step 3 was done: the menu says how far the lesson got, after a reload too.
  await app.open('?play=0&lang=en', { keepStorage: true });
  const option = app.page.locator('select.scenario option[value="lesson:epochs"]');
  assert.match(await option.getAttribute('title'), /3 of 4 steps done/);
});

test('leaving the script to experiment, then back to the lesson at the same step', async () => {
  await app.open('?play=0&lang=en&lesson=election&step=2');
  await app.byRole('button', 'Kill leader').click();
  assert.equal(await attr('data-off-script'), 'true');
  assert.equal(await card().locator('[data-answer]').count(), 0, 'no question off the script');
  await card().locator('[data-action="back"]').click();
  assert.equal(await attr('data-off-script'), 'false');
  assert.equal(await attr('data-step'), '2');
  await runStep('en', null);
});

test('a lesson link with a wrong id says so and opens free play', async () => {
  await app.open('?play=0&lang=en&lesson=nope');
  await app.page.locator('[data-view="message"]', { hasText: 'lesson' }).waitFor();
  assert.equal(await card().count(), 0);
});
