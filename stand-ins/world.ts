// A small world to run the built action in: the stand-in Cakewalk seeded
// with the example organisation, the stand-in GitHub holding a repository
// with access.yaml, and helpers that check the repository out like
// actions/checkout and run dist/index.js on an event, as a runner would.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { example } from "./cakewalk-example.js";
import {
  readWriteKey,
  startCakewalk,
  type CakewalkStandIn,
} from "./cakewalk.js";
import { WORKFLOW_TOKEN, startGitHub, type GitHubStandIn } from "./github.js";
import { runAction, type RunResult } from "./runner.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const stateRef = "refs/cakewalk-access/applied";

/** The example manifest at the repository root. */
export function exampleManifest(): Promise<string> {
  return readFile(join(root, "access.yaml"), "utf8");
}

export interface WorldOptions {
  /** access.yaml of the first commit; the example manifest by default. */
  manifest?: string;
  /** Record the first commit as applied (as after an earlier apply). */
  applied?: boolean;
  /**
   * What Cakewalk holds before the first run: nothing; "some" (Ana in Slack
   * as Member, Lee in Figma as Viewer); or "all" the example manifest's
   * accesses, as after an apply of the first commit.
   */
  live?: "none" | "some" | "all";
}

export interface RunSettings {
  /** Inputs over the defaults (the defaults point at the stand-ins). */
  inputs?: Record<string, string>;
  token?: string;
  /** The node binary; the current one unless given. */
  node?: string;
}

export class World {
  private readonly workspaces: string[] = [];

  constructor(
    readonly cakewalk: CakewalkStandIn,
    readonly github: GitHubStandIn,
  ) {}

  static async start(options: WorldOptions = {}): Promise<World> {
    const cakewalk = await startCakewalk();
    cakewalk.seedFromExample({ accesses: options.live === "some" });
    if (options.live === "all") grantExample(cakewalk);
    const manifest = options.manifest ?? (await exampleManifest());
    const github = await startGitHub({
      files: { "access.yaml": manifest },
      serverUrl: "https://github.example",
    });
    if (options.applied) await github.setRef(stateRef, await github.tip());
    return new World(cakewalk, github);
  }

  async close(): Promise<void> {
    await Promise.all([this.cakewalk.close(), this.github.close()]);
    await Promise.all(
      this.workspaces.map((dir) => rm(dir, { recursive: true, force: true })),
    );
  }

  /** A fresh shallow checkout of `sha`, as actions/checkout@v4 makes it. */
  async checkout(sha: string, ref?: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "cakewalk-workspace-"));
    this.workspaces.push(dir);
    await this.github.checkoutLikeActions(dir, { sha, ref });
    return dir;
  }

  /** Runs the action on a pull_request event for the pull request. */
  async onPullRequest(number: number, run: RunSettings = {}) {
    const sha = this.github.testMergeSha(number);
    const ref = `refs/pull/${number}/merge`;
    return this.run("pull_request", this.github.pullRequestEvent(number), {
      sha,
      ref,
      ...run,
    });
  }

  /** Runs the action on a push of `sha` to the default branch. */
  async onPush(sha: string, run: RunSettings & { before?: string } = {}) {
    const ref = `refs/heads/${this.github.defaultBranch}`;
    const payload = await this.github.pushEvent(sha, ref, run.before);
    return this.run("push", payload, { sha, ref, ...run });
  }

  /** Runs the action on workflow_dispatch at the default branch's tip. */
  async onDispatch(run: RunSettings = {}) {
    const sha = await this.github.tip();
    const ref = `refs/heads/${this.github.defaultBranch}`;
    const payload = this.github.workflowDispatchEvent(ref, run.inputs ?? {});
    return this.run("workflow_dispatch", payload, { sha, ref, ...run });
  }

  async run(
    eventName: string,
    payload: object,
    options: RunSettings & { sha: string; ref: string },
  ): Promise<RunResult> {
    const workspace = await this.checkout(options.sha, options.ref);
    const token = options.token ?? WORKFLOW_TOKEN;
    return runAction({
      eventName,
      payload,
      sha: options.sha,
      ref: options.ref,
      repository: this.github.repository,
      workspace,
      apiUrl: this.github.apiUrl,
      token,
      node: options.node,
      inputs: {
        "api-url": this.cakewalk.url,
        "api-key": readWriteKey.key,
        "api-secret": readWriteKey.secret,
        ...options.inputs,
      },
    });
  }

  /** The POST bodies Cakewalk received, oldest first. */
  posted(): unknown[] {
    return this.cakewalk.requests
      .filter((r) => r.method === "POST")
      .map((r) => r.body);
  }
}

/** Every access of the example access.yaml, as Cakewalk would hold it. */
function grantExample(cakewalk: CakewalkStandIn): void {
  const { users: u, workApps: a } = example;
  const grants: [{ id: string }, string | null, { id: string }[]][] = [
    [a.figma, a.figma.levels.editor.id, [u.ana, u.lee]],
    [a.figma, a.figma.levels.viewer.id, [u.sam]],
    [a.github, a.github.levels.member.id, [u.ana, u.lee, u.sam]],
    [a.github, a.github.levels.admin.id, [u.opsBot]],
    [a.notion, null, [u.priya]],
    [a.slack, a.slack.levels.member.id, [u.ana, u.lee, u.sam, u.priya]],
  ];
  for (const [app, level, people] of grants) {
    for (const person of people) cakewalk.setAccess(app.id, person.id, level);
  }
}
