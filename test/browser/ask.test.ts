/**
 * The ask box in a real browser (Debian's Chromium through playwright-core), against a fake
 * chat model that streams slowly: the answer appears piece by piece, a citation opens the
 * passage, CSP holds, and without JavaScript the server answers the form. Screenshots go to
 * test-artifacts/. Skipped (with a message) only when /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { buildFixtureLibrary, type FixtureLibrary } from '../server/fixture-library.js';
import { startFakeChat, userText } from '../support/fake-chat.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!haveChromium)('ask box in Chromium', () => {
  let lib: FixtureLibrary;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const chat = await startFakeChat();
    chat.script((req) => {
      const n = /\[(\d+)\] [^\n]*\n[^\n]*向量/.exec(userText(req))?.[1] ?? '1';
      return { stream: ['向量数据库之所以火，', `是因为团队把文档切成小段，用嵌入模型变成向量[${n}]。`, '然后放进', `向量数据库里做相似度检索[${n}]。`, ...Array(8).fill('')], delayMs: 250 };
    });
    lib = await buildFixtureLibrary();
    // The server takes the chat model from the environment, as `engram serve` does.
    process.env.ENGRAM_LLM_URL = chat.url;
    process.env.ENGRAM_LLM_MODEL = 'fake-model';
    server = await startServer({ db: lib.db, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    delete process.env.ENGRAM_LLM_URL;
    delete process.env.ENGRAM_LLM_MODEL;
    await browser?.close();
    await server?.close();
    lib?.cleanup();
  });

  it('streams the answer, then a citation opens the passage', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${server.url}/ask`);
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    await page.locator('textarea[name="q"]').fill('向量数据库为什么突然火了？');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ask\?q=/);
    // Streaming: the first sentence is on the page while the rest is still on its way.
    await expect.poll(() => page.locator('[data-answer]').textContent(), { timeout: 5000 }).toContain('用嵌入模型变成向量');
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42); // no page load
    expect(await page.locator('[data-ask-result]').getAttribute('aria-busy')).toBe('true');
    await expect.poll(() => page.locator('.ask-mode').count(), { timeout: 5000 }).toBe(1);
    expect(await page.locator('[data-answer]').textContent()).toBe('向量数据库之所以火，是因为团队把文档切成小段，用嵌入模型变成向量1。然后放进向量数据库里做相似度检索1。');
    expect(await page.locator('.citations li').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'ask-streamed.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/documents\/\d+\?rendition=\d+&p=\d+#p\d+$/), page.locator('a.cite').first().click()]);
    const target = page.locator(`#${new URL(page.url()).hash.slice(1)}`);
    await expect.poll(() => target.getAttribute('class')).toContain('target');
    expect(await target.textContent()).toContain('向量数据库');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works without JavaScript: the server answers the form', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/ask`);
    await page.locator('textarea[name="q"]').fill('向量数据库为什么突然火了？');
    await Promise.all([page.waitForURL(/\/ask\?q=/), page.locator('.askbar button').click()]);
    expect(await page.locator('[data-answer]').textContent()).toContain('相似度检索');
    expect(await page.locator('.citations a.title').first().getAttribute('href')).toMatch(/^\/passages\/\d+$/);
    await context.close();
  });
});
