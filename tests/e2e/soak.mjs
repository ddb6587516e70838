// The browser soak (issue 17 item 3): a seeded monkey over every control of the page
// (visible buttons and tabs, keys, sliders, selects, the seed box, imports of mutated
// scenario files, links with mutated fragments). After each batch it checks that the
// page reported no console error, page error or wasm panic, that no crash notice is
// up, that the run still reproduces natively (the page's trace digest equals
// `zab-sim run` of the page's own shared link, cut at the same moment), and that the
// clock still advances on Play. The monkey reaches Chinese pages, presenter mode and the
// lessons through their own buttons and menus; the check switches the page back to
// English outside presenter mode first (the run is kept) and counts where it found it.
//
//   node tests/e2e/soak.mjs            (or `make soak`), against the built dist/
//   SOAK_SEED=7 SOAK_ACTIONS=100000 SOAK_BATCH=500 node tests/e2e/soak.mjs
//
// The monkey never presses Play itself (time would then depend on the wall clock):
// with the same seed the same actions reach the same pages, up to the first batch
// check, whose Play runs for as long as the page takes to show the clock moving.
// tests/e2e/soak.test.mjs runs a short walk with a fixed seed in the e2e suite.

import { readFile, readdir, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchApp } from './harness.mjs';
import { runZabSim } from './ui.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** mulberry32: a small seeded generator, enough for choosing actions. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

/** The project's own scenario files, the raw material of the mutated imports. */
async function scenarioTexts() {
  const out = [];
  for (const dir of ['static/scenarios', 'static/bugs']) {
    for (const f of (await readdir(path.join(ROOT, dir))).sort()) {
      if (f.endsWith('.json')) out.push({ name: f, text: await readFile(path.join(ROOT, dir, f), 'utf8') });
    }
  }
  return out;
}

const HOSTILE_VALUES = [
  -1, 0, 1, 2147483648, -2147483649, 1e308, 9007199254740993, 0.5, null, true, false, [], {}, '',
  'NaN', '<img src=x onerror="window.__soakInjected=1">', '<script>window.__soakInjected=1</script>',
  'x'.repeat(5000), '\u0000\uffff', [[1, 2], [3]],
];

/** Every path (array of keys) to a value in `v`. */
function paths(v, at = [], out = []) {
  out.push(at);
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) paths(v[k], [...at, Array.isArray(v) ? Number(k) : k], out);
  }
  return out;
}

/** One mutation of a scenario text: a field deleted or given a hostile value, a step
 *  duplicated at another time, or bytes corrupted. Returns `{ text, how }`. */
export function mutate(r, text) {
  const kind = r.int(4);
  if (kind === 3) {
    const bytes = Buffer.from(text, 'utf8');
    const n = 1 + r.int(4);
    for (let i = 0; i < n; i++) bytes[r.int(bytes.length)] = r.int(256);
    const cut = r.next() < 0.3 ? r.int(bytes.length) : bytes.length;
    return { text: bytes.subarray(0, cut).toString('latin1'), how: `${n} bytes corrupted, cut at ${cut}` };
  }
  const doc = JSON.parse(text);
  const all = paths(doc).filter((p) => p.length > 0);
  const p = r.pick(all);
  const parent = p.slice(0, -1).reduce((o, k) => o[k], doc);
  const key = p[p.length - 1];
  let how;
  if (kind === 0) {
    if (Array.isArray(parent)) parent.splice(key, 1);
    else delete parent[key];
    how = `deleted ${p.join('.')}`;
  } else if (kind === 1) {
    const v = r.pick(HOSTILE_VALUES);
    parent[key] = v;
    how = `${p.join('.')} = ${JSON.stringify(v).slice(0, 40)}`;
  } else {
    const steps = Array.isArray(doc.schedule) ? doc.schedule : [];
    if (steps.length) {
      const step = { ...r.pick(steps), at_ms: r.int(20_000) };
      steps.splice(r.int(steps.length + 1), 0, step);
      how = `a step copied to ${step.at_ms} ms`;
    } else {
      doc.schedule = [{ at_ms: r.int(20_000), do: 'write', server: 1 + r.int(9), op: 'set', path: '/a', data: '1' }];
      how = 'one write added';
    }
  }
  return { text: JSON.stringify(doc, null, 1), how };
}

const KEYS = ['n', 'n', 'n', 'n', 'ArrowRight', 'b', 'ArrowLeft', 'k', 'h', 'w', 'w', 'r', 'Escape', '?',
  '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Buttons the monkey leaves alone (in either language): Play, Pause and Resume tie time to the wall clock. */
const NOT_CLICKED = /^(Play|Pause|Resume|播放|暂停)$/;

/** Visible controls of the page, by kind, as indexes into `selector` matches. */
async function controls(page) {
  return page.evaluate((notClicked) => {
    const re = new RegExp(notClicked);
    const visible = (e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && !e.closest('[hidden]') && getComputedStyle(e).visibility !== 'hidden';
    };
    const name = (e) => (e.getAttribute('aria-label') || e.textContent || '').trim();
    const pickable = (sel, ok) =>
      [...document.querySelectorAll(sel)].map((e, i) => ({ i, e })).filter(({ e }) => visible(e) && ok(e))
        .map(({ i, e }) => ({ i, name: name(e).slice(0, 60), min: e.min, max: e.max, options: e.options?.length ?? 0 }));
    return {
      buttons: pickable('button', (e) => !e.disabled && !re.test(name(e))),
      ranges: pickable('input[type=range]', (e) => !e.disabled),
      selects: pickable('select', (e) => !e.disabled && e.options.length > 0),
      numbers: pickable('input[type=number]', (e) => !e.disabled),
    };
  }, NOT_CLICKED.source);
}

const nowMs = (page) => page.evaluate(() => Number(document.querySelector('[data-now-ms]')?.dataset.nowMs ?? NaN));

/** Performs one random action; returns its description for the log. */
async function act(app, r, files) {
  const page = app.page;
  const roll = r.next();
  const c = await controls(page);
  // A control picked as visible and enabled is actionable at once or has gone away.
  const quick = { timeout: 1000 };
  if (roll < 0.3) {
    const key = r.pick(KEYS);
    await page.locator('body').press(key === '?' ? 'Shift+Slash' : key, quick);
    return `key ${key}`;
  }
  if (roll < 0.78 && c.buttons.length) {
    const b = r.pick(c.buttons);
    await page.locator('button').nth(b.i).click(quick);
    return `click “${b.name}”`;
  }
  if (roll < 0.86 && c.ranges.length) {
    const s = r.pick(c.ranges);
    const lo = Number(s.min || 0);
    const hi = Number(s.max || 100);
    const v = lo + r.int(Math.max(1, hi - lo + 1));
    await page.locator('input[type=range]').nth(s.i).fill(String(v), quick);
    return `slider “${s.name}” = ${v}`;
  }
  if (roll < 0.9 && c.selects.length) {
    const s = r.pick(c.selects);
    const index = r.int(s.options);
    await page.locator('select').nth(s.i).selectOption({ index }, quick);
    return `select “${s.name}” option ${index}`;
  }
  if (roll < 0.92 && c.numbers.length) {
    const s = r.pick(c.numbers);
    const v = r.pick(['0', '1', '7', '4294967295', '18446744073709551616', '-3', 'abc', '']);
    const input = page.locator('input[type=number]').nth(s.i);
    await input.fill(v, quick).catch(() => {}); // a number input refuses 'abc': nothing to type
    await input.press('Enter', quick);
    return `number “${s.name}” = ${v}`;
  }
  if (roll < 0.97) {
    const base = r.pick(files);
    const m = r.next() < 0.2 ? { text: base.text, how: 'unchanged' } : mutate(r, base.text);
    await page.locator('input[type=file]').setInputFiles(
      { name: base.name, mimeType: 'application/json', buffer: Buffer.from(m.text, 'latin1') },
      quick,
    );
    return `import ${base.name} (${m.how})`;
  }
  const base = r.pick(files);
  let fragment;
  let how;
  if (r.next() < 0.5) {
    const m = mutate(r, base.text);
    fragment = Buffer.from(m.text, 'latin1').toString('base64url');
    how = m.how;
  } else {
    const chars = [...Buffer.from(JSON.stringify(JSON.parse(base.text)), 'utf8').toString('base64url')];
    chars[r.int(chars.length)] = r.pick(['*', '%', '=', 'A', '_', '~']);
    fragment = chars.join('');
    how = 'one base64url character changed';
  }
  const query = r.pick(['?play=0', '?play=0&n=3', '?play=0&speed=abc', '?play=0&seed=-1', '?play=0&n=9&observers=2']);
  await app.open(`${query}#s=${fragment}`, { keepStorage: true });
  return `link ${query} ${base.name} (${how})`;
}

/** The FNV-1a 64 digest of trace lines, as `zab-sim run --digest` computes it. */
function fnv1a(lines) {
  let h = 0xcbf29ce484222325n;
  const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/**
 * The page's run reproduced natively: the page's trace digest at a whole second, the
 * scenario of its own "Copy link" cut at that moment, `zab-sim run --trace`, and the
 * digest of the native trace without the end-of-run (liveness) verdicts, which the
 * page gives only at the scenario's end. Returns `{ compared, problem }`.
 */
async function reproducesNatively(app, dir) {
  const page = app.page;
  // A control the monkey pressed may have started the run: compare at a standstill.
  const pause = page.getByRole('button', { name: /^(Pause|暂停)$/ });
  if (await pause.isVisible()) await pause.click();
  const skip = page.getByRole('button', { name: 'Skip 1 second' });
  if (!(await skip.isVisible()) || (await skip.isDisabled())) return { compared: false }; // nothing to compare at
  const t0 = await nowMs(page);
  await skip.click();
  await page.waitForFunction((t) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) !== t, t0);
  const at = await nowMs(page);
  await page.getByRole('button', { name: 'Trace digest' }).click();
  const out = page.locator(`[data-view="trace-digest"][data-trace-at-ms="${at}"]`);
  await out.waitFor({ state: 'attached' });
  const browser = { events: Number(await out.getAttribute('data-trace-count')), digest: await out.getAttribute('data-trace-digest') };
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const hash = await page.evaluate(() => location.hash);
  const scenario = JSON.parse(Buffer.from(hash.slice(3), 'base64url').toString('utf8'));
  scenario.run_until_ms = at;
  scenario.schedule = (scenario.schedule ?? []).filter((s) => s.at_ms <= at);
  const file = path.join(dir, 'run.json');
  const trace = path.join(dir, 'run.jsonl');
  await writeFile(file, JSON.stringify(scenario, null, 1));
  const native = await runZabSim(['run', file, '--trace', trace]);
  if (native.code === 2) return { compared: true, problem: `zab-sim refused the page's own scenario: ${native.stderr.trim()}` };
  const lines = (await readFile(trace, 'utf8')).split('\n').filter((l) => l);
  while (lines.length && /"type":"violation"/.test(lines.at(-1)) && /"invariant":"L\d+"/.test(lines.at(-1))) lines.pop();
  const nativeDigest = { events: lines.length, digest: fnv1a(lines) };
  if (nativeDigest.events === browser.events && nativeDigest.digest === browser.digest) return { compared: true };
  await writeFile(path.join(dir, 'mismatch.json'), JSON.stringify(scenario, null, 1));
  return {
    compared: true,
    problem: `the page's trace at ${at} ms (${browser.events} events, ${browser.digest}) differs from zab-sim's `
      + `(${nativeDigest.events}, ${nativeDigest.digest}); scenario kept in ${dir}/mismatch.json`,
  };
}

/** Play until the clock moves, then pause. Returns a problem or null. */
async function advancesOnPlay(app) {
  const page = app.page;
  const t0 = await nowMs(page);
  const resume = page.getByRole('button', { name: 'Resume' });
  const play = page.getByRole('button', { name: /^(Play|播放)$/ });
  if (await resume.isVisible()) await resume.click();
  else if (await play.isVisible()) await play.click();
  else return 'neither Play nor Resume is on the page';
  try {
    await page.waitForFunction((t) => Number(document.querySelector('[data-now-ms]').dataset.nowMs) > t, t0, { timeout: 20_000 });
  } catch {
    return `the clock stayed at ${t0} ms for 20 s of play`;
  }
  const pause = page.getByRole('button', { name: /^(Pause|暂停)$/ });
  if (await pause.isVisible()) await pause.click();
  return null;
}

/**
 * Back to the English page outside presenter mode, keeping the run (the check reads
 * English names, and presenter mode hides the dock with the digest). Counts what the
 * monkey had reached.
 */
async function normalise(app, figures) {
  const page = app.page;
  if ((await page.locator('[data-view="lang"]').getAttribute('data-lang')) !== 'en') {
    figures.checkedInChinese += 1;
    await page.locator('[data-view="lang"] button[lang="en"]').click();
    await page.locator('[data-view="lang"][data-lang="en"]').waitFor();
  }
  if ((await page.locator('main').getAttribute('data-presenter')) === 'true') {
    figures.checkedInPresenter += 1;
    await page.locator('[data-view="presenter"]').click();
    await page.locator('main[data-presenter="false"]').waitFor();
  }
  if (await page.locator('[data-view="lesson"]').count()) figures.checkedInLesson += 1;
}

/** The batch check: returns the problems found (empty if none). */
async function check(app, dir, figures) {
  const problems = [];
  const errors = app.report();
  if (errors) problems.push(errors);
  if (await app.page.locator('[data-view="crash"]').count()) problems.push('the crash notice is up');
  if (await app.page.evaluate(() => window.__soakInjected)) problems.push('imported text ran as markup');
  if (problems.length) return problems;
  await normalise(app, figures);
  const native = await reproducesNatively(app, dir);
  if (native.compared) figures.nativeChecks += 1;
  if (native.problem) problems.push(native.problem);
  const play = await advancesOnPlay(app);
  if (play) problems.push(play);
  return problems;
}

/**
 * Runs the monkey. Resolves to the figures; throws on the first problem, with the
 * seed, the command that repeats the walk and the last actions.
 */
export async function soak({ seed = 1, actions = 1000, batch = 500, log = () => {} } = {}) {
  const r = rng(seed);
  const files = await scenarioTexts();
  const dir = await mkdtemp(path.join(tmpdir(), 'zabscope-soak-'));
  const app = await launchApp({ viewport: { width: 1280, height: 800 } });
  const recent = [];
  const figures = {
    seed, actions: 0, batches: 0, nativeChecks: 0, imports: 0, links: 0, skipped: 0,
    checkedInChinese: 0, checkedInPresenter: 0, checkedInLesson: 0, started: Date.now(),
  };
  const fail = (what) => {
    const cmd = `SOAK_SEED=${seed} SOAK_ACTIONS=${figures.actions} SOAK_BATCH=${batch} make soak`;
    throw new Error(`soak seed ${seed}, after ${figures.actions} actions: ${what}\n`
      + `repeat: ${cmd}\nlast actions:\n  ${recent.join('\n  ')}`);
  };
  try {
    await app.open('?play=0');
    while (figures.actions < actions) {
      let what;
      try {
        what = await app.failFast(act(app, r, files));
      } catch (err) {
        if (/page error|console error/.test(err.message)) fail(`${err.message}\n${app.report()}`);
        what = `skipped (${err.message.split('\n')[0].slice(0, 80)})`; // the control went away meanwhile
        figures.skipped += 1;
      }
      if (what.startsWith('import')) figures.imports += 1;
      if (what.startsWith('link')) figures.links += 1;
      figures.actions += 1;
      recent.push(`${figures.actions}: ${what}`);
      if (recent.length > 25) recent.shift();
      if (figures.actions % batch === 0 || figures.actions === actions) {
        let problems;
        try {
          problems = await check(app, dir, figures);
        } catch (err) {
          problems = [`the batch check could not finish: ${err.message.split('\n')[0]}`];
        }
        if (problems.length) fail(problems.join('\n'));
        figures.batches += 1;
        log(`${figures.actions} actions, ${((Date.now() - figures.started) / 1000).toFixed(0)} s: ok`);
      }
    }
  } finally {
    await app.close();
  }
  await rm(dir, { recursive: true, force: true });
  figures.seconds = (Date.now() - figures.started) / 1000;
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seed = Number(process.env.SOAK_SEED ?? 1);
  const actions = Number(process.env.SOAK_ACTIONS ?? 100_000);
  const batch = Number(process.env.SOAK_BATCH ?? 500);
  soak({ seed, actions, batch, log: (l) => console.log(l) }).then(
    (f) => console.log(`soak passed: ${JSON.stringify(f)}`),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
