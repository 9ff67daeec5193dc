import { describe, expect, it } from 'vitest';
import { chooseChromium } from '../e2e/chromium.js';

/** Which browser the repository's Playwright config launches, on machines with and without a system Chromium. */
describe('the browser for the e2e tests', () => {
  const onDisk =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);
  const own = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';

  it('CHROMIUM_PATH first, and a wrong one is said to be wrong', () => {
    expect(chooseChromium({ env: { CHROMIUM_PATH: '/opt/c/chrome' }, exists: onDisk('/opt/c/chrome', '/usr/bin/chromium') })).toEqual({
      executablePath: '/opt/c/chrome',
      source: 'CHROMIUM_PATH',
    });
    expect(() => chooseChromium({ env: { CHROMIUM_PATH: '/opt/none' }, exists: onDisk('/usr/bin/chromium') })).toThrow(
      /^CHROMIUM_PATH is \/opt\/none, which does not exist/,
    );
  });

  it("a system Chromium, else Playwright's own browser", () => {
    expect(chooseChromium({ env: {}, platform: 'linux', playwrightPath: own, exists: onDisk('/usr/bin/chromium-browser', own) })).toEqual({
      executablePath: '/usr/bin/chromium-browser',
      source: 'system',
    });
    // A Mac, or a Linux without the distribution's Chromium: Playwright launches its own download.
    expect(chooseChromium({ env: {}, platform: 'darwin', playwrightPath: own, exists: onDisk(own) })).toEqual({
      executablePath: undefined,
      source: 'playwright',
    });
  });

  it('none at all: one line saying how to get one on this OS', () => {
    expect(() => chooseChromium({ env: {}, platform: 'linux', playwrightPath: own, exists: onDisk() })).toThrow(
      'No Chromium for the browser tests: run `npx playwright install chromium` (or, on Debian/Ubuntu, `apt-get install chromium`), or set CHROMIUM_PATH to a Chromium binary.',
    );
    expect(() => chooseChromium({ env: {}, platform: 'darwin', playwrightPath: own, exists: onDisk() })).toThrow(/brew install --cask chromium/);
  });
});
