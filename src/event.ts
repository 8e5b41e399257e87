import { readFileSync } from "node:fs";
import type { Mode } from "./model.js";
import type { Settings } from "./settings.js";

/** What the runner tells the action about the run, read from its env. */
export interface RunContext {
  eventName: string;
  /** The commit the run is for (`GITHUB_SHA`; the test merge on PRs). */
  sha: string;
  /** `GITHUB_REF`, e.g. refs/heads/main or refs/pull/7/merge. */
  ref: string;
  owner: string;
  repo: string;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
  workspace: string;
  payload: EventPayload;
}

/** The parts of GitHub's event payloads that the action reads. */
export interface EventPayload {
  pull_request?: {
    number: number;
    base: { sha: string; ref: string };
    head: { sha: string; ref: string; repo?: { full_name?: string } | null };
  };
  merge_group?: { base_sha: string; head_sha: string };
  repository?: { default_branch?: string; full_name?: string };
  inputs?: Record<string, unknown>;
}

export function readRunContext(
  env: NodeJS.ProcessEnv = process.env,
): RunContext {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) {
      throw new Error(
        `${name} is not set: run this action in a GitHub Actions job.`,
      );
    }
    return value;
  };
  const [owner, repo] = need("GITHUB_REPOSITORY").split("/");
  const eventPath = env.GITHUB_EVENT_PATH;
  const payload = eventPath
    ? (JSON.parse(readFileSync(eventPath, "utf8")) as EventPayload)
    : {};
  return {
    eventName: need("GITHUB_EVENT_NAME"),
    sha: need("GITHUB_SHA"),
    ref: env.GITHUB_REF ?? "",
    owner: owner ?? "",
    repo: repo ?? "",
    serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com",
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    graphqlUrl: env.GITHUB_GRAPHQL_URL ?? "https://api.github.com/graphql",
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    payload,
  };
}

const reviewEvents = new Set([
  "pull_request",
  "pull_request_target",
  "merge_group",
]);

/** Events whose commit is not on the default branch yet. */
export function isReviewEvent(eventName: string): boolean {
  return reviewEvents.has(eventName);
}

/**
 * The mode this run works in (SPEC "Events and modes"): the `mode` input,
 * or what `auto` means for the event and ref.
 */
export function chooseMode(
  settings: Pick<Settings, "mode">,
  context: Pick<RunContext, "eventName" | "ref">,
  defaultBranch: string,
): Mode {
  if (settings.mode !== "auto") return settings.mode;
  if (isReviewEvent(context.eventName)) return "plan";
  if (context.eventName === "schedule") return "drift";
  const onDefault = context.ref === `refs/heads/${defaultBranch}`;
  if (
    (context.eventName === "push" ||
      context.eventName === "workflow_dispatch") &&
    onDefault
  ) {
    return "apply";
  }
  return "plan";
}

/**
 * Why an apply may not run here, or undefined when it may. Checked before
 * anything is read from Cakewalk.
 */
export function applyRefusal(
  context: Pick<RunContext, "eventName" | "ref">,
  defaultBranch: string,
): string | undefined {
  if (isReviewEvent(context.eventName)) {
    return (
      `Apply is refused on ${context.eventName} events: a pull request or ` +
      "merge queue run must only plan. Apply runs on the push to the " +
      `default branch ("${defaultBranch}") after the merge.`
    );
  }
  if (context.ref !== `refs/heads/${defaultBranch}`) {
    return (
      `Apply is refused on "${context.ref}": only the default branch ` +
      `("refs/heads/${defaultBranch}") may grant accesses. Use mode: plan ` +
      "on other refs."
    );
  }
  return undefined;
}

/** The pull request number of a pull request event, if any. */
export function pullRequestNumber(context: RunContext): number | undefined {
  return context.payload.pull_request?.number;
}

/** The base commit a review event compares against. */
export function reviewBaseSha(context: RunContext): string | undefined {
  if (context.eventName === "merge_group") {
    return context.payload.merge_group?.base_sha;
  }
  return context.payload.pull_request?.base.sha;
}
