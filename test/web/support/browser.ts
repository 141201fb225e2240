import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
const BUILT_INDEX = join(ROOT, 'dist', 'web', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The API serves dist/web; build it when it is missing or older than the sources, so a test
 * never drives yesterday's console. `npm run build` does the same for `npm start`.
 */
export function ensureWebBuild(): void {
  const sources = Math.max(
    newestMtime(join(ROOT, 'web', 'src')),
    newestMtime(join(ROOT, 'web', 'build')),
  );
  if (existsSync(BUILT_INDEX) && statSync(BUILT_INDEX).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/build/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

/** Debian's chromium (CHROMIUM_PATH overrides); no browser download. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

export const VIEWPORT = { width: 1280, height: 800 };

export async function newPage(
  browser: Browser,
  language: 'en' | 'ru' = 'en',
  /** The computer's own zone (IANA), when a test needs it to differ from the server's. */
  timezoneId?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale: language === 'ru' ? 'ru-RU' : 'en-US',
    ...(timezoneId === undefined ? {} : { timezoneId }),
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  return { context, page };
}

export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  path = '/',
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel(/Username|Имя пользователя/).fill(username);
  await page.getByLabel(/Password|Пароль/).fill(password);
  await page.getByRole('button', { name: /Sign in|Войти/ }).click();
  await page.getByRole('navigation').waitFor();
}

/** Keys the page asked i18next for that a catalogue lacks (see web/src/i18n/index.ts). */
export function missingKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () => (globalThis as { __switchboardMissingKeys?: string[] }).__switchboardMissingKeys ?? [],
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', `${name}.png`) });
}
