import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * A distribution Chromium (Debian's `chromium` package) rather than Playwright's download.
 * Running as root needs --no-sandbox; the rest stop background calls home that fail offline.
 */
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-gpu',
  ],
};

/** Videos are encoded by Playwright's own ffmpeg build; without it every new page would fail, so record only when it is installed. */
function playwrightFfmpegInstalled(): boolean {
  const require = createRequire(import.meta.url);
  const browsers = JSON.parse(readFileSync(join(dirname(require.resolve('playwright-core/package.json')), 'browsers.json'), 'utf8')) as {
    browsers: { name: string; revision: string }[];
  };
  const revision = browsers.browsers.find((b) => b.name === 'ffmpeg')?.revision;
  const cache =
    process.env.PLAYWRIGHT_BROWSERS_PATH ??
    (process.platform === 'darwin'
      ? join(os.homedir(), 'Library', 'Caches', 'ms-playwright')
      : process.platform === 'win32'
        ? join(process.env.LOCALAPPDATA ?? os.homedir(), 'ms-playwright')
        : join(process.env.XDG_CACHE_HOME ?? join(os.homedir(), '.cache'), 'ms-playwright'));
  const binary = { darwin: 'ffmpeg-mac', win32: 'ffmpeg-win64.exe' }[process.platform as string] ?? 'ffmpeg-linux';
  return revision !== undefined && existsSync(join(cache, `ffmpeg-${revision}`, binary));
}

export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: true,
  // At least two, so the claims about parallel workers are exercised even on a one-core machine.
  workers: Math.max(2, Math.min(4, os.cpus().length)),
  retries: process.env.CI ? 2 : 0,
  forbidOnly: !!process.env.CI,
  globalSetup: './src/playwright/global-setup.ts',
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    video: playwrightFfmpegInstalled() ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
