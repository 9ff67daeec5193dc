import { describe, expect, it } from 'vitest';
import { collectingFile, fullNameOf } from '../../src/vitest/vitest-versions.js';

const file = collectingFile();

describe('a test full name, as Vitest 3.2 lacks it', () => {
  it('is the name Vitest 4 gives, built from the suite chain when the task has none', ({ task }) => {
    const own = task.fullName;
    expect(own).toBe(
      'test/unit/vitest-versions.test.ts > a test full name, as Vitest 3.2 lacks it > is the name Vitest 4 gives, built from the suite chain when the task has none',
    );
    expect(fullNameOf(task)).toBe(own);
    // Vitest 3.2's tasks: no fullName on the test or on its suites.
    const strip = <T extends object>(t: T): T => ({ ...t, fullName: undefined });
    const bare = { ...strip(task), suite: task.suite && { ...strip(task.suite), suite: task.suite.suite && strip(task.suite.suite) } };
    expect(fullNameOf(bare as never)).toBe(own);
  });
});

describe('the file being collected', () => {
  it("is the test file's task, read at its top level", ({ task }) => {
    expect(file?.filepath).toBe(task.file.filepath);
  });
});
