import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); never a browser downloaded by a test tool. */
export const CHROMIUM = process.env.FILET_CHROMIUM || '/usr/bin/chromium';

/**
 * Headless Chromium as the machine runs it: no sandbox (root in CI), no GPU, and nothing that
 * calls home (the network is closed: background requests would only be refused).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium introuvable / not found at ${CHROMIUM}: sudo apt-get install chromium (or set FILET_CHROMIUM)`,
    );
  }
  // Playwright gives each launch a new, empty profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser session (cookies, storage) whose browser speaks this language. */
export async function newContext(
  browser: Browser,
  locale: 'fr-CA' | 'en-CA',
): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  // A missing element fails its step with a message well before the test's own timeout.
  context.setDefaultTimeout(10_000);
  return context;
}

/** The axe-core release the checks run with. */
export const AXE_VERSION = (
  JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/**
 * axe-core's WCAG 2.x A/AA checks on the page as it stands. axe is evaluated through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern, so the page keeps its policy.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
}
