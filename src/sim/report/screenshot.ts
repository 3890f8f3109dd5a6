/**
 * A report rendered to PNG by a real browser (Chromium through
 * playwright-core), for the README and for anyone who wants a picture of a
 * run. playwright-core is loaded only when asked for, so the simulator does
 * not need it; without it (or without a Chromium) the error says what to install.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DomainError } from '../../domain/errors.js';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ScreenshotOptions {
  /** Chromium binary (default: SUANWANG_CHROMIUM, else /usr/bin/chromium). */
  chromiumPath?: string;
  widthPx?: number;
  /** Give up after this long, ms (default 60 s). */
  timeoutMs?: number;
}

export interface ScreenshotResult {
  /** Charts the page reported drawn. */
  chartsDrawn: number;
  /** Errors the page logged (uncaught exceptions and console errors). */
  pageErrors: string[];
}

interface PlaywrightLike {
  chromium: {
    launchPersistentContext(
      dir: string,
      o: Record<string, unknown>,
    ): Promise<{
      newPage(): Promise<PageLike>;
      close(): Promise<void>;
    }>;
  };
}
interface PageLike {
  on(ev: 'pageerror' | 'console', fn: (x: { message?: string; type?(): string; text?(): string }) => void): void;
  goto(url: string, o: Record<string, unknown>): Promise<unknown>;
  waitForSelector(sel: string, o: Record<string, unknown>): Promise<unknown>;
  getAttribute(sel: string, name: string): Promise<string | null>;
  screenshot(o: Record<string, unknown>): Promise<unknown>;
}

/** Opens the report file in headless Chromium, waits for its charts, and saves a full-page PNG. */
export async function screenshotReport(
  htmlPath: string,
  pngPath: string,
  opts: ScreenshotOptions = {},
): Promise<ScreenshotResult> {
  let pw: PlaywrightLike;
  try {
    pw = (await import('playwright-core')) as unknown as PlaywrightLike;
  } catch {
    throw new DomainError(
      'unavailable',
      'png: rendering needs the playwright-core package (npm install playwright-core)',
      'png',
    );
  }
  const executablePath = opts.chromiumPath ?? process.env.SUANWANG_CHROMIUM ?? '/usr/bin/chromium';
  const timeout = opts.timeoutMs ?? 60_000;
  const profile = await mkdtemp(join(tmpdir(), 'suanwang-chromium-'));
  const pageErrors: string[] = [];
  try {
    let ctx: Awaited<ReturnType<PlaywrightLike['chromium']['launchPersistentContext']>>;
    try {
      ctx = await pw.chromium.launchPersistentContext(profile, {
        executablePath,
        args: [...CHROMIUM_ARGS],
        headless: true,
        viewport: { width: opts.widthPx ?? 1400, height: 900 },
        deviceScaleFactor: 1,
        timeout,
      });
    } catch (e) {
      throw new DomainError(
        'unavailable',
        `png: cannot start Chromium at ${executablePath} (apt-get install chromium, or set SUANWANG_CHROMIUM): ${(e as Error).message.split('\n')[0]}`,
        'png',
      );
    }
    try {
      const page = await ctx.newPage();
      page.on('pageerror', (err) => pageErrors.push(String(err.message)));
      page.on('console', (msg) => {
        if (msg.type?.() === 'error') pageErrors.push(msg.text?.() ?? 'console error');
      });
      await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load', timeout });
      await page.waitForSelector('body[data-charts-ready]', { timeout });
      const drawn = Number((await page.getAttribute('body', 'data-charts-ready')) ?? 0);
      await page.screenshot({ path: pngPath, fullPage: true, timeout });
      return { chartsDrawn: drawn, pageErrors };
    } finally {
      await ctx.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
