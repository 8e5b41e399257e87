import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  WORKFLOW_TOKEN,
  startGitHub,
  type GitHubStandIn,
} from "../../stand-ins/github.js";
import { call, gitIn } from "./fixtures.js";

let github: GitHubStandIn;
const scratch: string[] = [];

beforeEach(async () => {
  github = await startGitHub({
    files: { "access.yaml": "version: 1\naccesses: []\n" },
  });
});

afterEach(async () => {
  await github.close();
  await Promise.all(
    scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

async function parentsOf(sha: string): Promise<string[]> {
  const line = await gitIn(github.bareDir, [
    "rev-list",
    "--parents",
    "-n1",
    sha,
  ]);
  return line.split(" ").slice(1);
}

async function pullNumbersFor(sha: string): Promise<number[]> {
  const { body } = await call(
    github,
    "GET",
    `/repos/acme/access/commits/${sha}/pulls`,
    { token: WORKFLOW_TOKEN },
  );
  return (body as { number: number }[]).map((pull) => pull.number);
}

async function openTwoCommitPullRequest(): Promise<number> {
  return github.openPullRequest({
    title: "Grant Figma to Ana",
    branch: "grant-ana",
    files: [{ "access.yaml": "version: 1\n# one\n" }, { "notes.md": "why\n" }],
  });
}

describe("merging a pull request", () => {
  it("with a merge commit gives a two-parent commit recorded as merge_commit_sha", async () => {
    const number = await openTwoCommitPullRequest();
    const before = await github.tip();
    const head = github.headSha(number);

    const sha = await github.mergePullRequest(number, "merge");

    expect(await github.tip()).toBe(sha);
    expect(await parentsOf(sha)).toEqual([before, head]);
    const { body } = await call(github, "GET", "/repos/acme/access/pulls/1", {
      token: WORKFLOW_TOKEN,
    });
    expect(body).toMatchObject({
      merged: true,
      merge_commit_sha: sha,
      state: "closed",
      commits: 2,
    });
    expect(await pullNumbersFor(sha)).toEqual([number]);
    expect(await pullNumbersFor(head)).toEqual([number]);
  });

  it("by squashing gives one single-parent commit holding the whole change", async () => {
    const number = await openTwoCommitPullRequest();
    const before = await github.tip();

    const sha = await github.mergePullRequest(number, "squash");

    expect(await parentsOf(sha)).toEqual([before]);
    expect(
      await gitIn(github.bareDir, [
        "diff",
        "--stat",
        github.headSha(number),
        sha,
      ]),
    ).toBe("");
    expect(github.pullRequest(number).mergeCommitSha).toBe(sha);
    expect(await pullNumbersFor(sha)).toEqual([number]);
    // The original commits are not on the default branch: still associated.
    expect(
      await pullNumbersFor(github.pullRequest(number).commits[0]!),
    ).toEqual([number]);
  });

  it("by rebasing replays each commit onto the default branch and records the last copy", async () => {
    const number = await openTwoCommitPullRequest();
    const moved = await github.commitToDefault(
      { "other.txt": "x\n" },
      "Meanwhile",
    );
    const originals = github.pullRequest(number).commits;

    const sha = await github.mergePullRequest(number, "rebase");

    const first = (await parentsOf(sha))[0]!;
    expect(await parentsOf(sha)).toHaveLength(1);
    expect(await parentsOf(first)).toEqual([moved]);
    expect([first, sha]).not.toContain(originals[0]);
    expect([first, sha]).not.toContain(originals[1]);
    expect(github.pullRequest(number).mergeCommitSha).toBe(sha);
    expect(await pullNumbersFor(first)).toEqual([number]);
    expect(await pullNumbersFor(sha)).toEqual([number]);
  });
});

describe("an open pull request", () => {
  it("has a test merge of its head into the base tip, recomputed on push", async () => {
    const number = await openTwoCommitPullRequest();
    const base = github.baseSha(number);
    expect(await parentsOf(github.testMergeSha(number))).toEqual([
      base,
      github.headSha(number),
    ]);
    expect(await github.readRef(`refs/pull/${number}/merge`)).toBe(
      github.testMergeSha(number),
    );

    const moved = await github.commitToDefault(
      { "other.txt": "x\n" },
      "Meanwhile",
    );
    const head = await github.pushToPullRequest(number, {
      "notes.md": "more\n",
    });

    expect(github.headSha(number)).toBe(head);
    expect(await parentsOf(github.testMergeSha(number))).toEqual([moved, head]);
    expect(await github.readRef(`refs/pull/${number}/head`)).toBe(head);
  });

  it("is found by its commits while they are not on the default branch", async () => {
    const number = await openTwoCommitPullRequest();
    expect(await pullNumbersFor(github.headSha(number))).toEqual([number]);
    expect(await pullNumbersFor(await github.tip())).toEqual([]);
  });
});

describe("comparing commits", () => {
  it("tells ahead, behind, identical and diverged, and 404 for an unknown sha", async () => {
    const a = await github.tip();
    const b = await github.commitToDefault({ "x.txt": "1\n" }, "B");
    const rewritten = await github.rewriteHistory();
    const compare = async (base: string, head: string) =>
      call(github, "GET", `/repos/acme/access/compare/${base}...${head}`, {
        token: WORKFLOW_TOKEN,
      });

    expect((await compare(a, b)).body).toMatchObject({
      status: "ahead",
      ahead_by: 1,
      behind_by: 0,
      merge_base_commit: { sha: a },
      commits: [{ sha: b, parents: [{ sha: a }] }],
    });
    expect((await compare(b, a)).body).toMatchObject({
      status: "behind",
      behind_by: 1,
    });
    expect((await compare(a, a)).body).toMatchObject({
      status: "identical",
      commits: [],
    });
    expect((await compare(b, rewritten)).body).toMatchObject({
      status: "diverged",
      ahead_by: 1,
      behind_by: 1,
    });
    expect((await compare(a, "f".repeat(40))).status).toBe(404);
  });
});

describe("checkoutLikeActions", () => {
  it("makes a one-commit shallow clone where another commit can be fetched by sha", async () => {
    const number = await openTwoCommitPullRequest();
    const dir = await mkdtemp(join(tmpdir(), "checkout-"));
    scratch.push(dir);
    const sha = github.testMergeSha(number);

    await github.checkoutLikeActions(dir, {
      sha,
      ref: `refs/pull/${number}/merge`,
    });

    expect(await gitIn(dir, ["rev-parse", "HEAD"])).toBe(sha);
    expect(await gitIn(dir, ["rev-parse", "--is-shallow-repository"])).toBe(
      "true",
    );
    expect(await gitIn(dir, ["rev-list", "--count", "HEAD"])).toBe("1");
    expect(await readFile(join(dir, "notes.md"), "utf8")).toBe("why\n");
    const base = github.baseSha(number);
    await expect(
      gitIn(dir, ["cat-file", "-e", `${base}^{commit}`]),
    ).rejects.toThrow();

    await gitIn(dir, ["fetch", "-q", "--depth=1", "origin", base]);

    expect(await gitIn(dir, ["cat-file", "-t", base])).toBe("commit");
  });

  it("checks a pushed branch out as a local branch, as actions/checkout does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "checkout-"));
    scratch.push(dir);
    const sha = await github.tip();

    await github.checkoutLikeActions(dir, { sha, ref: "refs/heads/main" });

    expect(await gitIn(dir, ["symbolic-ref", "HEAD"])).toBe("refs/heads/main");
    expect(await gitIn(dir, ["rev-parse", "HEAD"])).toBe(sha);
  });
});

describe("event payloads", () => {
  it("describe the pull request, the push and the manual run with their shas", async () => {
    const number = await openTwoCommitPullRequest();
    const before = await github.tip();
    const pullEvent = github.pullRequestEvent(number);
    const merged = await github.mergePullRequest(number, "merge");
    const pushEvent = await github.pushEvent(merged);
    const dispatch = github.workflowDispatchEvent("refs/heads/main", {
      base: before,
    });

    expect(pullEvent).toMatchObject({
      action: "opened",
      number,
      pull_request: {
        number,
        head: { sha: github.headSha(number), ref: "grant-ana" },
        base: { sha: before, ref: "main" },
      },
      repository: { default_branch: "main", full_name: "acme/access" },
    });
    expect(pushEvent).toMatchObject({
      ref: "refs/heads/main",
      before,
      after: merged,
      forced: false,
      repository: { default_branch: "main" },
    });
    expect(dispatch).toMatchObject({
      ref: "refs/heads/main",
      inputs: { base: before },
    });
  });

  it("mark a push of rewritten history as forced", async () => {
    await github.commitToDefault({ "x.txt": "1\n" }, "B");
    const old = await github.tip();
    const rewritten = await github.rewriteHistory();

    expect(await github.pushEvent(rewritten)).toMatchObject({
      before: old,
      after: rewritten,
      forced: true,
    });
  });
});

describe("the stand-in API", () => {
  it("answers 401 without a token and for an unknown one", async () => {
    expect((await call(github, "GET", "/repos/acme/access")).status).toBe(401);
    const unknown = await call(github, "GET", "/repos/acme/access", {
      token: "nope",
    });
    expect(unknown).toMatchObject({
      status: 401,
      body: { message: "Bad credentials" },
    });
  });

  it("pages comments 30 at a time with a Link header to the next page", async () => {
    const number = await openTwoCommitPullRequest();
    for (let i = 0; i < 31; i++) {
      github.addComment({
        issue: number,
        body: `comment ${i}`,
        author: { login: "ana", id: 9, type: "User" },
      });
    }

    const first = await call(
      github,
      "GET",
      `/repos/acme/access/issues/${number}/comments`,
      {
        token: WORKFLOW_TOKEN,
      },
    );

    expect(first.body).toHaveLength(30);
    const next = /<([^>]+)>; rel="next"/.exec(
      first.headers.get("link") ?? "",
    )?.[1];
    expect(next).toMatch(/page=2/);
    const second = await fetch(next!, {
      headers: { authorization: `token ${WORKFLOW_TOKEN}` },
    });
    expect(await second.json()).toMatchObject([{ body: "comment 30" }]);
  });

  it("refuses a comment over 65,536 characters like GitHub", async () => {
    const number = await openTwoCommitPullRequest();
    const reply = await call(
      github,
      "POST",
      `/repos/acme/access/issues/${number}/comments`,
      {
        token: WORKFLOW_TOKEN,
        body: { body: "x".repeat(65_537) },
      },
    );

    expect(reply).toMatchObject({
      status: 422,
      body: { message: "Validation Failed" },
    });
    expect(github.comments(number)).toEqual([]);
  });

  it("answers a GraphQL query it does not serve with an error", async () => {
    const reply = await call(github, "POST", "/graphql", {
      token: WORKFLOW_TOKEN,
      body: { query: "query { viewer { login email } }" },
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      errors: [{ message: expect.stringContaining("email") }],
    });
  });
});
