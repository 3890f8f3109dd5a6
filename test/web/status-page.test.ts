/**
 * The status page at `/` in a real browser (Debian's Chromium through
 * playwright-core): it asks for an API key, then shows the national counts,
 * the hubs and the latest tasks read from the live platform's API.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { chromium } from 'playwright-core';
import { createApiKey } from '../../src/auth/key-store.js';
import { startPlatform } from '../../src/runtime/serve.js';
import { CHROMIUM_ARGS } from '../../src/sim/report/screenshot.js';
import { seedNationalTopology } from '../../src/store/index.js';
import { freshStore, scratchDir } from '../helpers/stores.js';

it('shows counts, hubs and tasks once a key is entered', async (t) => {
  const exe = process.env.SUANWANG_TEST_CHROMIUM;
  if (!exe) {
    if (process.env.CI) throw new Error('CI is set but SUANWANG_TEST_CHROMIUM is not');
    return t.skip('SUANWANG_TEST_CHROMIUM is not set');
  }
  const store = await freshStore('pglite');
  await seedNationalTopology(store, { atS: Date.now() / 1000 });
  const server = await startPlatform({ store, dataDir: scratchDir('status-page'), port: 0, seed: false });
  const { key } = await createApiKey(store, { name: 'browser test', role: 'operator' });
  const submitted = await fetch(`${server.url}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      tenantId: 'lab-web',
      kind: 'rendering',
      resources: { cpuCores: 1 },
      durationS: 60,
      originCity: 'guangzhou',
      command: 'true',
    }),
  });
  assert.equal(submitted.status, 201);
  const taskId = ((await submitted.json()) as { id: string }).id;
  const context = await chromium.launchPersistentContext(scratchDir('chromium-profile'), {
    executablePath: exe,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    // without a key the API answers 401 and the page asks for one
    await page.locator('#auth').waitFor({ state: 'visible', timeout: 10_000 });
    await page.fill('#key', key);
    await page.click('#auth button');
    await page.locator('#hubs tr').nth(7).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#hubs tr').count(), 8, 'the 8 national hubs');
    const cards = await page.locator('#cards').innerText();
    assert.match(cards, /Hubs\s*8/);
    assert.match(cards, /Sites\s*45/);
    await page.locator(`#tasks a:has-text("${taskId}")`).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#error').innerText(), '');
  } finally {
    await context.close();
    await server.close();
    await store.close();
  }
});
