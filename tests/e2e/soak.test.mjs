// The short soak (issue 17 item 3): the seeded monkey of soak.mjs for 300 actions with
// a fixed seed, checked every 100 (no error or panic, no crash notice, the run
// reproduced by zab-sim natively, the clock moving on Play). `make soak` runs the
// long one (100 000 actions by default); its figures are in BENCHMARKS.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soak } from './soak.mjs';

test('a seeded monkey of 300 actions leaves the page answering and reproducible', { timeout: 10 * 60_000 }, async () => {
  const f = await soak({ seed: 20261202, actions: 300, batch: 100 });
  assert.equal(f.actions, 300);
  assert.equal(f.batches, 3);
  // The walk did reach the native comparison, the file import and the links.
  assert.ok(f.nativeChecks >= 1, `compared with zab-sim ${f.nativeChecks} times`);
  assert.ok(f.imports >= 1 && f.links >= 1, `${f.imports} imports, ${f.links} links`);
});
