/**
 * How runtag's benchmarks measure: every comparison runs in the same round, the variants alternate
 * which goes first, one discarded warm-up round, and we report the median and min over rounds and
 * the ratio naive/ours of medians. Machines are noisy; ratios of medians in one run are not.
 */
import { performance } from 'node:perf_hooks';

/** One measured run: `work` is timed; `cleanup` (untimed) undoes it so every round starts alike. */
export interface Trial {
  work(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface Variant {
  label: string;
  /** Set up (untimed) a fresh trial. */
  trial(): Promise<Trial> | Trial;
}

export interface Comparison {
  /** Key in the JSON summary, e.g. `createList`. */
  key: string;
  name: string;
  /** Rows (or scenarios) per trial, for the per-item column; omitted for fixed-cost work. */
  n?: number;
  ours: Variant;
  naive?: Variant;
  /** Another reference, when the target compares with it rather than with the naive way (e.g. a raw insert). */
  raw?: Variant;
}

export interface Stats {
  label: string;
  samplesMs: number[];
  medianMs: number;
  minMs: number;
}

export interface Result {
  key: string;
  name: string;
  n: number | null;
  ours: Stats;
  naive: Stats | null;
  raw: Stats | null;
}

export async function timeTrial(variant: Variant): Promise<number> {
  const trial = await variant.trial();
  try {
    const start = performance.now();
    await trial.work();
    return performance.now() - start;
  } finally {
    await trial.cleanup();
  }
}

function variantsOf(comparison: Comparison): Variant[] {
  return [comparison.ours, comparison.naive, comparison.raw].filter((v): v is Variant => v !== undefined);
}

export async function runRounds(comparisons: readonly Comparison[], rounds: number, log: (line: string) => void): Promise<Result[]> {
  let started = performance.now();
  for (const comparison of comparisons) for (const variant of variantsOf(comparison)) await timeTrial(variant);
  log(`  warm-up done in ${seconds(started)} s`);
  const samples = new Map<Variant, number[]>();
  for (let round = 1; round <= rounds; round++) {
    started = performance.now();
    for (const comparison of comparisons) {
      const order = variantsOf(comparison);
      if (round % 2 === 0) order.reverse();
      for (const variant of order) samples.set(variant, [...(samples.get(variant) ?? []), await timeTrial(variant)]);
    }
    log(`  round ${round}/${rounds} done in ${seconds(started)} s`);
  }
  return comparisons.map((c) => ({
    key: c.key,
    name: c.name,
    n: c.n ?? null,
    ours: stats(c.ours, samples.get(c.ours) ?? []),
    naive: c.naive ? stats(c.naive, samples.get(c.naive) ?? []) : null,
    raw: c.raw ? stats(c.raw, samples.get(c.raw) ?? []) : null,
  }));
}

export function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function stats(label: string | Variant, values: readonly number[]): Stats {
  return {
    label: typeof label === 'string' ? label : label.label,
    samplesMs: values.map(round2),
    medianMs: round2(median(values)),
    minMs: round2(Math.min(...values)),
  };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
