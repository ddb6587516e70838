// UI steps the browser tests share: open the app paused, read the clock, skip a second;
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
