import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionError } from "../../src/errors.js";
import {
  WORKFLOW_TOKEN,
  startGitHub,
  type GitHubStandIn,
} from "../../stand-ins/github.js";
import { clientFor } from "./fixtures.js";

const ref = "refs/cakewalk-access/applied";
const refPath = "/repos/acme/access/git/ref/cakewalk-access/applied";
let github: GitHubStandIn;

beforeEach(async () => {
  github = await startGitHub({ files: { "access.yaml": "version: 1\n" } });
  await github.setRef(ref, await github.tip());
});

afterEach(() => github.close());

function requestsTo(path: string): number {
  return github.requests.filter((r) => r.path === path).length;
}

describe("retries", () => {
  it("retry a 502 and then succeed", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    github.failNext({ method: "GET", path: refPath, status: 502 });

    expect(await client.readRef(ref)).toBe(await github.tip());
    expect(requestsTo(refPath)).toBe(2);
  });

  it("retry a GraphQL request that met a 503", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    github.failNext({
      method: "POST",
      path: "/graphql",
      status: 503,
      times: 2,
    });

    expect((await client.viewer()).login).toBe("github-actions");
    expect(requestsTo("/graphql")).toBe(3);
  });

  it("give up after three retries with an api-error that quotes GitHub", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    github.failNext({ method: "GET", path: refPath, status: 500, times: 10 });

    const failure = await client.readRef(ref).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).reason).toBe("api-error");
    expect((failure as Error).message).toMatch(
      /500 "Internal Server Error".*re-run/,
    );
    expect(requestsTo(refPath)).toBe(4);
  });

  it("do not repeat a 404", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);

    expect(await client.readRef("refs/tags/none")).toBeUndefined();
    expect(requestsTo("/repos/acme/access/git/ref/tags/none")).toBe(1);
  });

  it("wait out a secondary rate limit when throttling is on", async () => {
    const { client, log } = clientFor(github, WORKFLOW_TOKEN, {
      throttle: true,
    });
    const pull = await github.openPullRequest({
      title: "t",
      branch: "b",
      files: { "x.txt": "1\n" },
    });
    const path = `/repos/acme/access/issues/${pull}/comments`;
    github.failNext({
      method: "GET",
      path,
      status: 403,
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      },
      headers: { "retry-after": "2" },
    });

    const found = await client.findComment(pull, "marker", {
      login: "x",
      id: 1,
    });

    expect(found).toBeUndefined();
    expect(requestsTo(path)).toBe(2);
    expect(log.lines.join("\n")).toMatch(
      /secondary rate limit.*retrying in 2 s/,
    );
  });
});
