/** Median, min and max of several runs, with the runs themselves (the spread a reader checks). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Rounds for display and JSON: enough digits for ratios, none of the noise. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The value at quantile `q` (0–1) of the values, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('Expected at least one value to take a quantile of, found none.');
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

/** Median, min and max of the runs. */
export function spread(runs: readonly number[], digits = 2): Spread {
  const rounded = runs.map((run) => round(run, digits));
  return {
    median: round(quantile(runs, 0.5), digits),
    min: round(Math.min(...runs), digits),
    max: round(Math.max(...runs), digits),
    runs: rounded,
  };
}

/** "12.3 (11.9–13.0)": the median with the range of the runs. */
export function formatSpread(value: Spread, unit = ''): string {
  return `${value.median}${unit} (${value.min}–${value.max})`;
}
