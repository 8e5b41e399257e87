import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionError } from "../../src/errors.js";
import { CommentForbiddenError } from "../../src/github/client.js";
import {
  APP_TOKEN,
  FORK_TOKEN,
  PERSONAL_TOKEN,
  WORKFLOW_TOKEN,
  startGitHub,
  type GitHubStandIn,
} from "../../stand-ins/github.js";
import { call, clientFor } from "./fixtures.js";

let github: GitHubStandIn;
let pull: number;

beforeAll(async () => {
  github = await startGitHub({ files: { "access.yaml": "version: 1\n" } });
  pull = await github.openPullRequest({
    title: "Grant Slack",
    branch: "slack",
    files: { "access.yaml": "version: 1\naccesses: []\n" },
  });
});

afterAll(() => github.close());

describe("the token's identity", () => {
  it("is read through GraphQL viewer for the workflow token", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    expect(await client.viewer()).toEqual({
      login: "github-actions",
      id: 41898282,
    });
  });

  it("is read through GraphQL viewer for an App installation token", async () => {
    const { client } = clientFor(github, APP_TOKEN);
    expect(await client.viewer()).toEqual({ login: "my-app", id: 149_000_001 });
  });

  it("is read through GraphQL viewer for a personal token", async () => {
    const { client } = clientFor(github, PERSONAL_TOKEN);
    expect(await client.viewer()).toEqual({
      login: "octo-admin",
      id: 7_654_321,
    });
  });

  it("is not available from REST GET /user to the workflow token", async () => {
    const workflow = await call(github, "GET", "/user", {
      token: WORKFLOW_TOKEN,
    });
    const personal = await call(github, "GET", "/user", {
      token: PERSONAL_TOKEN,
    });

    expect(workflow).toMatchObject({
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    expect(personal).toMatchObject({
      status: 200,
      body: { login: "octo-admin" },
    });
  });

  it("fails with a message naming the github-token input when the token is wrong", async () => {
    const { client } = clientFor(github, "ghp_revoked");

    const failure = await client.viewer().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).reason).toBe("api-error");
    expect((failure as Error).message).toMatch(/401 "Bad credentials"/);
    expect((failure as Error).message).toContain('"github-token"');
  });
});

describe("a fork's read-only token", () => {
  it("can read the viewer and the comments", async () => {
    const { client } = clientFor(github, FORK_TOKEN);
    const viewer = await client.viewer();

    expect(viewer.login).toBe("github-actions");
    expect(
      await client.findComment(pull, "<!-- marker -->", viewer),
    ).toBeUndefined();
  });

  it("gets CommentForbiddenError when it creates or upserts a comment", async () => {
    const { client } = clientFor(github, FORK_TOKEN);
    const viewer = await client.viewer();

    const upsert = client
      .upsertComment(pull, "<!-- marker -->", "<!-- marker --> plan", viewer)
      .catch((error: unknown) => error);
    const create = client
      .createComment(pull, "results")
      .catch((e: unknown) => e);

    expect(await upsert).toBeInstanceOf(CommentForbiddenError);
    expect(await create).toBeInstanceOf(CommentForbiddenError);
    expect(((await create) as Error).message).toContain(
      "Resource not accessible by integration",
    );
    expect(github.comments(pull)).toEqual([]);
  });

  it("cannot move the state ref, and the ref stays where it was", async () => {
    const { client } = clientFor(github, FORK_TOKEN);
    const base = github.baseSha(pull);
    await github.setRef("refs/cakewalk-access/applied", base);

    const failure = await client
      .moveRef({
        ref: "refs/cakewalk-access/applied",
        from: base,
        to: github.testMergeSha(pull),
        force: false,
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as Error).message).toContain("contents: write");
    expect(await github.readRef("refs/cakewalk-access/applied")).toBe(base);
  });
});
