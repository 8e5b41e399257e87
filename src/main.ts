import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import { apply } from "./apply.js";
import { commentPlan } from "./comments.js";
import { drift } from "./drift.js";
import { ActionError, errorMessage } from "./errors.js";
import { chooseMode, readRunContext } from "./event.js";
import { createJob, emptyReport, type Job } from "./job.js";
import { coreLog } from "./log.js";
import type { Report } from "./model.js";
import { plan } from "./plan.js";
import { emitAnnotations } from "./report/annotations.js";
import { countOutcomes } from "./report/counts.js";
import { resultJson } from "./report/result-file.js";
import { renderSummary } from "./report/summary.js";
import { InputError, readSettings } from "./settings.js";

/**
 * The action: read the inputs and the event, plan, apply or check drift,
 * then report. Outputs, the job summary and the result file are written on
 * every run, failed ones included.
 */
export async function run(): Promise<void> {
  let job: Job | undefined;
  let report: Report | undefined;
  let failure: string | undefined;
  try {
    const context = readRunContext();
    try {
      const settings = readSettings();
      report = emptyReport(settings, context);
      job = createJob(settings, context, coreLog, report);
    } catch (error) {
      // Still report: outputs and a summary are promised on every run.
      report = emptyReport(
        { manifest: core.getInput("manifest"), dryRun: false, scope: "diff" },
        context,
      );
      throw error;
    }
    await execute(job);
  } catch (error) {
    failure = describeFailure(error, report);
  }
  if (report) await finish(report, job);
  const message = failure ?? report?.failure?.message;
  if (message !== undefined) core.setFailed(message);
}

async function execute(job: Job): Promise<void> {
  const { settings, context, log } = job;
  await job.git.check();
  const defaultBranch =
    context.payload.repository?.default_branch ??
    (await job.github?.defaultBranch());
  if (!defaultBranch) {
    throw new ActionError(
      "refused",
      "The default branch is unknown: the event has no repository and " +
        'input "github-token" is empty.',
    );
  }
  const mode = chooseMode(settings, context, defaultBranch);
  log.info(
    `Event "${context.eventName}" on "${context.ref}" at ` +
      `${context.sha.slice(0, 12)}: mode "${mode}"` +
      (settings.mode === "auto" ? " (auto)" : "") +
      `, scope "${settings.scope}"${settings.dryRun ? ", dry run" : ""}, ` +
      `manifest "${settings.manifest}", Cakewalk credentials ` +
      (job.cakewalk ? "given" : "not given"),
  );

  if (mode === "plan") {
    try {
      await core.group("Plan", () => plan(job));
    } catch (error) {
      describeFailure(error, job.report);
      throw error;
    } finally {
      await core.group("Comment the plan", () => commentPlan(job));
    }
  } else if (mode === "apply") {
    await core.group("Apply", () => apply(job, defaultBranch));
  } else {
    await core.group("Check drift", () => drift(job));
  }
}

/**
 * Records a failure on the report and returns the message for the step.
 * User-facing failures carry their reason; anything else is a bug.
 */
function describeFailure(error: unknown, report: Report | undefined): string {
  let failure: Report["failure"];
  let message: string;
  if (error instanceof ActionError) {
    failure = { reason: error.reason, message: error.message };
    message = error.message;
  } else if (error instanceof InputError) {
    // SPEC lists no reason for a bad input; the action refuses to run.
    failure = { reason: "refused", message: error.message };
    message = error.message;
  } else if (isHttpError(error)) {
    message = `The GitHub API answered ${error.status}: ${error.message}`;
    failure = { reason: "api-error", message };
  } else {
    message =
      `Unexpected error: ${errorMessage(error)}. This is a bug in ` +
      "cakewalk-access-action: please report it with this log.";
    if (error instanceof Error && error.stack) core.debug(error.stack);
  }
  if (report && failure) report.failure ??= failure;
  return report?.failure?.message ?? message;
}

function isHttpError(error: unknown): error is Error & { status: number } {
  return (
    error instanceof Error &&
    error.name === "HttpError" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

/** Annotations, outputs, result file and job summary: on every run. */
async function finish(report: Report, job: Job | undefined): Promise<void> {
  emitAnnotations(report.problems, core, {
    failing: report.failure !== undefined,
  });

  const counts = countOutcomes(report);
  const tempDir = process.env.RUNNER_TEMP ?? tmpdir();
  const resultFile = join(tempDir, "cakewalk-access-result.json");
  try {
    writeFileSync(resultFile, JSON.stringify(resultJson(report), null, 2));
  } catch (error) {
    core.warning(`Could not write the result file: ${errorMessage(error)}`);
  }
  core.setOutput("granted", counts.granted);
  core.setOutput("failed", counts.failed);
  core.setOutput("skipped", counts.skipped);
  core.setOutput("removed", counts.removed);
  core.setOutput("plan-hash", report.planHash ?? "");
  core.setOutput(
    "applied-sha",
    report.mode === "plan" ? "" : (report.appliedSha ?? ""),
  );
  core.setOutput("result-file", resultFile);
  core.setOutput("comment-url", job?.commentUrl ?? "");
  core.setOutput("failure-reason", report.failure?.reason ?? "");

  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(report), true).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${errorMessage(error)}`);
    }
  }
}
