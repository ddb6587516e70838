// Shared e2e harness: serve the built app, drive Debian's Chromium with
// playwright-core, collect every console error, page error and failed request,
// and wait for the wasm app to mount by watching the DOM (never by sleeping).
//
// Typical use in a test file (node --test):
//
//   import { test, before, after } from 'node:test';
//   import assert from 'node:assert/strict';
//   import { launchApp } from './harness.mjs';
//
//   let app;
//   before(async () => { app = await launchApp(); });
//   after(async () => { await app?.close(); });
//
//   test('kill the leader', async () => {
//     await app.open();                                   // fresh load, waits for mount
//     await app.page.getByRole('button', { name: 'Kill leader' }).click();
//     await app.page.getByRole('status').filter({ hasText: 'LOOKING' }).waitFor();
//     app.assertNoErrors();
//   });
//
// Environment:
//   ZABSCOPE_DIST           built app to serve (default: ../../dist from this folder)
//   ZABSCOPE_CHROMIUM       browser binary (default: /usr/bin/chromium)
//   ZABSCOPE_E2E_TIMEOUT_MS upper bound for waits such as the mount (default 30000)
//   ZABSCOPE_E2E_DEBUG=1    echo every console message and served request

import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The built app that the tests serve. Relative env paths are taken from the cwd. */
export const DIST_DIR = path.resolve(process.env.ZABSCOPE_DIST ?? path.join(HERE, '../../dist'));

export const CHROMIUM_PATH = process.env.ZABSCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium quiet and local on a machine with a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const TIMEOUT_MS = Number(process.env.ZABSCOPE_E2E_TIMEOUT_MS ?? 30_000);

const DEBUG = process.env.ZABSCOPE_E2E_DEBUG === '1';

/** Selector that appears once the Yew app has rendered. */
export const APP_MOUNTED = 'main#app';

/** What the app keeps in localStorage between visits (`open()` clears it first). */
export const APP_STORAGE_KEYS = ['zabscope.session', 'zabscope.high-contrast', 'zabscope.lang', 'zabscope.lessons'];

/** Path of the harness's own blank page (see `AppSession.openBlank`). */
const BLANK_PATH = '__zabscope_harness_blank__';

/**
 * Start the static server, launch Chromium with a fresh temporary profile and
 * open one page. Call `open()` to load the app, `close()` when done.
 *
 * `locale` is the browser's language (`navigator.languages`), English if not given.
 *
 * @param {{ dist?: string, viewport?: { width: number, height: number }, locale?: string }} [options]
 * @returns {Promise<AppSession>}
 */
export async function launchApp(options = {}) {
  const dist = path.resolve(options.dist ?? DIST_DIR);
  const session = new AppSession();
  try {
    session.server = await startStaticServer({
      root: dist,
      log: DEBUG ? (line) => console.error(`[server] ${line}`) : undefined,
    });
    session.userDataDir = await mkdtemp(path.join(tmpdir(), 'zabscope-chromium-'));
    session.context = await chromium.launchPersistentContext(session.userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      locale: options.locale ?? 'en-US',
      timeout: TIMEOUT_MS,
    });
    session.context.setDefaultTimeout(TIMEOUT_MS);
    session.page = session.context.pages()[0] ?? (await session.context.newPage());
    session.watch(session.page);
  } catch (err) {
    await session.close();
    throw err;
  }
  return session;
}

export class AppSession {
  constructor() {
    /** @type {{ url: string, close: () => Promise<void> } | null} */
    this.server = null;
    /** @type {import('playwright-core').BrowserContext | null} */
    this.context = null;
    /** @type {import('playwright-core').Page | null} */
    this.page = null;
    this.userDataDir = null;
    /** console.error(...) messages from the page: strings with their source location */
    this.consoleErrors = [];
    /** uncaught exceptions in the page (including wasm traps and Rust panics) */
    this.pageErrors = [];
    /** requests that failed outright or were answered with HTTP >= 400 */
    this.requestErrors = [];
    /** every console message, for diagnostics */
    this.consoleLog = [];
    this._errorListeners = new Set();
  }

  /** Base URL of the static server, ending in '/'. */
  get baseUrl() {
    return this.server?.url;
  }

  /** @internal attach the error collectors to a page */
  watch(page) {
    page.on('console', (msg) => {
      const loc = msg.location();
      const where = loc?.url ? ` (${loc.url}:${loc.lineNumber})` : '';
      const line = `[${msg.type()}] ${msg.text()}${where}`;
      this.consoleLog.push(line);
      if (DEBUG) console.error(`[console] ${line}`);
      if (msg.type() === 'error') {
        this.consoleErrors.push(`${msg.text()}${where}`);
        this._notify(new Error(`console error: ${msg.text()}`));
      }
    });
    page.on('pageerror', (err) => {
      const text = err?.stack || String(err);
      this.pageErrors.push(text);
      this._notify(new Error(`page error: ${text}`));
    });
    page.on('requestfailed', (req) => {
      this.requestErrors.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) {
        this.requestErrors.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
      }
    });
  }

  _notify(err) {
    for (const fn of this._errorListeners) fn(err);
  }

  /**
   * Resolves with the value of `promise`, or rejects as soon as the page throws
   * (or logs a console error, if `failOnConsoleError`), so a crashed app fails fast
   * instead of running into the timeout.
   */
  async failFast(promise, { failOnConsoleError = true } = {}) {
    let listener;
    const failed = new Promise((_, reject) => {
      listener = (err) => {
        if (failOnConsoleError || err.message.startsWith('page error')) reject(err);
      };
      this._errorListeners.add(listener);
    });
    try {
      return await Promise.race([promise, failed]);
    } finally {
      this._errorListeners.delete(listener);
    }
  }

  /**
   * Load the app (optionally at `pathAndQuery`, e.g. '?seed=7') and wait until the
   * wasm app has mounted: `main#app` is in the DOM. Each call is a fresh page load
   * and starts a fresh error record (errors of earlier loads are dropped).
   *
   * The app keeps the last session and preferences in localStorage
   * (`APP_STORAGE_KEYS`); they are removed first, so every load starts like a first
   * visit, unless `keepStorage` is true (a reload that restores the session).
   * `setStorage` ({ key: value }) writes items just before the load.
   */
  async open(pathAndQuery = '', { keepStorage = false, setStorage = null } = {}) {
    this.clearErrors();
    // Leave the current page first (it saves its session on the way out) for a blank
    // page of the app's origin, answered by the harness itself, where the stored state
    // can be changed. Every open is then a real load, even if only the #fragment differs.
    await this.openBlank();
    const keys = keepStorage ? [] : APP_STORAGE_KEYS;
    await this.page.evaluate(
      ({ keys, set }) => {
        for (const k of keys) localStorage.removeItem(k);
        for (const [k, v] of Object.entries(set ?? {})) localStorage.setItem(k, v);
      },
      { keys, set: setStorage },
    );
    const url = new URL(pathAndQuery.replace(/^\//, ''), this.baseUrl).toString();
    await this.failFast(this.page.goto(url, { waitUntil: 'load' }), { failOnConsoleError: false });
    await this.waitForMount();
    return this.page;
  }

  /** Navigate to an empty page of the served origin (no request reaches the server). */
  async openBlank() {
    if (!this._blankRouted) {
      await this.page.route(`**/${BLANK_PATH}`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>blank</title>' }),
      );
      this._blankRouted = true;
    }
    await this.page.goto(new URL(BLANK_PATH, this.baseUrl).toString(), { waitUntil: 'load' });
  }

  /** Wait (DOM state, bounded by the timeout) until the Yew app has rendered. */
  async waitForMount() {
    try {
      await this.failFast(this.page.locator(APP_MOUNTED).waitFor({ state: 'attached' }), {
        failOnConsoleError: false,
      });
    } catch (err) {
      throw new Error(`the app did not mount (${APP_MOUNTED} never appeared): ${err.message}\n${this.report()}`);
    }
  }

  /** Shorthand for locating by ARIA role and accessible name. */
  byRole(role, name, options = {}) {
    return this.page.getByRole(role, name === undefined ? options : { name, ...options });
  }

  /** All collected errors, as one readable block ('' if none). */
  report() {
    const parts = [];
    if (this.pageErrors.length) parts.push(`page errors:\n  ${this.pageErrors.join('\n  ')}`);
    if (this.consoleErrors.length) parts.push(`console errors:\n  ${this.consoleErrors.join('\n  ')}`);
    if (this.requestErrors.length) parts.push(`request errors:\n  ${this.requestErrors.join('\n  ')}`);
    return parts.join('\n');
  }

  /** Throw if the page logged a console error, threw, or had a failed request. */
  assertNoErrors() {
    const text = this.report();
    if (text) throw new Error(`the page reported errors:\n${text}`);
  }

  /** Forget collected errors (e.g. after a test that provoked one on purpose). */
  clearErrors() {
    this.consoleErrors.length = 0;
    this.pageErrors.length = 0;
    this.requestErrors.length = 0;
  }

  async close() {
    const steps = [
      () => this.context?.close(),
      () => this.server?.close(),
      () => this.userDataDir && rm(this.userDataDir, { recursive: true, force: true }),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        console.error(`cleanup: ${err.message}`);
      }
    }
    this.context = null;
    this.server = null;
    this.userDataDir = null;
  }
}
