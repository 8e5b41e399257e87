import { ActionError } from "./errors.js";
import { loadHead, requireCakewalk, type Job } from "./job.js";
import { classifyAgainstLive, readLive, unmanaged } from "./live.js";

/**
 * Drift: the whole manifest against the live accesses of the work apps it
 * names. Writes nothing; fails the step when they differ.
 */
export async function drift(job: Job): Promise<void> {
  const { report, log } = job;
  report.mode = "drift";
  report.scope = "full";
  const cakewalk = requireCakewalk(job, "drift reads live accesses");
  if (job.github) {
    report.appliedSha = await job.github.readRef(job.settings.stateRef);
  }
  const { resolution } = await loadHead(job);
  const wanted = resolution.accesses;
  const apps = new Map(wanted.map((a) => [a.app.id!, a.app.display]));
  log.info(`Reading live accesses of ${apps.size} work app(s)`);
  const live = await readLive(cakewalk, apps.keys());
  report.entries = [
    ...classifyAgainstLive(wanted, live),
    ...unmanaged(wanted, live, apps),
  ];
  const differences = report.entries.filter((e) => e.status !== "in-place");
  if (differences.length > 0) {
    const extra = differences.filter((e) => e.status === "unmanaged").length;
    const missing = differences.length - extra;
    throw new ActionError(
      "drift",
      `Cakewalk differs from the manifest in ${differences.length} ` +
        "access(es); the job summary lists them." +
        (missing > 0
          ? ` ${missing} missing or at another level: grant them with a ` +
            "manual run (workflow_dispatch) with scope: full."
          : "") +
        (extra > 0
          ? ` ${extra} only in Cakewalk: add them to the manifest, or ` +
            "revoke them in Cakewalk (the action never revokes)."
          : ""),
    );
  }
  log.info("No drift: Cakewalk matches the manifest for its work apps");
}
