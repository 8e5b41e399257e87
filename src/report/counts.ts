// The `granted`, `failed`, `skipped` and `removed` outputs (SPEC §7), and the
// per-status tallies the comments and the summary show.
import type { EntryStatus, Report } from "../model.js";

export interface Outcomes {
  granted: number;
  failed: number;
  skipped: number;
  removed: number;
}

export type StatusCounts = Record<EntryStatus, number>;

export function countStatuses(report: Report): StatusCounts {
  const counts: StatusCounts = {
    grant: 0,
    "level-change": 0,
    removal: 0,
    "in-place": 0,
    unmanaged: 0,
    granted: 0,
    "level-changed": 0,
    failed: 0,
    "not-posted": 0,
  };
  for (const entry of report.entries) counts[entry.status] += 1;
  return counts;
}

/** Whether the report says what an apply would do, not what it did. */
export function isProspective(report: Report): boolean {
  return report.mode !== "apply" || report.dryRun;
}

/**
 * In plan, drift and dry runs: what an apply would do, so `failed` is 0.
 * In apply: what happened.
 *
 * An apply's `not-posted` entries (the run stopped before posting them) are
 * counted in `failed`. The outputs have no count of their own for them, and
 * they are accesses the manifest asks for that Cakewalk still lacks after the
 * run: a workflow that alerts on `failed` must see them. Counting them this
 * way also keeps `granted + failed + skipped` equal to the accesses the run
 * set out to apply. The comments and the summary list them apart.
 */
export function countOutcomes(report: Report): Outcomes {
  const counts = countStatuses(report);
  const removed = counts.removal;
  const skipped = counts["in-place"];
  if (isProspective(report)) {
    const granted = counts.grant + counts["level-change"];
    return { granted, failed: 0, skipped, removed };
  }
  return {
    granted: counts.granted + counts["level-changed"],
    failed: counts.failed + counts["not-posted"],
    skipped,
    removed,
  };
}
