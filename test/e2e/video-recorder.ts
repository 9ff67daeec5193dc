import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Playwright encodes videos with its own ffmpeg build, which `playwright install` downloads; where
 * that cannot happen (offline CI), a system ffmpeg (Debian's `ffmpeg` package) does the same job.
 * Playwright only looks for ffmpeg under its browsers directory, so link the system one into a
 * project-local directory and point PLAYWRIGHT_BROWSERS_PATH there (workers inherit it).
 * Returns whether videos can be recorded.
 */
export function prepareVideoRecording(): boolean {
  const revision = ffmpegRevision();
  const binary = { darwin: 'ffmpeg-mac', win32: 'ffmpeg-win64.exe' }[process.platform as string] ?? 'ffmpeg-linux';
  const installed = (browsersPath: string) => existsSync(join(browsersPath, `ffmpeg-${revision}`, binary));
  if (revision === undefined) return false;
  if (installed(process.env.PLAYWRIGHT_BROWSERS_PATH ?? defaultBrowsersPath())) return true;

  const system = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
  if (process.env.PLAYWRIGHT_BROWSERS_PATH || !existsSync(system)) return false;
  const local = resolve('node_modules/.cache/runtag-playwright');
  if (!installed(local)) {
    mkdirSync(join(local, `ffmpeg-${revision}`), { recursive: true });
    symlinkSync(system, join(local, `ffmpeg-${revision}`, binary));
  }
  process.env.PLAYWRIGHT_BROWSERS_PATH = local;
  return true;
}

function ffmpegRevision(): string | undefined {
  const require = createRequire(import.meta.url);
  const browsers = JSON.parse(readFileSync(join(dirname(require.resolve('playwright-core/package.json')), 'browsers.json'), 'utf8')) as {
    browsers: { name: string; revision: string }[];
  };
  return browsers.browsers.find((b) => b.name === 'ffmpeg')?.revision;
}

function defaultBrowsersPath(): string {
  if (process.platform === 'darwin') return join(os.homedir(), 'Library', 'Caches', 'ms-playwright');
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? os.homedir(), 'ms-playwright');
  return join(process.env.XDG_CACHE_HOME ?? join(os.homedir(), '.cache'), 'ms-playwright');
}
