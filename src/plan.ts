import { diffAccesses } from "./diff.js";
import { isReviewEvent, reviewBaseSha } from "./event.js";
import { loadBase, loadHead, type Job } from "./job.js";
import { classifyAgainstLive, readLive } from "./live.js";
import { manifestDiffers } from "./load.js";
import { noResolution } from "./resolve.js";
import type { Change, ReportEntry } from "./model.js";

/**
 * Plan: what the commit would grant, change or drop compared with its
 * base. Never writes to Cakewalk; works without credentials, checking then
 * only the manifest's shape and aliases.
 */
export async function plan(job: Job): Promise<void> {
  const { report, log, context } = job;
  report.mode = "plan";
  if (context.eventName === "pull_request_target") {
    // GITHUB_SHA is the base branch's tip here; the pull request's test
    // merge is read as data from its ref, never checked out or run.
    const number = context.payload.pull_request?.number;
    report.headSha = await job.git.resolveCommit(`refs/pull/${number}/merge`);
  }
  const baseSha = await planBase(job);
  report.baseSha = baseSha;
  log.info(
    `Planning ${report.headSha.slice(0, 12)} against ` +
      (baseSha ? baseSha.slice(0, 12) : "an empty manifest"),
  );

  // Decided first: a broken manifest still gets its plan comment.
  job.manifestTouched = baseSha
    ? await manifestDiffers(
        job.git,
        job.settings.manifest,
        baseSha,
        report.headSha,
      )
    : true;
  const head = await loadHead(job, baseSha);
  const base = baseSha ? await loadBase(job, baseSha, false) : noResolution();
  const changeSet = diffAccesses(base.accesses, head.resolution.accesses);
  report.planHash = changeSet.hash;

  if (job.settings.scope === "full" && !job.cakewalk) {
    report.notes.push(
      "`scope: full` compares with live Cakewalk, which needs credentials; " +
        "this plan shows the change against the base commit instead.",
    );
  }
  report.entries = await planEntries(job, changeSet.changes);
  const count = (status: string) =>
    report.entries.filter((e) => e.status === status).length;
  log.info(
    `Plan: ${count("grant")} grant(s), ${count("level-change")} level ` +
      `change(s), ${count("removal")} removal(s) (not revoked)` +
      (job.cakewalk
        ? `, ${count("in-place")} already in place in Cakewalk`
        : "; references not checked against Cakewalk (no credentials)"),
  );
}

/** Which commit this plan compares against, or undefined for "nothing". */
async function planBase(job: Job): Promise<string | undefined> {
  const { context, settings } = job;
  if (isReviewEvent(context.eventName)) return reviewBaseSha(context);
  if (settings.base && context.eventName === "workflow_dispatch") {
    return job.git.resolveCommit(settings.base);
  }
  if (settings.base) {
    job.log.warning(
      `Input "base" is "${settings.base}", but it is used only on ` +
        "workflow_dispatch runs; this plan compares with the applied commit.",
    );
  }
  if (!job.github) return undefined;
  const applied = await job.github.readRef(settings.stateRef);
  if (!applied) {
    job.report.notes.push(
      `No applied commit is recorded yet (\`${settings.stateRef}\`): ` +
        "everything in the manifest counts as new.",
    );
  }
  return applied;
}

/**
 * The plan's rows. With credentials, wanted accesses are checked against
 * live Cakewalk (or, with `scope: full`, the whole manifest is), so rows
 * show what an apply would really post.
 */
async function planEntries(
  job: Job,
  changes: Change[],
): Promise<ReportEntry[]> {
  const removals: ReportEntry[] = changes
    .filter((c) => c.kind === "removal")
    .map((c) => ({ status: "removal", access: c.base! }));
  const full = job.settings.scope === "full" && job.cakewalk;
  const wanted = changes.filter((c) =>
    full
      ? c.kind !== "removal"
      : c.kind === "grant" || c.kind === "level-change",
  );
  if (!job.cakewalk) {
    return [
      ...wanted.map((c): ReportEntry =>
        c.kind === "level-change"
          ? {
              status: "level-change",
              access: c.head!,
              previousLevel: c.base!.permissionLevel,
            }
          : { status: "grant", access: c.head! },
      ),
      ...removals,
    ];
  }
  const accesses = wanted.map((c) => c.head!);
  const live = await readLive(
    job.cakewalk,
    accesses.map((a) => a.app.id!),
  );
  return [...classifyAgainstLive(accesses, live), ...removals];
}
