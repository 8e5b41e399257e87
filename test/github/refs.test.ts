import { afterEach, describe, expect, it } from "vitest";
import { ActionError } from "../../src/errors.js";
import {
  WORKFLOW_TOKEN,
  startGitHub,
  type GitHubStandIn,
} from "../../stand-ins/github.js";
import { clientFor } from "./fixtures.js";

const ref = "refs/cakewalk-access/applied";
let github: GitHubStandIn;

afterEach(() => github.close());

/** A stand-in with a line of three commits on the default branch. */
async function withHistory(
  options: { refuseCustomRefNamespaces?: boolean } = {},
) {
  github = await startGitHub({
    files: { "access.yaml": "version: 1\n" },
    ...options,
  });
  const a = await github.tip();
  const b = await github.commitToDefault(
    { "access.yaml": "version: 1\n#b\n" },
    "B",
  );
  const c = await github.commitToDefault(
    { "access.yaml": "version: 1\n#c\n" },
    "C",
  );
  return { a, b, c, ...clientFor(github, WORKFLOW_TOKEN) };
}

function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("readRef", () => {
  it("answers undefined for a missing ref and the commit for an existing one", async () => {
    const { a, client } = await withHistory();
    expect(await client.readRef(ref)).toBeUndefined();

    await github.setRef(ref, a);

    expect(await client.readRef(ref)).toBe(a);
    expect(await client.readRef("refs/heads/main")).toBe(await github.tip());
  });

  it("rejects a state-ref that is not a full ref name", async () => {
    const { client } = await withHistory();
    const failure = await errorOf(client.readRef("cakewalk-applied"));
    expect((failure as Error).message).toMatch(/state-ref.*"cakewalk-applied"/);
  });
});

describe("moveRef", () => {
  it("creates the ref when it was read as missing", async () => {
    const { a, client } = await withHistory();

    expect(
      await client.moveRef({ ref, from: undefined, to: a, force: false }),
    ).toBe("moved");
    expect(await github.readRef(ref)).toBe(a);
  });

  it("reports a conflict when someone created the ref since it was read", async () => {
    const { a, b, client } = await withHistory();
    await github.setRef(ref, b);

    expect(
      await client.moveRef({ ref, from: undefined, to: a, force: false }),
    ).toBe("conflict");
    expect(await github.readRef(ref)).toBe(b);
  });

  it("fast-forwards with a compare-and-swap on the value read", async () => {
    const { a, c, client } = await withHistory();
    await github.setRef(ref, a);

    expect(await client.moveRef({ ref, from: a, to: c, force: false })).toBe(
      "moved",
    );

    expect(await github.readRef(ref)).toBe(c);
    const mutation = github.requests.find(
      (r) =>
        r.path === "/graphql" && JSON.stringify(r.body).includes("updateRefs"),
    );
    expect(mutation?.body).toMatchObject({
      variables: {
        input: {
          refUpdates: [{ name: ref, beforeOid: a, afterOid: c, force: false }],
        },
      },
    });
  });

  it("reports a conflict and changes nothing when someone moved the ref since it was read", async () => {
    const { a, b, c, client } = await withHistory();
    await github.setRef(ref, b); // another run applied B after this one read A

    expect(await client.moveRef({ ref, from: a, to: c, force: false })).toBe(
      "conflict",
    );
    expect(await github.readRef(ref)).toBe(b);
  });

  it("counts a ref already at the target as moved (a retried request)", async () => {
    const { b, client } = await withHistory();
    await github.setRef(ref, b);

    expect(
      await client.moveRef({ ref, from: undefined, to: b, force: false }),
    ).toBe("moved");
  });

  it("refuses a move backwards unless forced", async () => {
    const { a, c, client } = await withHistory();
    await github.setRef(ref, c);
    const backwards = { ref, from: c, to: a, force: false };

    const failure = await errorOf(client.moveRef(backwards));

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).reason).toBe("state-conflict");
    expect(await github.readRef(ref)).toBe(c);
    expect(await client.moveRef({ ...backwards, force: true })).toBe("moved");
    expect(await github.readRef(ref)).toBe(a);
  });

  it("re-anchors onto rewritten history only when forced", async () => {
    const { c, client } = await withHistory();
    await github.setRef(ref, c);
    const rewritten = await github.rewriteHistory();

    const refused = await errorOf(
      client.moveRef({ ref, from: c, to: rewritten, force: false }),
    );
    expect((refused as ActionError).reason).toBe("state-conflict");
    expect(await github.readRef(ref)).toBe(c);

    expect(
      await client.moveRef({ ref, from: c, to: rewritten, force: true }),
    ).toBe("moved");
    expect(await github.readRef(ref)).toBe(rewritten);
  });

  it("says to set state-ref to a tag when the host refuses the namespace", async () => {
    const { a, client } = await withHistory({
      refuseCustomRefNamespaces: true,
    });

    const failure = await errorOf(
      client.moveRef({ ref, from: undefined, to: a, force: false }),
    );

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).reason).toBe("api-error");
    expect((failure as Error).message).toContain('"state-ref"');
    expect((failure as Error).message).toContain(
      "refs/tags/cakewalk-access-applied",
    );
    const tag = "refs/tags/cakewalk-access-applied";
    expect(
      await client.moveRef({ ref: tag, from: undefined, to: a, force: false }),
    ).toBe("moved");
    expect(await github.readRef(tag)).toBe(a);
  });
});

describe("compare", () => {
  it("tells how the run's commit relates to the applied one, with the commits between", async () => {
    const { a, b, c, client } = await withHistory();

    expect(await client.compare(a, c)).toMatchObject({
      status: "ahead",
      aheadBy: 2,
      commits: [
        { sha: b, parents: [a] },
        { sha: c, parents: [b] },
      ],
    });
    expect((await client.compare(c, a))?.status).toBe("behind");
    expect((await client.compare(c, c))?.status).toBe("identical");
    expect(await client.compare(a, "e".repeat(40))).toBeUndefined();
  });

  it("pages through more commits than fit in one answer", async () => {
    const { c, client } = await withHistory();
    await github.commitToDefault(
      Array.from({ length: 105 }, () => ({})),
      "An empty commit",
    );

    const comparison = await client.compare(c, await github.tip());

    expect(comparison?.aheadBy).toBe(105);
    expect(comparison?.commits).toHaveLength(105);
    expect(new Set(comparison?.commits.map((commit) => commit.sha)).size).toBe(
      105,
    );
  });
});

describe("pull requests of a commit", () => {
  it("are the merged pull requests for merge, squash and rebase merges", async () => {
    const { client } = await withHistory();
    const open = (branch: string) =>
      github.openPullRequest({
        title: branch,
        branch,
        files: { [`${branch}.txt`]: "1\n" },
      });
    const merged = await open("merged");
    const squashed = await open("squashed");
    const rebased = await open("rebased");
    const stillOpen = await open("open");
    const mergeSha = await github.mergePullRequest(merged, "merge");
    const squashSha = await github.mergePullRequest(squashed, "squash");
    const rebaseSha = await github.mergePullRequest(rebased, "rebase");

    const numbers = async (sha: string) =>
      (await client.pullRequestsForCommit(sha)).map((p) => p.number);

    expect(await numbers(mergeSha)).toEqual([merged]);
    expect(await numbers(squashSha)).toEqual([squashed]);
    expect(await numbers(rebaseSha)).toEqual([rebased]);
    expect(await numbers(github.headSha(stillOpen))).toEqual([]);
    const [pull] = await client.pullRequestsForCommit(squashSha);
    expect(pull).toMatchObject({
      merge_commit_sha: squashSha,
      state: "closed",
      html_url: `https://github.com/acme/access/pull/${squashed}`,
    });
    expect((await client.pullRequest(stillOpen)).merged_at).toBeNull();
  });
});
