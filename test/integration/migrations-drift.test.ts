import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';

it('migrations/ is exactly what drizzle-kit generates from schema/ (no drift)', () => {
  const work = testTempDir('runtag-drift-');
  cpSync('migrations', join(work, 'migrations'), { recursive: true });
  writeFileSync(
    join(work, 'drizzle.config.json'),
    // drizzle-kit reads both paths relative to the working directory.
    JSON.stringify({ dialect: 'postgresql', schema: './schema/index.ts', out: relative(process.cwd(), join(work, 'migrations')) }),
  );
  const before = readdirSync(join(work, 'migrations')).sort();
  const output = execFileSync('npx', ['drizzle-kit', 'generate', '--config', join(work, 'drizzle.config.json')], { encoding: 'utf8' });
  expect(readdirSync(join(work, 'migrations')).sort(), `drizzle-kit generated a new migration; run \`npm run generate\` and commit it:\n${output}`).toEqual(
    before,
  );
  expect(output).toContain('No schema changes');
}, 60_000);
