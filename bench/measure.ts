// Timing and memory of one benchmark case, inside the process that runs it.
// Each case runs in a fresh Node process (see run.ts), so the process's peak
// resident set size (maxRSS) is the case's own, not left over from another.
import { memoryUsage, resourceUsage } from "node:process";
import { setFlagsFromString } from "node:v8";

export interface MeasureOptions {
  /** Runs before timing starts, to let the JIT compile the hot paths. */
  warmups: number;
  runs: number;
}

export interface Measurement {
  runs: number;
  /** Every timed run, in the order they ran. */
  timesMs: number[];
  medianMs: number;
  /**
   * How far the process's peak resident set size is above the resident set
   * size before the first run (warm-ups included), in MiB.
   */
  peakRssMb: number;
  /**
   * True when no run raised the process's peak (start-up had a higher
   * one): then `peakRssMb` is only an upper bound.
   */
  peakBelowStartup: boolean;
  /**
   * The largest rise of the JavaScript heap seen at the end of a run, in
   * MiB: a lower bound, as the collector may have run during the run.
   */
  heapMb: number;
  /** The heap after collecting garbage, before the first timed run. */
  heapBaseBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Runs `work` `warmups + runs` times, collecting garbage between runs so
 * that one run's garbage does not count against the next. Returns what the
 * last run returned, for the caller's checks.
 */
export async function measure<T>(
  work: () => T | Promise<T>,
  options: MeasureOptions,
): Promise<{ measurement: Measurement; last: T }> {
  const collect = garbageCollector();
  collect();
  const rssBefore = memoryUsage().rss;
  const maxRssBefore = maxRssBytes();
  for (let run = 0; run < options.warmups; run++) {
    await work();
    collect();
  }
  const timesMs: number[] = [];
  let heapMb = 0;
  let last: T | undefined;
  collect();
  const heapBaseBytes = memoryUsage().heapUsed;
  // V8 prints the heap's size before each collection while this flag is on:
  // between collections the heap only grows, so the largest of those sizes
  // is the heap's peak. run.ts reads them (see `peakHeapFromTrace`).
  setFlagsFromString("--trace-gc-nvp");
  for (let run = 0; run < options.runs; run++) {
    collect();
    const heapBefore = memoryUsage().heapUsed;
    const started = performance.now();
    last = await work();
    timesMs.push(performance.now() - started);
    // A lower bound on the heap's peak: the collector may have freed some of
    // the run's garbage while it ran.
    heapMb = Math.max(heapMb, (memoryUsage().heapUsed - heapBefore) / MIB);
  }
  // This collection reports the heap as the last run left it.
  collect();
  setFlagsFromString("--no-trace-gc-nvp");
  const maxRssAfter = maxRssBytes();
  return {
    measurement: {
      runs: options.runs,
      timesMs,
      medianMs: median(timesMs),
      peakRssMb: Math.max(0, maxRssAfter - rssBefore) / MIB,
      peakBelowStartup: maxRssAfter === maxRssBefore,
      heapMb,
      heapBaseBytes,
    },
    last: last as T,
  };
}

/**
 * The heap's peak rise over `baseBytes` in MiB, from the lines V8 prints
 * with --trace-gc-nvp; undefined when there are none (no collection ran).
 */
export function peakHeapFromTrace(
  output: string,
  baseBytes: number,
): number | undefined {
  const sizes = [...output.matchAll(/total_size_before=(\d+)/g)].map((match) =>
    Number(match[1]),
  );
  if (sizes.length === 0) return undefined;
  return Math.max(0, Math.max(...sizes) - baseBytes) / MIB;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The process's peak resident set size so far, in bytes. */
function maxRssBytes(): number {
  // Node reports maxRSS in kibibytes.
  return resourceUsage().maxRSS * 1024;
}

function garbageCollector(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error(
      "The benchmark cases need --expose-gc; run them through " +
        "`npm run bench`, which passes it.",
    );
  }
  return gc;
}
