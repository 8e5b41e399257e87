import { postGrants } from "./cakewalk/post-grants.js";
import { commentResults } from "./comments.js";
import { diffAccesses } from "./diff.js";
import { ActionError, errorMessage } from "./errors.js";
import { applyRefusal } from "./event.js";
import type { GitHub } from "./github/client.js";
import {
  loadBase,
  loadHead,
  requireCakewalk,
  requireGitHub,
  type Job,
} from "./job.js";
import { classifyAgainstLive, readLive } from "./live.js";
import type { AccessGrant, Report, ReportEntry } from "./model.js";
import { noResolution } from "./resolve.js";

/** Where an apply starts from, decided from the applied commit. */
interface Anchor {
  /** The commit to diff against; absent when comparing with live only. */
  baseSha?: string;
  /** Compare the whole manifest with live Cakewalk. */
  full: boolean;
  /** Move the ref to this commit even if it does not descend from it. */
  reanchor: boolean;
  /** The run's commit descends from the applied commit (or there is none). */
  forward: boolean;
  /** The run's commit is already applied (or older): nothing to do. */
  nothingToDo?: boolean;
}

/**
 * Apply: post to Cakewalk what the default branch's manifest gained since
 * the applied commit, then move the applied commit forward. The ref moves
 * only when every entry succeeded, so a failed entry is retried next run.
 */
export async function apply(job: Job, defaultBranch: string): Promise<void> {
  const { settings, context, report, log } = job;
  report.mode = "apply";
  // Read first so that even a refused run reports the applied commit.
  const applied = await job.github?.readRef(settings.stateRef);
  report.appliedSha = applied;
  const refusal = applyRefusal(context, defaultBranch);
  if (refusal) throw new ActionError("refused", refusal);
  const github = requireGitHub(
    job,
    "apply records the applied commit in a ref",
  );
  requireCakewalk(job, "apply posts accesses to Cakewalk");

  log.info(`Applied commit (${settings.stateRef}): ` + (applied ?? "none yet"));
  const anchor = await chooseAnchor(job, github, applied);
  report.baseSha = anchor.baseSha;
  report.scope = anchor.full ? "full" : "diff";
  if (anchor.nothingToDo) return;

  try {
    await applyFrom(job, github, anchor, applied);
  } catch (error) {
    if (error instanceof ActionError) {
      report.failure ??= { reason: error.reason, message: error.message };
    }
    throw error;
  } finally {
    await commentResults(job, anchor.baseSha).catch((error: unknown) =>
      log.warning(
        "Could not comment the results on the pull requests: " +
          `${errorMessage(error).replace(/\.$/, "")}. The job summary has them.`,
      ),
    );
  }
}

async function applyFrom(
  job: Job,
  github: GitHub,
  anchor: Anchor,
  applied: string | undefined,
): Promise<void> {
  const { settings, report, log } = job;
  const cakewalk = job.cakewalk!;
  const head = await loadHead(job);
  const base = anchor.baseSha
    ? await loadBase(job, anchor.baseSha, true)
    : noResolution();
  const changeSet = diffAccesses(base.accesses, head.resolution.accesses);
  report.planHash = changeSet.hash;

  // The diff decides what to post; the full scope posts the whole manifest.
  // Either way, what Cakewalk already holds at the same level is skipped.
  const wanted = anchor.full
    ? head.resolution.accesses
    : changeSet.changes
        .filter((c) => c.kind === "grant" || c.kind === "level-change")
        .map((c) => c.head!);
  const removals: ReportEntry[] = changeSet.changes
    .filter((c) => c.kind === "removal")
    .map((c) => ({ status: "removal", access: c.base! }));
  log.info(`Reading live accesses of ${countApps(wanted)} work app(s)`);
  const live = await readLive(
    cakewalk,
    wanted.map((a) => a.app.id!),
  );
  report.entries = [...classifyAgainstLive(wanted, live), ...removals];

  const toPost = report.entries.filter(
    (e) => e.status === "grant" || e.status === "level-change",
  );
  log.info(
    `${toPost.length} access(es) to post, ` +
      `${report.entries.length - toPost.length - removals.length} already ` +
      `in place, ${removals.length} removed from the manifest (not revoked)`,
  );

  if (settings.maxGrants !== undefined && toPost.length > settings.maxGrants) {
    for (const entry of toPost) entry.status = "not-posted";
    throw new ActionError(
      "too-many-grants",
      `This run would post ${toPost.length} accesses, more than ` +
        `max-grants (${settings.maxGrants}). Nothing was posted. If the ` +
        "change is intended, raise max-grants in the workflow (or pass it " +
        "to a manual run) and re-run, or split the change into smaller " +
        "pull requests.",
    );
  }
  if (settings.dryRun) {
    report.notes.push(
      "Dry run: nothing was posted to Cakewalk and the applied commit was " +
        "not moved.",
    );
    return;
  }

  await post(job, toPost);
  await moveAppliedRef(job, github, anchor, applied);
}

/** Posts the entries and records each outcome on it. */
async function post(job: Job, entries: ReportEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const { entries: results, stoppedBy } = await postGrants(
    job.cakewalk!,
    entries.map((e) => grantOf(e)),
    { batchSize: job.settings.batchSize, log: job.log },
  );
  results.forEach((result, i) => {
    const entry = entries[i]!;
    if (result.outcome === "posted") {
      entry.status =
        entry.status === "level-change" ? "level-changed" : "granted";
    } else if (result.outcome === "failed") {
      entry.status = "failed";
      entry.error = result.error;
    } else {
      entry.status = "not-posted";
    }
  });
  const failed = entries.filter((e) => e.status === "failed");
  for (const entry of failed) job.log.info(`Failed: ${describeFailed(entry)}`);
  if (stoppedBy) throw stoppedBy;
  if (failed.length === 0) return;
  const granted = entries.length - failed.length;
  const statuses = new Set(failed.map((e) => e.error?.status));
  const [status] = statuses;
  if (granted === 0 && statuses.size === 1 && endpointMissing(status)) {
    throw new ActionError(
      "api-error",
      `Cakewalk answered HTTP ${status} to every post to ` +
        "/api/v1/WorkApps/Accesses: the endpoint is not where the api-url " +
        `input ("${job.settings.apiUrl}") points. Nothing was granted.`,
    );
  }
  // Entries without a status were never refused by Cakewalk.
  const refused = failed.filter((e) => e.error?.status !== undefined).length;
  throw new ActionError(
    refused > 0 ? "partial" : "api-error",
    `${failed.length} of ${entries.length} accesses failed` +
      (refused > 0
        ? ` (Cakewalk refused ${refused})`
        : " (Cakewalk gave no usable answer: no answer, or throttling)") +
      (granted > 0 ? `; the other ${granted} were granted` : "") +
      ". The log above and the job summary give each one's reason. The " +
      "applied commit was not moved, so a re-run of this workflow retries " +
      "what failed and skips what is in place" +
      (refused > 0 ? ", once the reasons are fixed." : "."),
  );
}

/** A 404, 405 or 415 to every entry means a wrong URL, not bad entries. */
function endpointMissing(status: number | undefined): boolean {
  return status === 404 || status === 405 || status === 415;
}

function describeFailed(entry: ReportEntry): string {
  const { app, user, permissionLevel } = entry.access;
  const said = [entry.error?.title, entry.error?.detail]
    .filter(Boolean)
    .join(": ");
  const status = entry.error?.status ? ` (HTTP ${entry.error.status})` : "";
  return (
    `"${user.display}" in "${app.display}"` +
    (permissionLevel ? ` at "${permissionLevel.display}"` : "") +
    `: ${said || "no reason given"}${status}`
  );
}

/** What this run put in Cakewalk, for messages about what comes after. */
function postedSoFar(report: Report): string {
  const posted = report.entries.filter(
    (e) => e.status === "granted" || e.status === "level-changed",
  ).length;
  return posted > 0
    ? `Cakewalk took the ${posted} access(es) this run posted.`
    : "This run posted nothing.";
}

function grantOf(entry: ReportEntry): AccessGrant {
  return {
    workAppId: entry.access.app.id!,
    userId: entry.access.user.id!,
    permissionLevelId: entry.access.permissionLevel?.id ?? null,
  };
}

function countApps(accesses: { app: { id?: string } }[]): number {
  return new Set(accesses.map((a) => a.app.id)).size;
}

/**
 * Decides the base of the comparison (SPEC "The last applied commit"):
 * the `base` input on a manual run, else the applied commit when the run's
 * commit descends from it; the whole manifest when there is no applied
 * commit yet; a clear stop when history was rewritten.
 */
async function chooseAnchor(
  job: Job,
  github: GitHub,
  applied: string | undefined,
): Promise<Anchor> {
  const { settings, context, report, log } = job;
  const manual = context.eventName === "workflow_dispatch";
  const full = settings.scope === "full";

  if (settings.base && !manual) {
    log.warning(
      `Input "base" is "${settings.base}", but it is used only on ` +
        "workflow_dispatch runs; this run compares with the applied commit.",
    );
  }
  const relation = applied
    ? (await github.compare(applied, report.headSha))?.status
    : undefined;
  const forward = !applied || relation === "ahead" || relation === "identical";
  if (settings.base && manual) {
    const baseSha = await job.git.resolveCommit(settings.base);
    log.info(`Comparing with the "base" input: ${baseSha}`);
    return { baseSha, full, reanchor: true, forward };
  }
  if (!applied) {
    report.notes.push(
      `First apply: no applied commit is recorded yet (\`${settings.stateRef}\`), ` +
        "so the whole manifest is compared with live Cakewalk and only what " +
        "is missing there is posted.",
    );
    return { full: true, reanchor: false, forward };
  }
  if (relation === "behind") {
    report.notes.push(
      `This run's commit is older than the applied commit ` +
        `${applied.slice(0, 12)}: it was applied already. Nothing to do.`,
    );
    return { full: false, reanchor: false, forward, nothingToDo: true };
  }
  if (forward) return { baseSha: applied, full, reanchor: false, forward };
  if (full && manual) return { full: true, reanchor: true, forward };
  throw new ActionError(
    "base-not-found",
    `The applied commit ${applied} (${settings.stateRef}) is ` +
      (relation === "diverged"
        ? "not an ancestor of"
        : "unknown to the repository, so not an ancestor of") +
      ` this run's commit ${report.headSha.slice(0, 12)}: history was ` +
      "rewritten. Nothing was posted. To re-anchor, run this workflow by " +
      "hand (workflow_dispatch) on the default branch with `base` set to " +
      "the commit whose manifest Cakewalk reflects, or with `scope: full` " +
      "to compare the whole manifest with Cakewalk.",
  );
}

/**
 * Moves the applied commit to the run's commit, only forward and only if
 * nobody moved it since it was read (compare-and-swap). A re-anchoring
 * manual run may move it anywhere, still only from the value it read.
 */
async function moveAppliedRef(
  job: Job,
  github: GitHub,
  anchor: Anchor,
  applied: string | undefined,
): Promise<void> {
  const { settings, report, log } = job;
  const to = report.headSha;
  const { forward } = anchor;
  if (applied === to || (!forward && !anchor.reanchor)) return;

  let moved: "moved" | "conflict";
  try {
    moved = await github.moveRef({
      ref: settings.stateRef,
      from: applied,
      to,
      force: !forward,
    });
  } catch (error) {
    if (error instanceof ActionError && error.reason === "state-conflict") {
      throw error;
    }
    throw new ActionError(
      "api-error",
      `${postedSoFar(report)} GitHub refused to record the applied commit ` +
        `in ${settings.stateRef}: ${errorMessage(error)} Give the ` +
        "workflow's token contents: write (or set state-ref to a ref it may " +
        "write) and re-run: the re-run posts nothing already in place, " +
        "then records the commit.",
      { cause: error },
    );
  }
  if (moved === "conflict") {
    // Report where the ref is now, not where this run found it.
    report.appliedSha = await github
      .readRef(settings.stateRef)
      .catch(() => report.appliedSha);
    throw new ActionError(
      "state-conflict",
      `${settings.stateRef} moved while this run was applying (another run ` +
        `applied at the same time). ${postedSoFar(report)} The ref was not ` +
        "forced. Re-run this workflow to bring it up to date; the re-run " +
        "posts only what Cakewalk lacks. Use a `concurrency:` group to keep " +
        "runs from overlapping.",
    );
  }
  report.appliedSha = to;
  if (!forward) {
    const message =
      `Re-anchored ${settings.stateRef} to ${to.slice(0, 12)}` +
      (applied ? ` (it was ${applied.slice(0, 12)}, not an ancestor).` : ".");
    log.info(message);
    report.notes.push(message);
  } else {
    log.info(`Moved ${settings.stateRef} to ${to.slice(0, 12)}`);
  }
}
