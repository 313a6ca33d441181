/**
 * The web app in a real browser (Debian's Chromium through playwright-core): search in
 * Traditional for what the library holds in Simplified, land on the highlighted passage,
 * follow a timestamp, switch the display script, check that hostile documents execute
 * nothing, that pages work without JavaScript, and save screenshots to test-artifacts/.
 * Skipped (with a message) only when /usr/bin/chromium is missing; CI installs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { buildFixtureLibrary, type FixtureLibrary } from '../server/fixture-library.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SAMPLE = join(ROOT, 'sample');
const haveChromium = existsSync(CHROMIUM);
/** A phone held upright (an iPhone 12–15 is 390 CSS pixels wide). */
const PHONE = { width: 390, height: 844 };
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

interface Watch {
  dialogs: string[];
  errors: string[];
}

describe.skipIf(!haveChromium)('web app in Chromium', () => {
  let lib: FixtureLibrary;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    lib = await buildFixtureLibrary(existsSync(SAMPLE) ? [SAMPLE] : []);
    server = await startServer({ db: lib.db, port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    lib?.cleanup();
  });

  /** A context that never leaves the machine: YouTube answers with a stub page, the rest is blocked. */
  async function open(opts: { colorScheme?: 'light' | 'dark'; javaScriptEnabled?: boolean; phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
    const screen = opts.phone ? { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } };
    const context = await browser.newContext({ ...screen, colorScheme: opts.colorScheme ?? 'light', javaScriptEnabled: opts.javaScriptEnabled ?? true });
    await context.route(/^https?:\/\//, (route) => {
      const url = route.request().url();
      if (url.startsWith(`${server.url}/`)) return route.continue();
      if (/^https:\/\/www\.youtube\.com\/watch/.test(url)) return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>stub video</title>' });
      return route.abort();
    });
    const watch: Watch = { dialogs: [], errors: [] };
    context.on('page', (p) => {
      p.on('dialog', (d) => {
        watch.dialogs.push(d.message());
        void d.dismiss();
      });
      p.on('pageerror', (e) => watch.errors.push(e.message));
    });
    // Any CSP violation means something active got past the sanitizer (CSP was the last line).
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const page = await context.newPage();
    return { context, page, watch };
  }

  const docId = (title: string) => lib.db.prepare('SELECT id FROM documents WHERE title LIKE ?').pluck().get(`%${title}%`) as number;

  it('search typed in Traditional finds the Simplified text, opens on the highlighted passage, and follows a timestamp', async () => {
    const { context, page, watch } = await open();
    await page.goto(`${server.url}/`);
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('q');
    await page.keyboard.type('向量數據庫');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.keyboard.press('Enter')]);
    const first = page.locator('.results > li').first();
    await expect.poll(() => first.locator('.title').textContent()).toContain('向量数据库为什么突然火了');
    expect(await first.locator('.snip mark').first().textContent()).toBe('向量数据库');
    await page.screenshot({ path: join(ARTIFACTS, 'search-light.png') });

    await Promise.all([page.waitForURL(/\/documents\/\d+\?.*p=\d+.*#p\d+$/), first.locator('.title').click()]);
    const hash = new URL(page.url()).hash.slice(1);
    const target = page.locator(`#${hash}`);
    await expect.poll(() => target.getAttribute('class')).toContain('target');
    expect(await target.locator('mark').count()).toBeGreaterThan(0);
    expect(await target.isVisible()).toBe(true);
    await page.waitForTimeout(250); // let the centring scroll settle
    const box = await target.boundingBox();
    expect(box!.y).toBeGreaterThan(0);
    expect(box!.y + box!.height).toBeLessThan(900);
    await page.screenshot({ path: join(ARTIFACTS, 'document-light.png') });

    // A timestamp opens the source at that moment.
    await page.goto(`${server.url}/documents/${docId('向量检索的未来')}`);
    await Promise.all([page.waitForURL(/rendition=/), page.locator('.tabs a', { hasText: 'Transcript' }).click()]);
    await page.screenshot({ path: join(ARTIFACTS, 'transcript-light.png') });
    const stamp = page.locator('a.ts', { hasText: '0:21' });
    const [video] = await Promise.all([context.waitForEvent('page'), stamp.click()]);
    await video.waitForLoadState();
    expect(video.url()).toBe('https://www.youtube.com/watch?v=tEaTaLk0012&t=21s');
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('the 简/繁 toggle converts the page in place and is remembered', async () => {
    const { context, page, watch } = await open();
    await page.goto(`${server.url}/documents/${docId('向量检索的未来')}`);
    const h1 = page.locator('main h1');
    expect(await h1.textContent()).toBe('向量检索的未来 & 本地知识库');
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    await page.locator('a[data-pref="script"][data-value="hant"]').click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('向量檢索的未來 & 本地知識庫');
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42); // no reload
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
    await page.screenshot({ path: join(ARTIFACTS, 'document-traditional.png') });
    await page.reload();
    expect(await page.locator('main h1').textContent()).toBe('向量檢索的未來 & 本地知識庫');
    await page.locator('a[data-pref="script"][data-value="original"]').click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('向量检索的未来 & 本地知识库');
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('hostile documents execute nothing', async () => {
    const { context, page, watch } = await open();
    const paths: string[] = [`search?q=${encodeURIComponent('注入')}`, `search?q=${encodeURIComponent('渲染')}`];
    for (const title of ['一段不该执行的文稿', '渲染安全笔记', '向量检索的未来']) {
      const id = docId(title);
      for (const rid of lib.db.prepare('SELECT id FROM renditions WHERE document_id = ?').pluck().all(id) as number[]) {
        paths.push(`documents/${id}?rendition=${rid}`, `documents/${id}?rendition=${rid}&view=original`);
      }
    }
    for (const path of paths) {
      await page.goto(`${server.url}/${path}`);
      await page.waitForTimeout(60);
      // Open every <details> so a toggle handler would get its chance.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
      for (const a of await page.locator('.prose a').all()) await a.hover();
      await page.waitForTimeout(60);
      const state = await page.evaluate(() => ({ xss: (window as unknown as { __xss?: string }).__xss, csp: (window as unknown as { __csp?: string[] }).__csp ?? [] }));
      expect(state.xss, path).toBeUndefined();
      expect(state.csp, path).toEqual([]);
      expect(await page.locator('main script, main iframe, main svg, main object, main embed, main form:not(.searchbox), main style').count(), path).toBe(0);
      expect(await page.locator('main [href^="javascript" i], main [href^="data" i], main [src^="javascript" i]').count(), path).toBe(0);
    }
    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('works without JavaScript: search, land on the passage, switch script', async () => {
    const { context, page } = await open({ javaScriptEnabled: false });
    await page.goto(`${server.url}/search?q=${encodeURIComponent('向量數據庫')}`);
    await Promise.all([page.waitForURL(/#p\d+$/), page.locator('.results > li .title').first().click()]);
    const hash = new URL(page.url()).hash;
    expect(await page.locator(`${hash}.target`).count()).toBe(1);
    await Promise.all([page.waitForURL(/\/documents\//), page.locator('a[data-pref="script"][data-value="hant"]').click()]);
    expect(await page.locator('main h1').textContent()).toBe('向量數據庫為什麼突然火了');
    await context.close();
  });

  it('screenshots of home, search and document, light and dark; the theme toggle switches', async () => {
    const q = existsSync(SAMPLE) ? '稀疏注意力機制' : '向量數據庫';
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page, watch } = await open({ colorScheme: scheme });
      await page.goto(`${server.url}/`);
      await page.screenshot({ path: join(ARTIFACTS, `home-${scheme}.png`) });
      if (scheme === 'dark') {
        await page.goto(`${server.url}/search?q=${encodeURIComponent(q)}`);
        await page.screenshot({ path: join(ARTIFACTS, 'search-dark.png') });
        await page.locator('.results > li .title').first().click();
        await page.waitForTimeout(250);
        await page.screenshot({ path: join(ARTIFACTS, 'document-dark.png') });
        // auto → light → dark: the attribute flips without a reload.
        const theme = page.locator('a[data-pref="theme"]');
        await theme.click();
        expect(await page.getAttribute('html', 'data-theme')).toBe('light');
        await theme.click();
        expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 22, 25)');
      }
      expect(watch.errors).toEqual([]);
      await context.close();
    }
  });

  it('on a phone, search results come first and the facets fold behind a control', async () => {
    const { context, page, watch } = await open({ phone: true });
    await page.goto(`${server.url}/`);
    await page.screenshot({ path: join(ARTIFACTS, 'home-phone.png') });
    await page.goto(`${server.url}/search?q=${encodeURIComponent('检索')}`);
    const first = page.locator('.results > li').first();
    const box = await first.boundingBox();
    expect(box!.y).toBeLessThan(PHONE.height * 0.6);
    expect(await page.locator('.facets.wide').isVisible()).toBe(false);
    const refine = page.locator('details.facets.folded');
    expect(await refine.locator('summary').isVisible()).toBe(true);
    expect(await refine.locator('a').first().isVisible()).toBe(false);
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, 'search-phone.png') });
    await refine.locator('summary').click();
    expect(await refine.locator('a').first().isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'search-phone-refine.png') });
    await Promise.all([page.waitForURL(/source=/), refine.locator('a').first().click()]);
    expect(await page.locator('.chips .chip').count()).toBeGreaterThan(0);
    await page.locator('.results > li .title').first().click();
    await page.waitForTimeout(250);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, 'document-phone.png') });
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('on a wide screen the facets stand beside the results, unfolded', async () => {
    const { context, page } = await open();
    await page.goto(`${server.url}/search?q=${encodeURIComponent('检索')}`);
    expect(await page.locator('.facets.wide a').first().isVisible()).toBe(true);
    expect(await page.locator('details.facets.folded').isVisible()).toBe(false);
    const facets = await page.locator('.facets.wide').boundingBox();
    const results = await page.locator('.results').boundingBox();
    expect(facets!.x + facets!.width).toBeLessThan(results!.x);
    await context.close();
  });
});
