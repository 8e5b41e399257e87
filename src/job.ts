import { CakewalkClient } from "./cakewalk/client.js";
import { ActionError } from "./errors.js";
import type { RunContext } from "./event.js";
import { GitReader } from "./git.js";
import { createGitHub, type GitHub } from "./github/client.js";
import { hasErrors, loadSide, type ManifestSide } from "./load.js";
import type { Log } from "./log.js";
import type { Problem, Report } from "./model.js";
import { noResolution, resolveManifests, type Resolution } from "./resolve.js";
import type { Settings } from "./settings.js";

/** Everything one run works with: inputs, event, and its connections. */
export interface Job {
  settings: Settings;
  context: RunContext;
  log: Log;
  git: GitReader;
  /** Absent without a github-token. */
  github?: GitHub;
  /** Absent without Cakewalk credentials. */
  cakewalk?: CakewalkClient;
  /** Filled in as the run goes; reported even when the run fails. */
  report: Report;
  /** Plans: whether the manifest files differ from the base commit's. */
  manifestTouched?: boolean;
  /** The plan comment, or the first results comment. */
  commentUrl?: string;
}

export function createJob(
  settings: Settings,
  context: RunContext,
  log: Log,
  report: Report,
): Job {
  return {
    settings,
    context,
    log,
    report,
    git: new GitReader(context.workspace, log),
    github: settings.githubToken
      ? createGitHub({
          token: settings.githubToken,
          apiUrl: context.apiUrl,
          graphqlUrl: context.graphqlUrl,
          owner: context.owner,
          repo: context.repo,
          log,
        })
      : undefined,
    cakewalk: settings.credentials
      ? new CakewalkClient({
          apiUrl: settings.apiUrl,
          apiKey: settings.credentials.apiKey,
          apiSecret: settings.credentials.apiSecret,
          log,
        })
      : undefined,
  };
}

export function emptyReport(
  settings: Pick<Settings, "manifest" | "dryRun" | "scope" | "credentials">,
  context: RunContext,
): Report {
  return {
    credentials: Boolean(settings.credentials),
    mode: "plan",
    dryRun: settings.dryRun,
    scope: settings.scope,
    manifest: settings.manifest,
    checked: false,
    headSha: context.sha,
    entries: [],
    problems: [],
    notes: [],
    serverUrl: context.serverUrl,
    repository: `${context.owner}/${context.repo}`,
  };
}

export function requireGitHub(job: Job, why: string): GitHub {
  if (!job.github) {
    throw new ActionError(
      "refused",
      `Input "github-token" is empty, but ${why}. Leave it at its default ` +
        "(the workflow token) or pass a token.",
    );
  }
  return job.github;
}

export function requireCakewalk(job: Job, why: string): CakewalkClient {
  if (!job.cakewalk) {
    throw new ActionError(
      "unauthorized",
      `Inputs "api-key" and "api-secret" are empty, but ${why}. Pass a ` +
        "Cakewalk key and its secret from the repository's secrets.",
    );
  }
  return job.cakewalk;
}

/** The head side: read, checked and resolved; manifest errors stop here. */
export async function loadHead(
  job: Job,
  baseSha?: string,
): Promise<{
  side: ManifestSide;
  resolution: Resolution;
}> {
  const { settings, report } = job;
  const side = await loadSide(job.git, report.headSha, settings.manifest);
  if (side.files.length === 0) {
    const before = baseSha
      ? await job.git.listManifest(baseSha, settings.manifest)
      : [];
    throw new ActionError(
      "invalid-manifest",
      before.length > 0
        ? `This change deletes the manifest (${before.map((f) => f.path).join(", ")}). ` +
            "Deleting it revokes nothing in Cakewalk, and the action " +
            "needs a manifest to compare with: keep the file, with " +
            "`accesses: []` if it should list none."
        : `No file at ${report.headSha.slice(0, 12)} matches the manifest ` +
            `input "${settings.manifest}". Check the path or glob, ` +
            "relative to the repository root.",
    );
  }
  job.log.info(
    `Read ${side.files.map((f) => f.path).join(", ")} at ` +
      report.headSha.slice(0, 12),
  );
  const resolution = await resolveManifests(side.manifests, {
    directory: job.cakewalk,
  });
  report.checked = Boolean(job.cakewalk);
  report.problems.push(...side.problems, ...resolution.problems);
  if (hasErrors(report.problems)) throw manifestInvalid(report.problems);
  return { side, resolution };
}

function manifestInvalid(problems: Problem[]): ActionError {
  const count = problems.filter((p) => p.severity === "error").length;
  return new ActionError(
    "invalid-manifest",
    `The manifest has ${count} error${count === 1 ? "" : "s"}: see the ` +
      "annotations or the job summary for each, with its file and line.",
  );
}

/**
 * The base side for a diff. Its unresolvable references are matched by
 * their written text, with a warning. With `strict`, a base that does not
 * parse stops the run (apply); otherwise it counts as empty, with a warning.
 */
export async function loadBase(
  job: Job,
  sha: string,
  strict: boolean,
): Promise<Resolution> {
  const side = await loadSide(job.git, sha, job.settings.manifest);
  job.log.info(
    `Read the base manifest (${side.files.map((f) => f.path).join(", ") || "no file"}) at ${sha.slice(0, 12)}`,
  );
  if (hasErrors(side.problems)) {
    const message =
      `The manifest at ${sha.slice(0, 12)}, the base of this comparison, ` +
      "does not parse, so what changed since cannot be computed. Run the " +
      "workflow by hand (workflow_dispatch) with `scope: full` to compare " +
      "the whole manifest with Cakewalk instead.";
    if (strict) throw new ActionError("invalid-manifest", message);
    job.report.notes.push(message);
    return noResolution();
  }
  const resolution = await resolveManifests(side.manifests, {
    directory: job.cakewalk,
    lenient: true,
  });
  // The base's problems were the past's. Only entries matched by their
  // written text are worth a word, and as notes: their lines are the
  // base's, not the lines of the files annotated.
  for (const { location, message } of resolution.matchedByText) {
    job.report.notes.push(
      `${location.file}:${location.line} at ${sha.slice(0, 12)}: ${message}`,
    );
  }
  return resolution;
}
