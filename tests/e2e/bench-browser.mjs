// ZabScope browser benchmark: every browser figure of BENCHMARKS.md, printed by this
// script. A benchmark, not a test: it reads the wall clock (performance.now(),
// requestAnimationFrame timestamps) and is never part of `node --test` / `make test`.
//
//   node bench-browser.mjs [all|load|throughput|render|profile|packets]   (from tests/e2e, after
//                                                           `npm ci`; all = the first three)
//   scripts/bench.sh browser                                (builds dist/ and the native
//                                                           bench first; see BENCHMARKS.md)
//
// throughput  the workloads of core/benches/throughput.rs (zab_core::bench_workloads),
//             compiled to wasm32 and run in headless Chromium through the page's
//             `window.zabBench` hooks (web/src/bench.rs; the page is opened with
//             ?bench=1&play=0, so the app is mounted but idle). Each run is timed with
//             performance.now() around one call. With BENCH_NATIVE_CMD (scripts/bench.sh
//             sets it to the native throughput bench), each workload runs natively and
//             then in wasm, and the wasm/native ratio is printed (target: at least 0.5).
// render      frame times (requestAnimationFrame timestamps collected in the page)
//             while the app plays at full speed (the slider's maximum, 1x real time) a
//             steady-writes scenario imported through "Import scenario", on 3, 5 and 9
//             participants + 2 observers; packets in flight counted from the DOM
//             (svg[data-view="cluster"] g[data-packet-id]) every 10th frame, and DOM
//             mutations per frame (a MutationObserver over the page: mutation records,
//             nodes added, attribute writes, text changes; records by region: packets
//             in the ring, the rest of the ring, the header, the side panels, the
//             dock). BENCH_RENDER_SERVERS=5,9 picks cluster sizes (default 3,5,9). Then the
//             heap series: 9 + 2 servers playing for BENCH_HEAP_MINUTES, sampled every
//             BENCH_HEAP_EVERY_S seconds (JS heap after a forced GC, from CDP
//             HeapProfiler.collectGarbage + Runtime.getHeapUsage; wasm linear memory;
//             DOM elements).
// load        sizes of dist/ (raw and gzip -9), and the time from navigation start to
//             the first drawn cluster: a MutationObserver installed before the page's
//             own scripts (addInitScript) records performance.now() (ms since the
//             navigation started) when the ring's first g[data-server] is in the DOM,
//             and again at the next animation frame.
// profile     (not in `all`) a Chromium trace and a V8 CPU profile of the app playing
//             the render workload: where the main thread's time goes.
//             BENCH_PROFILE_SERVERS=3|5|9 (default 9), BENCH_PROFILE_S (default 10).
// packets     (not in `all`) how to draw packets in flight, on a synthetic page without
//             the app: keyed SVG elements moved by a transform attribute or style, or a
//             canvas layer (BENCH_PACKETS, BENCH_PACKETS_S, BENCH_PACKETS_ROUNDS,
//             BENCH_PACKETS_MODES); the measurement behind the choice in BENCHMARKS.md 7.
//
// Environment:
//   ZABSCOPE_DIST        the shipped build (default ../../dist), as in harness.mjs: load
//   BENCH_DIST           the build with the `bench` feature (`trunk build --release
//                        --features bench --dist target/dist-bench`; default
//                        ../../target/dist-bench): throughput, render, profile
//   BENCH_REPEAT=N       throughput repetitions per workload, medians reported (default 5)
//   BENCH_LONG=1         the long throughput workloads (as ZAB_BENCH_LONG=1 natively)
//   BENCH_NATIVE_CMD=C   command running the native throughput bench (it honours
//                        ZAB_BENCH_ONLY=I); run per workload, just before the wasm run
//   BENCH_NATIVE=FILE    or: the native throughput bench's output, for the ratio
//   BENCH_RENDER_S=S     wall seconds of frame-time measurement per cluster (default 30)
//   BENCH_WARM_S=S       simulated seconds played before measuring (default 10)
//   BENCH_RENDER_SERVERS=5,9  participant counts of the render workload (default 3,5,9)
//   BENCH_HEAP_MINUTES=M minutes of the heap series (default 2; BENCHMARKS.md records 10)
//   BENCH_HEAP_EVERY_S=S seconds between heap samples (default 30)
//   BENCH_HEAP_PROFILE_S=S after the heap series, a trace and a CPU profile of S s each
//   BENCH_LOADS=N        page loads for the load time (default 7, median reported)

import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchApp, DIST_DIR, TIMEOUT_MS } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The build with the `bench` feature (web/src/bench.rs): throughput, render, profile. */
const BENCH_DIST = path.resolve(process.env.BENCH_DIST ?? path.join(HERE, '../../target/dist-bench'));

const env = process.env;
const num = (name, dflt) => {
  const v = Number(env[name]);
  return env[name] !== undefined && env[name] !== '' && Number.isFinite(v) ? v : dflt;
};

const REPEAT = Math.max(1, num('BENCH_REPEAT', 5));
const LONG = !!env.BENCH_LONG && env.BENCH_LONG !== '0';
const RENDER_S = num('BENCH_RENDER_S', 30);
const WARM_S = num('BENCH_WARM_S', 10);
const HEAP_MINUTES = num('BENCH_HEAP_MINUTES', 2);
const HEAP_EVERY_S = num('BENCH_HEAP_EVERY_S', 30);
const LOADS = Math.max(1, num('BENCH_LOADS', 7));
/** Participant counts of the rendering workload to run (default: all of RENDER_CLUSTERS). */
const RENDER_SERVERS = (env.BENCH_RENDER_SERVERS ?? '')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);

/**
 * The rendering workload: steady writes round-robin over every server, with a network
 * latency of 100-300 ms per packet (the default is 5-20 ms) so that about 100 packets
 * are in flight at once at a write rate the cluster sustains. The write rate is chosen
 * per size for about 100 packets in flight (each write is a REQUEST from a non-leader,
 * then a PROPOSAL, ACK and COMMIT per follower and an INFORM per observer).
 */
const RENDER_CLUSTERS = [
  { participants: 3, observers: 2, perSecond: 38 },
  { participants: 5, observers: 2, perSecond: 22 },
  { participants: 9, observers: 2, perSecond: 12 },
];
const LATENCY_MS = [100, 300];

const median = (xs) => quantile(xs, 0.5);
/** Nearest-rank quantile (q in 0..1), as `percentile` in core/benches/common. */
function quantile(xs, q) {
  if (!xs.length) return NaN;
  const v = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil(q * v.length);
  return v[Math.min(Math.max(rank, 1), v.length) - 1];
}
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

async function openBenchPage(app, query) {
  const page = await app.open(query);
  await page.waitForFunction(() => typeof window.zabBench === 'object');
  return page;
}

// ---- 1. wasm throughput ------------------------------------------------------------

/** Parses the rows of `cargo bench --bench throughput` (see measure() there). */
function parseNative(text) {
  const rows = [];
  const re = /^(.*?)\s+(\d+\+\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)x/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) {
      rows.push({
        name: m[1].trim(),
        servers: m[2],
        events: Number(m[3]),
        off: Number(m[4]),
        on: Number(m[5]),
        ratio: Number(m[6]),
      });
    }
  }
  return rows;
}

async function throughput(app) {
  console.log('== 1. wasm throughput: the workloads of core/benches/throughput.rs in headless Chromium ==');
  let native = [];
  const nativeCmd = env.BENCH_NATIVE_CMD;
  if (nativeCmd) {
    console.log(`native: \`${nativeCmd}\` with ZAB_BENCH_ONLY=I before the wasm run of workload I (interleaved, so both see the same machine load)`);
  } else if (env.BENCH_NATIVE) {
    native = parseNative(await readFile(env.BENCH_NATIVE, 'utf8'));
    console.log(`native rows read from ${env.BENCH_NATIVE}: ${native.length}`);
  } else {
    console.log('(no BENCH_NATIVE_CMD or BENCH_NATIVE: wasm figures only; scripts/bench.sh browser gives the ratio)');
  }
  const page = await openBenchPage(app, '?bench=1&play=0');
  console.log(`browser: ${await page.evaluate(() => navigator.userAgent)}`);
  const workloads = JSON.parse(await page.evaluate((long) => window.zabBench.workloads(long), LONG));
  console.log(`repetitions: ${REPEAT} (medians); one warm-up run per workload, not counted`);
  console.log(
    `${'workload'.padEnd(34)} ${'servers'.padStart(7)} ${'events'.padStart(10)} ${'wasm ev/s off'.padStart(14)} ${'wasm ev/s on'.padStart(14)} ${'on/off'.padStart(7)}` +
      (native.length || nativeCmd ? ` ${'natv off'.padStart(10)} ${'natv on'.padStart(10)} ${'ratio off'.padStart(9)} ${'ratio on'.padStart(9)}  target>=0.5` : ''),
  );
  const results = [];
  for (const [index, w] of workloads.entries()) {
    if (nativeCmd) {
      const out = execFileSync('bash', ['-c', nativeCmd], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...env, ZAB_BENCH_ONLY: String(index), ZAB_BENCH_REPEAT: String(REPEAT), ZAB_BENCH_LONG: LONG ? '1' : '0' },
      });
      native.push(...parseNative(out));
    }
    // The whole measurement runs inside the page: one evaluate, no round trips between runs.
    const r = await page.evaluate(
      ({ index, long, reps }) => {
        const z = window.zabBench;
        z.prepare(index, long);
        z.run(true); // warm-up: page faults, the JIT tiering up hot functions
        const off = [];
        const on = [];
        const ratios = [];
        let events = 0;
        for (let i = 0; i < reps; i++) {
          let t0 = performance.now();
          const eOff = z.run(false);
          const tOff = performance.now() - t0;
          t0 = performance.now();
          const eOn = z.run(true);
          const tOn = performance.now() - t0;
          if (eOff !== eOn) throw new Error(`checking changed the run: ${eOff} vs ${eOn}`);
          events = eOn;
          off.push(eOff / (tOff / 1000));
          on.push(eOn / (tOn / 1000));
          ratios.push(tOn / tOff);
        }
        return { events, off, on, ratios };
      },
      { index, long: LONG, reps: REPEAT },
    );
    const row = {
      ...w,
      events: r.events,
      off: median(r.off),
      on: median(r.on),
      ratio: median(r.ratios),
    };
    const n = native.find((x) => x.name === w.name && x.servers === w.servers);
    let line =
      `${w.name.padEnd(34)} ${w.servers.padStart(7)} ${String(row.events).padStart(10)} ` +
      `${fmt(row.off, 0).padStart(14)} ${fmt(row.on, 0).padStart(14)} ${fmt(row.ratio, 2).padStart(6)}x`;
    if (n) {
      if (n.events !== row.events) line += `  (native ran ${n.events} events: not the same work!)`;
      row.ratioOff = row.off / n.off;
      row.ratioOn = row.on / n.on;
      line +=
        ` ${fmt(n.off, 0).padStart(10)} ${fmt(n.on, 0).padStart(10)} ${fmt(row.ratioOff, 2).padStart(9)} ${fmt(row.ratioOn, 2).padStart(9)}` +
        `  ${Math.min(row.ratioOff, row.ratioOn) >= 0.5 ? 'pass' : 'MISS'}`;
    }
    console.log(line);
    results.push(row);
  }
  const ratios = results.flatMap((r) => (r.ratioOff ? [r.ratioOff, r.ratioOn] : []));
  if (ratios.length) {
    console.log(
      `wasm/native events-per-second ratio: worst ${fmt(Math.min(...ratios), 2)}, median ${fmt(median(ratios), 2)}, best ${fmt(Math.max(...ratios), 2)} (target >= 0.5: ${Math.min(...ratios) >= 0.5 ? 'pass' : 'MISS'})`,
    );
  }
  console.log(`wasm checker-on/off cost ratio, worst: ${fmt(Math.max(...results.map((r) => r.ratio)), 2)}x`);
}

// ---- 2. rendering ------------------------------------------------------------------

/** Opens the app paused at full speed, imports the steady scenario and plays it. */
async function playSteady(app, cluster, durationMs) {
  const page = await openBenchPage(app, '?bench=1&play=0&speed=100');
  const json = await page.evaluate(
    ({ c, durationMs, lat }) =>
      window.zabBench.steadyScenario(c.participants, c.observers, durationMs, c.perSecond, lat[0], lat[1]),
    { c: cluster, durationMs, lat: LATENCY_MS },
  );
  await page.getByLabel('Import scenario').setInputFiles({
    name: 'bench-steady.json',
    mimeType: 'application/json',
    buffer: Buffer.from(json),
  });
  // The message says "Imported" or "… was not imported: …" (a refused file leaves the
  // old run playing, which would measure an idle cluster).
  const message = page.locator('[data-view="message"]');
  await message.filter({ hasText: /imported/i }).waitFor();
  if (await message.evaluate((e) => e.classList.contains('error'))) {
    throw new Error(`the bench scenario was refused: ${await message.textContent()}`);
  }
  const play = app.byRole('button', 'Play', { exact: true });
  if (await play.count()) await play.click();
  await app.byRole('button', 'Pause', { exact: true }).waitFor();
  return page;
}

/** Installs the frame collector: rAF timestamps, packets in flight every 10th frame, DOM mutations. */
async function startFrames(page) {
  await page.evaluate(() => {
    const zero = () => ({ records: 0, added: 0, removed: 0, attributes: 0, text: 0, packets: 0, ring: 0, header: 0, side: 0, dock: 0, other: 0 });
    const s = { frames: [], packets: [], running: true, mutations: zero(), zero };
    window.__zabFrames = s;
    // Where a mutation happened: the element it touched (a text node's parent).
    const region = (node) => {
      const el = node.nodeType === 1 ? node : node.parentElement;
      if (!el) return 'other';
      if (el.closest('svg[data-view="cluster"]')) return el.closest('g[data-packet-id], g.packets') ? 'packets' : 'ring';
      if (el.closest('[data-view="dock"]')) return 'dock';
      if (el.closest('aside')) return 'side';
      if (el.closest('header')) return 'header';
      return 'other';
    };
    s.count = (records) => {
      const m = s.mutations;
      for (const r of records) {
        m.records++;
        m[region(r.target)]++;
        if (r.type === 'childList') {
          m.added += r.addedNodes.length;
          m.removed += r.removedNodes.length;
        } else if (r.type === 'attributes') m.attributes++;
        else m.text++;
      }
    };
    s.observer = new MutationObserver(s.count);
    s.observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const loop = (ts) => {
      if (!s.running) return;
      s.frames.push(ts);
      if (s.frames.length % 10 === 0) {
        s.packets.push(document.querySelectorAll('svg[data-view="cluster"] g[data-packet-id]').length);
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

/** Takes (and resets) what the collector gathered; the clock and wall time with it. */
async function takeFrames(page) {
  return page.evaluate(() => {
    const s = window.__zabFrames;
    // Records still queued belong to the frames taken now.
    s.count(s.observer.takeRecords());
    const frames = s.frames;
    const packets = s.packets;
    const mutations = s.mutations;
    s.frames = frames.length ? [frames[frames.length - 1]] : [];
    s.packets = [];
    s.mutations = s.zero();
    return {
      frames,
      packets,
      mutations,
      clockMs: Number(document.querySelector('[data-now-ms]').dataset.nowMs),
      wallMs: performance.now(),
      violations: Number(document.querySelector('[data-view="violations"]')?.dataset.violations ?? 0),
    };
  });
}

/** Mutations per frame, as "records (added / attributes / text) by region". */
function mutationStats(m, frames) {
  const per = (x) => fmt(x / Math.max(frames, 1), 1);
  return {
    perFrame: m.records / Math.max(frames, 1),
    text:
      `${per(m.records)} records/frame (nodes added ${per(m.added)}, removed ${per(m.removed)}, attributes ${per(m.attributes)}, text ${per(m.text)}); ` +
      `by region: packets ${per(m.packets)}, ring ${per(m.ring)}, header ${per(m.header)}, side panels ${per(m.side)}, dock ${per(m.dock)}, other ${per(m.other)}`,
  };
}

function frameStats(frames) {
  const d = [];
  for (let i = 1; i < frames.length; i++) d.push(frames[i] - frames[i - 1]);
  return {
    count: d.length,
    median: median(d),
    p95: quantile(d, 0.95),
    p99: quantile(d, 0.99),
    max: d.length ? Math.max(...d) : NaN,
    over33: d.filter((x) => x > 33.4).length,
    fps: d.length ? (1000 * d.length) / (frames[frames.length - 1] - frames[0]) : NaN,
  };
}

async function waitClock(page, atLeastMs) {
  await page.waitForFunction(
    (t) => Number(document.querySelector('[data-now-ms]')?.dataset.nowMs) >= t,
    atLeastMs,
    { timeout: TIMEOUT_MS + atLeastMs * 4, polling: 250 },
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function render(app) {
  console.log('== 2. rendering: frame times while playing at full speed (1x), steady writes ==');
  console.log(
    `scenario: steady writes round-robin (zab_core::bench_workloads::steady_writes), latency ${LATENCY_MS[0]}-${LATENCY_MS[1]} ms, imported via "Import scenario"; ` +
      `viewport 1280x800; ${WARM_S} simulated s of warm-up, then ${RENDER_S} wall s measured`,
  );
  console.log(
    `${'servers'.padEnd(8)} ${'writes/s'.padStart(8)} ${'frames'.padStart(6)} ${'median'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'>33ms'.padStart(6)} ${'fps'.padStart(5)} ${'sim x'.padStart(6)}  packets in flight (DOM, every 10th frame): median [min-max]`,
  );
  {
    // Baseline: the same page paused (nothing but the collector runs per frame).
    const c = RENDER_CLUSTERS[0];
    const page = await playSteady(app, c, 60_000);
    await waitClock(page, 2000);
    await app.byRole('button', 'Pause', { exact: true }).click();
    await startFrames(page);
    await takeFrames(page);
    await sleep(5000);
    const r = await takeFrames(page);
    const st = frameStats(r.frames);
    console.log(
      `${'paused'.padEnd(8)} ${'-'.padStart(8)} ${String(st.count).padStart(6)} ${fmt(st.median).padStart(7)} ${fmt(st.p95).padStart(7)} ${fmt(st.p99).padStart(7)} ${fmt(st.max).padStart(7)} ${String(st.over33).padStart(6)} ${fmt(st.fps, 0).padStart(5)}  (baseline: the headless frame clock with the app idle, 5 s)`,
    );
    console.log(`         DOM mutations: ${mutationStats(r.mutations, st.count).text}`);
  }
  const clusters = RENDER_CLUSTERS.filter((c) => !RENDER_SERVERS.length || RENDER_SERVERS.includes(c.participants));
  for (const c of clusters) {
    const durationMs = (WARM_S + RENDER_S * 2 + 30) * 1000;
    const page = await playSteady(app, c, durationMs);
    await waitClock(page, WARM_S * 1000);
    await startFrames(page);
    const first = await takeFrames(page);
    await sleep(RENDER_S * 1000);
    const r = await takeFrames(page);
    const st = frameStats(r.frames);
    const simSpeed = (r.clockMs - first.clockMs) / (r.wallMs - first.wallMs);
    console.log(
      `${`${c.participants}+${c.observers}`.padEnd(8)} ${String(c.perSecond).padStart(8)} ${String(st.count).padStart(6)} ` +
        `${fmt(st.median).padStart(7)} ${fmt(st.p95).padStart(7)} ${fmt(st.p99).padStart(7)} ${fmt(st.max).padStart(7)} ${String(st.over33).padStart(6)} ` +
        `${fmt(st.fps, 0).padStart(5)} ${fmt(simSpeed, 2).padStart(6)}  ${median(r.packets)} [${Math.min(...r.packets)}-${Math.max(...r.packets)}]` +
        (r.violations ? `  (${r.violations} invariant violations!)` : ''),
    );
    console.log(`         DOM mutations: ${mutationStats(r.mutations, st.count).text}`);
    app.assertNoErrors();
  }
  console.log('(frame times in ms: intervals between requestAnimationFrame timestamps; sim x: simulated ms per wall ms, 1.00 = keeping up;');
  console.log(' DOM mutations: MutationObserver records over the measurement divided by its frames; a record is one attribute write, one text change, or one childList change adding/removing nodes)');
  if (HEAP_MINUTES > 0) await heap(app);
}

async function heap(app) {
  const last = RENDER_CLUSTERS[RENDER_CLUSTERS.length - 1];
  // A scenario holds at most 40 000 steps (core's scenario limits): a long series
  // writes a little less often (10 writes/s for an hour, about 100 packets in flight).
  const c = { ...last, perSecond: Math.min(last.perSecond, Math.floor(39_000 / (HEAP_MINUTES * 60 + 60))) };
  console.log(
    `== 2b. memory: ${c.participants}+${c.observers} servers, ${c.perSecond} writes/s, playing for ${HEAP_MINUTES} min, a sample every ${HEAP_EVERY_S} s ==`,
  );
  const durationMs = (HEAP_MINUTES * 60 + 60) * 1000;
  const page = await playSteady(app, c, durationMs);
  const cdp = await app.context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await startFrames(page);
  const start = Date.now();
  console.log(
    `${'wall s'.padStart(6)} ${'sim s'.padStart(7)} ${'JS heap used'.padStart(12)} ${'JS heap total'.padStart(13)} ${'wasm memory'.padStart(11)} ${'DOM elems'.padStart(9)} ${'frame med'.padStart(9)} ${'p95'.padStart(6)} ${'p99'.padStart(6)} ${'packets'.padStart(7)}`,
  );
  const series = [];
  for (let k = 0; ; k++) {
    const due = start + k * HEAP_EVERY_S * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    const r = await takeFrames(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const h = await cdp.send('Runtime.getHeapUsage');
    const extra = await page.evaluate(() => ({
      wasm: window.zabBench.memoryBytes(),
      dom: document.getElementsByTagName('*').length,
    }));
    const st = frameStats(r.frames);
    const s = { wall: (Date.now() - start) / 1000, sim: r.clockMs / 1000, used: h.usedSize, total: h.totalSize, ...extra };
    series.push(s);
    console.log(
      `${fmt(s.wall, 0).padStart(6)} ${fmt(s.sim, 1).padStart(7)} ${mb(s.used).padStart(12)} ${mb(s.total).padStart(13)} ${mb(s.wasm).padStart(11)} ${String(s.dom).padStart(9)} ` +
        `${fmt(st.median).padStart(9)} ${fmt(st.p95).padStart(6)} ${fmt(st.p99).padStart(6)} ${String(r.packets.length ? median(r.packets) : '-').padStart(7)}`,
    );
    app.assertNoErrors();
    if (s.wall >= HEAP_MINUTES * 60 - 1) break;
  }
  const a = series[1] ?? series[0];
  const z = series[series.length - 1];
  const per = (x) => (z.wall > a.wall ? ((x(z) - x(a)) / 1e6 / ((z.wall - a.wall) / 60)).toFixed(2) : '?');
  console.log(
    `growth from the second sample to the last: JS heap ${per((s) => s.used)} MB/min, wasm memory ${per((s) => s.wasm)} MB/min`,
  );
  const profileS = num('BENCH_HEAP_PROFILE_S', 0);
  if (profileS > 0) {
    console.log(`-- profile after ${HEAP_MINUTES} min of play (${profileS} s trace + ${profileS} s CPU profile) --`);
    await profileHere(cdp, profileS);
  }
  await cdp.detach();
}

// ---- 3. load -----------------------------------------------------------------------

async function bundle() {
  console.log(`== 3a. bundle: ${DIST_DIR} ==`);
  const files = (await readdir(DIST_DIR)).filter((f) => /\.(wasm|js|css|html)$/.test(f)).sort();
  let raw = 0;
  let gz = 0;
  console.log(`${'file'.padEnd(40)} ${'raw'.padStart(12)} ${'gzip -9'.padStart(12)}`);
  for (const f of files) {
    const data = await readFile(path.join(DIST_DIR, f));
    const z = gzipSync(data, { level: 9 }).length;
    raw += data.length;
    gz += z;
    console.log(`${f.padEnd(40)} ${String(data.length).padStart(12)} ${String(z).padStart(12)}   (${kib(data.length)} / ${kib(z)})`);
  }
  console.log(`${'total (wasm + js + css + html)'.padEnd(40)} ${String(raw).padStart(12)} ${String(gz).padStart(12)}   (${kib(raw)} / ${kib(gz)})`);
  // The translation tables: the page fetches the one of its language at start.
  const tables = path.join(DIST_DIR, 'locales');
  for (const f of (await readdir(tables).catch(() => [])).filter((f) => f.endsWith('.json')).sort()) {
    const data = await readFile(path.join(tables, f));
    const z = gzipSync(data, { level: 9 }).length;
    const name = `locales/${f}`;
    console.log(`${name.padEnd(40)} ${String(data.length).padStart(12)} ${String(z).padStart(12)}   (${kib(data.length)} / ${kib(z)})`);
    const label = `total with ${name}`;
    console.log(`${label.padEnd(40)} ${String(raw + data.length).padStart(12)} ${String(gz + z).padStart(12)}   (${kib(raw + data.length)} / ${kib(gz + z)})`);
  }
}

/** Runs before the page's own scripts: notes when the ring's first server is in the DOM. */
function firstRingObserver() {
  const sel = 'svg[data-view="cluster"] g[data-server]';
  const seen = () => {
    if (window.__zabFirstRing !== undefined || !document.querySelector(sel)) return;
    window.__zabFirstRing = performance.now();
    performance.mark('zabscope:first-ring');
    requestAnimationFrame(() => {
      window.__zabFirstRingFrame = performance.now();
    });
    observer.disconnect();
  };
  const observer = new MutationObserver(seen);
  observer.observe(document, { childList: true, subtree: true });
}

async function load(app) {
  await bundle();
  console.log(`== 3b. navigation start to the first drawn cluster, 127.0.0.1, ${LOADS} fresh loads (no-store: no HTTP cache) ==`);
  await app.context.addInitScript(firstRingObserver);
  const rows = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await app.open('');
    await page.waitForFunction(() => window.__zabFirstRingFrame !== undefined);
    // The paint timing entry is queued a little after the paint itself.
    await page
      .waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 3000 })
      .catch(() => {});
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const end = (re) => res.find((r) => re.test(r.name))?.responseEnd ?? NaN;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
      return {
        html: nav.responseEnd,
        js: end(/\.js$/),
        wasm: end(/\.wasm$/),
        dcl: nav.domContentLoadedEventEnd,
        ring: window.__zabFirstRing,
        frame: window.__zabFirstRingFrame,
        fcp,
      };
    });
    rows.push(t);
    console.log(
      `load ${i + 1}: html ${fmt(t.html)} ms, js ${fmt(t.js)} ms, wasm fetched ${fmt(t.wasm)} ms, DOMContentLoaded ${fmt(t.dcl)} ms, ` +
        `ring servers in the DOM ${fmt(t.ring)} ms, next frame ${fmt(t.frame)} ms, first contentful paint ${fmt(t.fcp)} ms`,
    );
    app.assertNoErrors();
  }
  const m = (k) => fmt(median(rows.map((r) => r[k])));
  console.log(
    `median of ${LOADS}: ring servers in the DOM ${m('ring')} ms after navigation start (next frame ${m('frame')} ms; ` +
      `wasm fetched ${m('wasm')} ms; first contentful paint ${m('fcp')} ms)`,
  );
}

// ---- profile: where a frame's time goes ----------------------------------------------

/**
 * While the app plays (BENCH_PROFILE_SERVERS participants + 2 observers, the render
 * workload), records a Chromium performance trace and then a V8 CPU profile over CDP
 * (BENCH_PROFILE_S seconds each) and prints where the renderer's main thread spends
 * its time: trace events by name (the rAF callback = the simulation step and Yew's
 * render; style, layout, paint; GC) and the functions with the most self time.
 */
async function profile(app) {
  const servers = num('BENCH_PROFILE_SERVERS', 9);
  const seconds = num('BENCH_PROFILE_S', 10);
  const c = RENDER_CLUSTERS.find((x) => x.participants === servers) ?? RENDER_CLUSTERS[RENDER_CLUSTERS.length - 1];
  console.log(`== profile: ${c.participants}+${c.observers} servers, ${c.perSecond} writes/s, playing at 1x, ${seconds} s trace + ${seconds} s CPU profile ==`);
  const page = await playSteady(app, c, (WARM_S + 2 * seconds + 60) * 1000);
  await waitClock(page, WARM_S * 1000);
  const cdp = await app.context.newCDPSession(page);
  await profileHere(cdp, seconds);
  await cdp.detach();
  app.assertNoErrors();
}

/** A trace, then a CPU profile, of `seconds` each, of the page behind `cdp`; prints the summary. */
async function profileHere(cdp, seconds) {
  // 1. The trace: main-thread time by event.
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'toplevel'],
    },
  });
  await sleep(seconds * 1000);
  await cdp.send('Tracing.end');
  await complete;
  const threads = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name);
  }
  // The page's main thread: the CrRendererMain with the most complete events.
  const counts = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && threads.get(key) === 'CrRendererMain') counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.dur !== undefined);
  const t0 = Math.min(...onMain.map((e) => e.ts));
  const t1 = Math.max(...onMain.map((e) => e.ts + e.dur));
  const wall = (t1 - t0) / 1000;
  const byName = new Map();
  const raf = onMain.filter((e) => e.name === 'FireAnimationFrame');
  const inRaf = (e) => raf.some((r) => e.ts >= r.ts && e.ts + e.dur <= r.ts + r.dur);
  for (const e of onMain) {
    // Calls inside an animation-frame callback are counted with it, not again here.
    const name = e.name === 'FunctionCall' && inRaf(e) ? 'FunctionCall (in rAF)' : e.name;
    byName.set(name, (byName.get(name) ?? 0) + e.dur / 1000);
  }
  // Busy time: the union of the top-level tasks.
  let busy = 0;
  let end = -Infinity;
  for (const e of [...onMain].sort((a, b) => a.ts - b.ts)) {
    const s = Math.max(e.ts, end);
    const f = e.ts + e.dur;
    if (f > s) busy += (f - s) / 1000;
    end = Math.max(end, f);
  }
  const frames = onMain.filter((e) => e.name === 'FireAnimationFrame').length;
  console.log(`trace: ${fmt(wall / 1000, 1)} s of the renderer's main thread; busy ${fmt(busy, 0)} ms (${fmt((100 * busy) / wall, 0)}%); ${frames} animation-frame callbacks`);
  const shown = [
    ['FireAnimationFrame', 'requestAnimationFrame callbacks (the simulation step + Yew render + DOM patch)'],
    ['FunctionCall', 'JS/wasm calls outside animation frames (timers, events, microtasks)'],
    ['UpdateLayoutTree', 'style recalculation'],
    ['Layout', 'layout'],
    ['PrePaint', 'pre-paint'],
    ['Paint', 'paint (recording)'],
    ['Layerize', 'layerize'],
    ['Commit', 'commit to the compositor'],
    ['HitTest', 'hit testing'],
    ['MinorGC', 'V8 minor GC'],
    ['MajorGC', 'V8 major GC'],
    ['V8.GCScavenger', 'V8 scavenger'],
    ['V8.GCFinalizeMC', 'V8 mark-compact'],
  ];
  for (const [name, what] of shown) {
    const ms = byName.get(name);
    if (ms !== undefined && ms >= 0.5) {
      console.log(`  ${name.padEnd(20)} ${fmt(ms, 0).padStart(7)} ms  ${fmt((100 * ms) / wall, 1).padStart(5)}% of wall, ${fmt(ms / Math.max(frames, 1), 2).padStart(6)} ms per frame  ${what}`);
    }
  }
  const others = [...byName.entries()]
    .filter(([n]) => !shown.some(([s]) => s === n))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([n, ms]) => `${n} ${fmt(ms, 0)}`);
  console.log(`  (style, layout, pre-paint, paint, layerize and commit are Blink's rendering of the frame, after the callbacks)`);
  console.log(`  other main-thread events (ms, inclusive, may nest): ${others.join(', ')}`);
  for (const [key, name] of threads) {
    if (!/Compositor|Viz|Raster|TileWorker/.test(name ?? '')) continue;
    const ms = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === key && e.dur).reduce((a, e) => a + e.dur / 1000, 0);
    if (ms > 0) console.log(`  thread ${name}: ${fmt(ms, 0)} ms of events (inclusive)`);
  }

  // 2. The CPU profile: self time by function.
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  await sleep(seconds * 1000);
  const { profile: prof } = await cdp.send('Profiler.stop');
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const byFn = new Map();
  const byKind = new Map();
  for (const [id, ms] of self) {
    const f = nodes.get(id).callFrame;
    const file = f.url ? f.url.split('/').pop() : '';
    const kind = f.url.endsWith('.wasm') || file.includes('wasm') ? 'wasm (simulation, Yew, app)' : f.url ? 'JS (wasm-bindgen glue, page)' : f.functionName || '(native)';
    byKind.set(kind, (byKind.get(kind) ?? 0) + ms);
    const key = `${f.functionName || '(anonymous)'}${file ? ` [${file.replace(/-[0-9a-f]{16}/, '')}]` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  const idle = byKind.get('(idle)') ?? 0;
  console.log(`CPU profile: ${fmt(total / 1000, 1)} s sampled, ${fmt((100 * (total - idle)) / total, 0)}% not idle; self time by kind (% of the non-idle time):`);
  for (const [k, ms] of [...byKind.entries()].sort((a, b) => b[1] - a[1])) {
    if (k !== '(idle)') console.log(`  ${k.padEnd(32)} ${fmt(ms, 0).padStart(7)} ms  ${fmt((100 * ms) / (total - idle), 1).padStart(5)}%`);
  }
  console.log('top functions by self time (% of the non-idle time):');
  for (const [k, ms] of [...byFn.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${fmt((100 * ms) / (total - idle), 1).padStart(5)}%  ${k.slice(0, 150)}`);
  }
}

// ---- packets: how to draw packets in flight ------------------------------------------

/**
 * The page of the `packets` benchmark: a ring of `servers` labelled servers and their
 * links in one SVG (as the app draws them), and `count` labelled packets flying along
 * the links, each flight 100-300 ms (the render workload's latency at 1x), a new packet
 * sent whenever one lands (so about count / 0.2 s are created and removed per second).
 * `mode` draws them: `svg-attr` one keyed <g> per packet (title, rect, text) moved by
 * its `transform` attribute; `svg-style` the same moved by `style.transform`; `canvas`
 * a <canvas> over the SVG cleared and redrawn every frame; `html` one absolutely
 * positioned <div> per packet over the SVG moved by a CSS transform on its own
 * compositing layer (will-change: transform). Canvas and html keep an empty <g
 * data-packet-id> per packet in the SVG for the data-* contract (added and removed,
 * never moved).
 */
function packetsPage({ mode, count, servers }) {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 1000;
  const H = 640;
  document.body.style.margin = '0';
  const wrap = document.createElement('div');
  wrap.style.cssText = 'position:relative;width:760px;height:486px;font-family:system-ui,sans-serif';
  document.body.append(wrap);
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.style.cssText = 'position:absolute;inset:0;width:100%;height:100%';
  wrap.append(svg);
  const style = document.createElement('style');
  style.textContent =
    '.link{stroke:#8899aa;stroke-width:2}.server circle{fill:#e8f0ff;stroke:#2255aa;stroke-width:4}' +
    '.server text{font-size:20px;text-anchor:middle;fill:#223}.packet rect{fill:#2a7;stroke:rgb(0 0 0/.25)}' +
    '.packet text{font-size:12.5px;font-weight:700;fill:#fff;text-anchor:middle}';
  document.head.append(style);
  const pos = [];
  for (let i = 0; i < servers; i++) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / servers;
    pos.push([W / 2 + 420 * Math.cos(a), H / 2 + 230 * Math.sin(a)]);
  }
  for (let a = 0; a < servers; a++) {
    for (let b = a + 1; b < servers; b++) {
      const l = document.createElementNS(NS, 'line');
      l.setAttribute('class', 'link');
      l.setAttribute('x1', pos[a][0]);
      l.setAttribute('y1', pos[a][1]);
      l.setAttribute('x2', pos[b][0]);
      l.setAttribute('y2', pos[b][1]);
      svg.append(l);
    }
  }
  const layer = document.createElementNS(NS, 'g');
  svg.append(layer);
  pos.forEach(([x, y], i) => {
    const g = document.createElementNS(NS, 'g');
    g.setAttribute('class', 'server');
    g.setAttribute('transform', `translate(${x} ${y})`);
    g.innerHTML = `<circle r="40"/><text y="7">${i + 1}</text><text y="68">FOLLOWER</text><text y="92">BROADCAST</text><text y="116">epoch 1 · 0x10000002a</text>`;
    svg.append(g);
  });
  let canvas = null;
  let ctx = null;
  // html: one absolutely positioned <div> per packet over the SVG, moved by a CSS
  // transform on its own compositing layer (will-change), plus the empty <g>.
  const overlay = document.createElement('div');
  if (mode === 'html') {
    overlay.style.cssText = 'position:absolute;inset:0;pointer-events:none;overflow:hidden';
    wrap.append(overlay);
    style.textContent +=
      '.hpacket{position:absolute;left:0;top:0;will-change:transform;background:#2a7;color:#fff;font:700 9.5px system-ui;' +
      'padding:2px 4px;border-radius:4px;white-space:nowrap;border:1px solid rgb(0 0 0/.25)}';
  }
  if (mode === 'canvas') {
    canvas = document.createElement('canvas');
    const dpr = window.devicePixelRatio || 1;
    canvas.width = 760 * dpr;
    canvas.height = 486 * dpr;
    canvas.style.cssText = 'position:absolute;inset:0;width:760px;height:486px;pointer-events:none';
    wrap.append(canvas);
    ctx = canvas.getContext('2d');
    ctx.scale((760 * dpr) / W, (486 * dpr) / H);
  }
  const KINDS = ['PROPOSAL', 'ACK', 'COMMIT', 'PING', 'INFORM', 'REQUEST'];
  let id = 0;
  const send = (now) => {
    const a = Math.floor(Math.random() * servers);
    const b = (a + 1 + Math.floor(Math.random() * (servers - 1))) % servers;
    const label = `${KINDS[id % KINDS.length]} 0x1000000${(id % 256).toString(16)}`;
    const p = { id: id++, a, b, t0: now, t1: now + 100 + Math.random() * 200, label, w: label.length * 7.6 + 12 };
    if (mode === 'html') {
      const div = document.createElement('div');
      div.className = 'hpacket';
      div.title = `${p.a + 1} → ${p.b + 1}: ${label}`;
      div.textContent = label;
      overlay.append(div);
      p.div = div;
    }
    const g = document.createElementNS(NS, 'g');
    g.setAttribute('data-packet-id', String(p.id));
    if (mode !== 'canvas' && mode !== 'html') {
      g.setAttribute('class', 'packet');
      g.innerHTML = `<title>${p.a + 1} → ${p.b + 1}: ${label}</title><rect x="${-p.w / 2}" y="-10" width="${p.w}" height="20" rx="6"/><text y="4.5">${label}</text>`;
    }
    layer.append(g);
    p.g = g;
    return p;
  };
  const at = (p, now) => {
    const k = Math.min(1, Math.max(0, (now - p.t0) / (p.t1 - p.t0)));
    const [x1, y1] = pos[p.a];
    const [x2, y2] = pos[p.b];
    return [x1 + (x2 - x1) * k, y1 + (y2 - y1) * k];
  };
  let flying = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const p = send(start - Math.random() * 200);
    flying.push(p);
  }
  const frame = (now) => {
    flying = flying.map((p) => {
      if (now < p.t1) return p;
      p.g.remove();
      p.div?.remove();
      return send(now);
    });
    if (mode === 'canvas') {
      ctx.clearRect(0, 0, W, H);
      ctx.font = '700 12.5px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.lineWidth = 1;
      for (const p of flying) {
        const [x, y] = at(p, now);
        ctx.fillStyle = '#2a7';
        ctx.beginPath();
        ctx.roundRect(x - p.w / 2, y - 10, p.w, 20, 6);
        ctx.fill();
        ctx.strokeStyle = 'rgba(0,0,0,0.25)';
        ctx.stroke();
        ctx.fillStyle = '#fff';
        ctx.fillText(p.label, x, y + 4.5);
      }
    } else if (mode === 'html') {
      const k = 760 / W;
      for (const p of flying) {
        const [x, y] = at(p, now);
        p.div.style.transform = `translate(${(x * k).toFixed(1)}px, ${(y * k).toFixed(1)}px)`;
      }
    } else {
      for (const p of flying) {
        const [x, y] = at(p, now);
        if (mode === 'svg-style') p.g.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
        else p.g.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
      }
    }
    window.__frames.push(now);
    requestAnimationFrame(frame);
  };
  window.__frames = [];
  requestAnimationFrame(frame);
}

/**
 * The choice of BENCHMARKS.md section 7: keyed SVG elements moved by one transform each,
 * or a canvas layer. A synthetic page (no app, no simulation: only the drawing), each
 * mode for BENCH_PACKETS_S seconds (default 10) with BENCH_PACKETS=N packets (default
 * 100) over 11 servers, in rounds (BENCH_PACKETS_ROUNDS, default 2) alternating the
 * modes; frame times from rAF timestamps and main-thread time per frame from CDP
 * Performance.getMetrics (task, script, style, layout; "other" is the rest of the
 * tasks: paint, compositing commit, GC).
 */
async function packets(app) {
  const seconds = num('BENCH_PACKETS_S', 10);
  const count = num('BENCH_PACKETS', 100);
  const rounds = Math.max(1, num('BENCH_PACKETS_ROUNDS', 2));
  const modes = (env.BENCH_PACKETS_MODES ?? 'svg-attr,svg-style,canvas,html').split(',');
  console.log(`== packets: ${count} labelled packets over 11 servers, drawn by each mode for ${seconds} s, ${rounds} rounds ==`);
  console.log(
    `${'mode'.padEnd(10)} ${'round'.padStart(5)} ${'frames'.padStart(6)} ${'median'.padStart(7)} ${'p95'.padStart(7)} ${'fps'.padStart(5)} ${'task/fr'.padStart(8)} ${'script'.padStart(7)} ${'style'.padStart(7)} ${'layout'.padStart(7)} ${'other'.padStart(7)}  (ms; load)`,
  );
  const page = app.page;
  const cdp = await app.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const rows = new Map(modes.map((m) => [m, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const mode of modes) {
      await page.goto('about:blank');
      await page.evaluate(packetsPage, { mode, count, servers: 11 });
      await sleep(1000); // warm-up
      await page.evaluate(() => (window.__frames = []));
      const m0 = await metrics();
      await sleep(seconds * 1000);
      const m1 = await metrics();
      const frames = await page.evaluate(() => window.__frames);
      const st = frameStats(frames);
      const d = (k) => ((m1[k] - m0[k]) * 1000) / Math.max(st.count, 1);
      const row = {
        ...st,
        task: d('TaskDuration'),
        script: d('ScriptDuration'),
        style: d('RecalcStyleDuration'),
        layout: d('LayoutDuration'),
      };
      row.other = row.task - row.script - row.style - row.layout;
      rows.get(mode).push(row);
      console.log(
        `${mode.padEnd(10)} ${String(r).padStart(5)} ${String(st.count).padStart(6)} ${fmt(st.median).padStart(7)} ${fmt(st.p95).padStart(7)} ${fmt(st.fps, 0).padStart(5)} ` +
          `${fmt(row.task, 2).padStart(8)} ${fmt(row.script, 2).padStart(7)} ${fmt(row.style, 2).padStart(7)} ${fmt(row.layout, 2).padStart(7)} ${fmt(row.other, 2).padStart(7)}  (${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]})`,
      );
    }
  }
  console.log('median over the rounds, main-thread ms per frame:');
  for (const [mode, list] of rows) {
    const m = (k) => fmt(median(list.map((x) => x[k])), 2);
    console.log(`  ${mode.padEnd(10)} task ${m('task')} (script ${m('script')}, style ${m('style')}, layout ${m('layout')}, other ${m('other')}); frame median ${m('median')}, p95 ${m('p95')}, ${m('fps')} fps`);
  }
  await cdp.detach();
}

// ---- main --------------------------------------------------------------------------

const what = process.argv[2] ?? 'all';
const SECTIONS = { load, throughput, render, profile, packets };
if (what !== 'all' && !SECTIONS[what]) {
  console.error('usage: node bench-browser.mjs [all|load|throughput|render|profile|packets]');
  process.exit(2);
}
for (const name of what === 'all' ? ['load', 'throughput', 'render'] : [what]) {
  // The load is measured on the shipped build, the rest on the build with the hooks.
  const app = await launchApp({ dist: name === 'load' ? DIST_DIR : BENCH_DIST });
  try {
    await SECTIONS[name](app);
  } finally {
    await app.close();
  }
  console.log();
}
