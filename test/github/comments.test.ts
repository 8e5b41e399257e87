import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionError } from "../../src/errors.js";
import { isWrittenBy } from "../../src/github/client.js";
import {
  APP_TOKEN,
  WORKFLOW_TOKEN,
  defaultTokens,
  startGitHub,
  type Account,
  type GitHubStandIn,
} from "../../stand-ins/github.js";
import { clientFor } from "./fixtures.js";

const marker = "<!-- cakewalk-access-plan manifest=access.yaml -->";
const actionsBot: Account = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};
const ana: Account = { login: "ana", id: 1001, type: "User" };

let github: GitHubStandIn;
let pull: number;

beforeEach(async () => {
  github = await startGitHub({
    files: { "access.yaml": "version: 1\n" },
    tokens: {
      ...defaultTokens,
      // An App token whose GraphQL identity comes without a database id.
      ghs_no_database_id: {
        ...defaultTokens[APP_TOKEN]!,
        graphqlDatabaseId: null,
      },
    },
  });
  pull = await github.openPullRequest({
    title: "Grant Slack",
    branch: "slack",
    files: { "access.yaml": "version: 1\naccesses: []\n" },
  });
});

afterEach(() => github.close());

function patches(): number {
  return github.requests.filter((r) => r.method === "PATCH").length;
}

describe("upsertComment", () => {
  it("creates the plan comment once, then updates that same comment", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    const viewer = await client.viewer();

    const first = await client.upsertComment(
      pull,
      marker,
      `${marker}\nv1`,
      viewer,
    );
    const second = await client.upsertComment(
      pull,
      marker,
      `${marker}\nv2`,
      viewer,
    );

    expect(first.action).toBe("created");
    expect(second).toEqual({ url: first.url, action: "updated" });
    expect(github.comments(pull)).toMatchObject([
      { body: `${marker}\nv2`, user: actionsBot },
    ]);
    expect(first.url).toMatch(/\/acme\/access\/pull\/1#issuecomment-\d+$/);
  });

  it("leaves an identical comment alone", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    const viewer = await client.viewer();
    await client.upsertComment(pull, marker, `${marker}\nsame`, viewer);

    const again = await client.upsertComment(
      pull,
      marker,
      `${marker}\nsame`,
      viewer,
    );

    expect(again.action).toBe("unchanged");
    expect(patches()).toBe(0);
  });

  it("finds its own comment beyond the first page of comments", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    for (let i = 0; i < 150; i++) {
      github.addComment({ issue: pull, body: `comment ${i}`, author: ana });
    }
    const own = github.addComment({
      issue: pull,
      body: `${marker}\nold plan`,
      author: actionsBot,
    });
    github.addComment({ issue: pull, body: "after", author: ana });
    const viewer = await client.viewer();

    const found = await client.findComment(pull, marker, viewer);
    const result = await client.upsertComment(
      pull,
      marker,
      `${marker}\nnew`,
      viewer,
    );

    expect(found?.id).toBe(own);
    expect(result.action).toBe("updated");
    expect(github.comments(pull)).toHaveLength(152);
    expect(github.comments(pull).find((c) => c.id === own)?.body).toBe(
      `${marker}\nnew`,
    );
    const pages = github.requests.filter(
      (r) => r.method === "GET" && r.path.endsWith(`/issues/${pull}/comments`),
    );
    expect(pages.map((r) => r.query.page ?? "1")).toEqual(["1", "2", "1", "2"]);
  });

  it("never edits a comment carrying the marker that someone else wrote", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    const planted = github.addComment({
      issue: pull,
      body: `${marker}\nplanted by Ana`,
      author: ana,
    });
    const viewer = await client.viewer();

    const result = await client.upsertComment(
      pull,
      marker,
      `${marker}\nplan`,
      viewer,
    );

    expect(result.action).toBe("created");
    expect(patches()).toBe(0);
    const comments = github.comments(pull);
    expect(comments.find((c) => c.id === planted)?.body).toBe(
      `${marker}\nplanted by Ana`,
    );
    expect(comments).toHaveLength(2);
  });

  it("does not take another bot's marked comment for its own", async () => {
    const { client } = clientFor(github, APP_TOKEN);
    github.addComment({
      issue: pull,
      body: `${marker}\nby actions`,
      author: actionsBot,
    });
    const viewer = await client.viewer();

    expect(await client.findComment(pull, marker, viewer)).toBeUndefined();
  });

  it("recognises its bot comment by login when GraphQL gives no database id", async () => {
    const { client } = clientFor(github, "ghs_no_database_id");
    const own = github.addComment({
      issue: pull,
      body: `${marker}\nmine`,
      author: { login: "my-app[bot]", id: 149_000_001, type: "Bot" },
    });
    const viewer = await client.viewer();

    expect(viewer).toEqual({ login: "my-app", id: undefined });
    expect((await client.findComment(pull, marker, viewer))?.id).toBe(own);
  });

  it("refuses a body without its marker, which could never be found again", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);
    const viewer = await client.viewer();

    await expect(
      client.upsertComment(pull, marker, "no marker", viewer),
    ).rejects.toThrow(/lacks its marker/);
  });

  it("reports GitHub's refusal of a body over the size limit as an api-error", async () => {
    const { client } = clientFor(github, WORKFLOW_TOKEN);

    const failure = await client
      .createComment(pull, "x".repeat(70_000))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).reason).toBe("api-error");
    expect((failure as Error).message).toContain("422");
  });
});

describe("isWrittenBy", () => {
  const bot = { login: "my-app[bot]", id: 5, type: "Bot" };

  it("decides by id when the viewer's id is known", () => {
    expect(isWrittenBy(bot, { login: "my-app", id: 5 })).toBe(true);
    expect(isWrittenBy(bot, { login: "my-app", id: 6 })).toBe(false);
  });

  it("falls back to the login, with the [bot] suffix only for bots", () => {
    const viewer = { login: "my-app", id: undefined };
    expect(isWrittenBy(bot, viewer)).toBe(true);
    expect(
      isWrittenBy({ login: "my-app[bot]", id: 7, type: "User" }, viewer),
    ).toBe(false);
    expect(isWrittenBy({ login: "my-app", id: 8, type: "User" }, viewer)).toBe(
      true,
    );
    expect(isWrittenBy(null, viewer)).toBe(false);
  });
});
