import { diffAccesses } from "./diff.js";
import { errorMessage } from "./errors.js";
import { pullRequestNumber } from "./event.js";
import {
  CommentForbiddenError,
  type GitHub,
  type PullRequest,
} from "./github/client.js";
import type { Job } from "./job.js";
import { loadSide, manifestDiffers } from "./load.js";
import { markerPrefix, readPlanHash } from "./report/marker.js";
import { renderPlanComment } from "./report/plan-comment.js";
import {
  renderResultsComment,
  type HashCheck,
} from "./report/results-comment.js";
import { resolveManifests } from "./resolve.js";

/** Results comments go to at most this many pull requests per run. */
const maxResultsComments = 20;

/** How far back a rebase-merged pull request's commits are followed. */
const maxRebasedCommits = 100;

/**
 * The plan comment: one per manifest input on the pull request, updated in
 * place. A pull request that does not touch the manifest gets none, but an
 * earlier plan comment is updated to say there are no changes now.
 */
export async function commentPlan(job: Job): Promise<void> {
  const number = pullRequestNumber(job.context);
  if (number === undefined) return;
  if (!job.settings.comment) {
    job.log.info(
      'Input "comment" is false: the plan is only in the job summary',
    );
    return;
  }
  if (!job.github) {
    job.log.warning(
      'Input "github-token" is empty, so the plan is not commented on the ' +
        "pull request. The job summary has it.",
    );
    return;
  }
  const github = job.github;
  await forbiddenIsAWarning(job, async () => {
    const viewer = await github.viewer();
    const marker = markerPrefix(job.settings.manifest);
    const body = renderPlanComment(job.report);
    if (job.manifestTouched === false) {
      const existing = await github.findComment(number, marker, viewer);
      if (!existing) {
        job.log.info(
          "The pull request does not change the manifest: no comment",
        );
        return;
      }
    }
    const comment = await github.upsertComment(number, marker, body, viewer);
    job.commentUrl = comment.url;
    job.log.info(`Plan comment ${comment.action}: ${comment.url}`);
  });
}

/**
 * After an apply, a new comment on each pull request merged in the applied
 * range that changed the manifest, found by its merge commit. The pull
 * request of the run's commit also learns whether what was applied matches
 * its last plan.
 */
export async function commentResults(
  job: Job,
  baseSha: string | undefined,
): Promise<void> {
  if (!job.settings.comment || !job.github) return;
  const github = job.github;
  await forbiddenIsAWarning(job, async () => {
    const pulls = await mergedInRange(job, github, baseSha);
    if (pulls.length === 0) {
      job.log.info("No pull request produced the applied commits: no comment");
      return;
    }
    for (const pull of pulls) {
      const start = await changeStart(job, github, pull).catch(
        (error: unknown) => {
          job.log.debug(`Start of #${pull.number}: ${errorMessage(error)}`);
          return undefined;
        },
      );
      const changed =
        !start ||
        (await manifestDiffers(
          job.git,
          job.settings.manifest,
          start,
          pull.merge_commit_sha!,
        ));
      if (!changed) {
        job.log.info(`#${pull.number} did not change the manifest: no comment`);
        continue;
      }
      const check =
        pull.merge_commit_sha === job.report.headSha
          ? await checkPlanHash(job, github, pull, start)
          : undefined;
      const body = renderResultsComment(job.report, {
        pullRequest: pull.number,
        ...check,
      });
      const comment = await github.createComment(pull.number, body);
      job.commentUrl ??= comment.url;
      job.log.info(`Results commented on #${pull.number}: ${comment.url}`);
      warnAboutPlan(job, pull, check?.hashCheck);
    }
  });
}

function warnAboutPlan(
  job: Job,
  pull: PullRequest,
  check: HashCheck | undefined,
): void {
  if (check === "mismatch") {
    job.log.warning(
      `What was applied for #${pull.number} differs from the plan in its ` +
        "last plan comment: review the results comment.",
    );
  } else if (check === "no-plan") {
    job.log.warning(
      `#${pull.number} has no plan comment from this action: the applied ` +
        "change was not planned on the pull request.",
    );
  }
}

/** Runs a commenting step; a token that may not comment only warns. */
async function forbiddenIsAWarning(
  job: Job,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!(error instanceof CommentForbiddenError)) throw error;
    job.log.warning(
      "This token may not comment on pull requests (pull requests from " +
        "forks get a read-only token): the plan and results are in the " +
        `job summary and annotations instead. GitHub said: ${errorMessage(error)}`,
    );
  }
}

async function mergedInRange(
  job: Job,
  github: GitHub,
  baseSha: string | undefined,
): Promise<PullRequest[]> {
  const head = job.report.headSha;
  const range = baseSha
    ? ((await github.compare(baseSha, head))?.commits.map((c) => c.sha) ?? [
        head,
      ])
    : [head];
  const inRange = new Set(range);
  const found = new Map<number, PullRequest>();
  // Newest first, so the pushed commit's pull request is never cut off.
  for (const sha of [...range].reverse()) {
    for (const pull of await github.pullRequestsForCommit(sha)) {
      if (pull.merge_commit_sha && inRange.has(pull.merge_commit_sha)) {
        found.set(pull.number, pull);
      }
    }
    if (found.size >= maxResultsComments) {
      job.log.warning(
        `More than ${maxResultsComments} pull requests were merged in the ` +
          `applied range; only ${maxResultsComments} get a results comment.`,
      );
      break;
    }
  }
  return [...found.values()].slice(0, maxResultsComments);
}

/**
 * Compares the plan hash in the pull request's last plan comment with the
 * hash of what its merge changed. A plan made without credentials hashed
 * the written references, so both forms are accepted. When the change
 * cannot be computed, nothing is claimed either way.
 */
async function checkPlanHash(
  job: Job,
  github: GitHub,
  pull: PullRequest,
  start: string | undefined,
): Promise<
  | { hashCheck: HashCheck; plannedHash?: string; appliedHash?: string }
  | undefined
> {
  const viewer = await github.viewer();
  const comment = await github.findComment(
    pull.number,
    markerPrefix(job.settings.manifest),
    viewer,
  );
  const plannedHash = comment ? readPlanHash(comment.body) : undefined;
  if (!plannedHash) return { hashCheck: "no-plan" };
  try {
    if (!start) throw new Error("its first commit could not be found");
    const { resolved, written } = await changeHashes(job, start);
    const match = [resolved, written].includes(plannedHash);
    return {
      hashCheck: match ? "match" : "mismatch",
      plannedHash,
      appliedHash: match ? plannedHash : resolved,
    };
  } catch (error) {
    job.log.warning(
      `Could not compute what #${pull.number} changed, so whether it matches ` +
        `its plan is not known: ${errorMessage(error)}`,
    );
    return undefined;
  }
}

/**
 * The plan hashes of the change from `beforeSha` to the run's commit:
 * resolved through Cakewalk (when the run has credentials), and by the
 * written references. Each side is read and parsed once.
 */
async function changeHashes(
  job: Job,
  beforeSha: string,
): Promise<{ resolved: string; written: string }> {
  const sides = await Promise.all(
    [beforeSha, job.report.headSha].map((sha) =>
      loadSide(job.git, sha, job.settings.manifest),
    ),
  );
  const hash = async (directory: Job["cakewalk"]) => {
    const [before, after] = await Promise.all(
      sides.map((side) =>
        resolveManifests(side.manifests, { directory, lenient: true }),
      ),
    );
    return diffAccesses(before!.accesses, after!.accesses).hash;
  };
  return { resolved: await hash(job.cakewalk), written: await hash(undefined) };
}

/**
 * The commit just before a pull request landed: the first parent of a
 * merge commit; for a squash or rebase merge, the parent of the earliest
 * commit of the pull request on the default branch's first-parent line.
 */
async function changeStart(
  job: Job,
  github: GitHub,
  pull: PullRequest,
): Promise<string> {
  let current = pull.merge_commit_sha!;
  let parents = await job.git.parents(current);
  if (parents.length > 1) return parents[0]!;
  for (let i = 0; i < maxRebasedCommits && parents[0]; i++) {
    const parent = parents[0];
    const owners = await github.pullRequestsForCommit(parent);
    if (!owners.some((p) => p.number === pull.number)) break;
    current = parent;
    parents = await job.git.parents(current);
  }
  if (!parents[0]) throw new Error(`${current} has no parent commit`);
  return parents[0];
}
