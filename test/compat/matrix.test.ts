/**
 * The CI cells of the compatibility matrix (matrix.ts): runtag packed once, each cell installed into
 * a fresh project outside the repository and its suite run there, two cells at a time. A failing
 * cell fails its own test, named after the cell, with what failed and the output.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CELLS, cellName, Matrix } from './matrix.js';

let matrix: Matrix;

beforeAll(() => {
  matrix = Matrix.prepare();
});

afterAll(async () => {
  await matrix?.close();
});

describe.concurrent('runtag packed and installed, per compatibility cell', () => {
  it.each(CELLS.filter((cell) => cell.ci).map((cell) => [cellName(cell), cell] as const))('%s', async (_, cell) => {
    await matrix.runCell(cell);
  });
});
