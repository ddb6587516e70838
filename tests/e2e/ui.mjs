// UI steps the browser tests share: open the app paused, read the clock, skip a second,
// measure the ring's labels;
// and running the native zab-sim to compare with the browser. The UI steps wait for
// DOM state, never for wall-clock time.
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

/**
 * The ring's server labels as drawn (issue 14): the smallest of each kind (role, phase,
 * epoch/zxid) and the smallest vote-badge text, in CSS px, the ring's box, the
 * page's devicePixelRatio (a browser's zoom), and any two parts of different servers
 * that overlap where one is a label (a server's shape and vote badge count as its own).
 */
export async function ringLabels(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg[data-view="cluster"]');
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    // `xMidYMid meet`: the smaller of the two ratios.
    const scale = Math.min(box.width / vb.width, box.height / vb.height);
    const px = (sel) =>
      Math.min(...[...svg.querySelectorAll(`g[data-server] ${sel}`)].map((el) => parseFloat(getComputedStyle(el).fontSize) * scale));
    // The vote badges' text on screen: the badge is scaled with the labels by a transform.
    const votes = [...svg.querySelectorAll('g[data-server] .vote text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    const texts = [...svg.querySelectorAll('g[data-server] :is(.role-label, .phase-label, .facts-label)')];
    const parts = [...texts, ...svg.querySelectorAll('g[data-server] :is(.body, .vote rect)')].map((el) => ({
      server: el.closest('g[data-server]').dataset.server,
      what: el.getAttribute('class') ?? 'vote',
      r: el.getBoundingClientRect(),
    }));
    const overlaps = [];
    for (const a of parts) {
      for (const b of parts) {
        if (a.server >= b.server || !(a.what.endsWith('-label') || b.what.endsWith('-label'))) continue;
        if (a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom) {
          overlaps.push(`${a.server} ${a.what} / ${b.server} ${b.what}`);
        }
      }
    }
    return {
      px: { role: px('.role-label'), phase: px('.phase-label'), facts: px('.facts-label') },
      votePx: votes.length ? Math.min(...votes) : null,
      box: `${Math.round(box.width)}x${Math.round(box.height)} CSS px`,
      dpr: devicePixelRatio,
      overlaps,
    };
  });
}

/**
 * Runs zab-sim with `args` and resolves to `{ code, stdout, stderr }`: ZABSIM_BIN if
 * set, else `cargo run --release` (builds it if needed), else target/release/zab-sim.
 */
export async function runZabSim(args) {
  const attempts = [];
  if (process.env.ZABSIM_BIN) attempts.push([process.env.ZABSIM_BIN, args]);
  attempts.push(['cargo', ['run', '--release', '--quiet', '-p', 'zab-sim', '--', ...args]]);
  const built = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'release', 'zab-sim');
  attempts.push([built, args]);
  const failures = [];
  for (const [cmd, argv] of attempts) {
    if (path.isAbsolute(cmd)) {
      try {
        await access(cmd);
      } catch {
        failures.push(`${cmd}: not found`);
        continue;
      }
    }
    const out = await new Promise((resolve) => {
      execFile(cmd, argv, { cwd: ROOT, timeout: 15 * 60_000, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
        resolve({ err, stdout: stdout ?? '', stderr: stderr ?? '' });
      });
    });
    // Exit status 0 or 1 (an invariant broke) is an answer; 2 is bad input.
    const code = out.err ? out.err.code : 0;
    if (code === 0 || code === 1 || code === 2) return { code, stdout: out.stdout, stderr: out.stderr };
    failures.push(`${cmd} ${argv.join(' ')}: ${out.err?.message}\n${out.stderr}`);
  }
  throw new Error(`zab-sim could not be run:\n${failures.join('\n')}`);
}
