import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Which Chromium this repository's Playwright tests launch: `CHROMIUM_PATH` if set; else a
 * Chromium of the system's (Debian's `chromium` package, where Playwright's download cannot reach
 * its servers); else Playwright's own (`npx playwright install chromium`), as on most machines.
 * None at all: one line saying how to get one, instead of Playwright's "executable doesn't exist".
 */
export interface ChromiumChoice {
  /** Undefined: Playwright's own browser. */
  executablePath: string | undefined;
  source: 'CHROMIUM_PATH' | 'system' | 'playwright';
}

export const SYSTEM_CHROMIUMS: Record<string, readonly string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome'],
  darwin: ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'],
};

export function chooseChromium(
  options: {
    env?: NodeJS.ProcessEnv;
    platform?: NodeJS.Platform;
    systemPaths?: readonly string[];
    playwrightPath?: string;
    exists?: (path: string) => boolean;
  } = {},
): ChromiumChoice {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? existsSync;
  if (env.CHROMIUM_PATH) {
    if (!exists(env.CHROMIUM_PATH))
      throw new Error(
        `CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which does not exist: point it at a Chromium binary, or unset it to use the system's or Playwright's own.`,
      );
    return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  const system = (options.systemPaths ?? SYSTEM_CHROMIUMS[platform] ?? []).find((path) => exists(path));
  if (system) return { executablePath: system, source: 'system' };
  const ownPath = options.playwrightPath ?? chromium.executablePath();
  if (exists(ownPath)) return { executablePath: undefined, source: 'playwright' };
  const install =
    platform === 'linux'
      ? '`npx playwright install chromium` (or, on Debian/Ubuntu, `apt-get install chromium`)'
      : platform === 'darwin'
        ? '`npx playwright install chromium` (or `brew install --cask chromium`)'
        : '`npx playwright install chromium`';
  throw new Error(`No Chromium for the browser tests: run ${install}, or set CHROMIUM_PATH to a Chromium binary.`);
}
