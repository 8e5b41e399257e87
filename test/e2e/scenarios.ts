// End to end: the built dist/index.js run as a child process, as a runner
// runs it, against the stand-in Cakewalk and GitHub APIs and a shallow
// checkout of a real git repository. node20.test.ts and node24.test.ts run
// every scenario on this process's Node 20 and on Node 24, the runtime that
// action.yml declares.
import { execFileSync } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { example } from "../../stand-ins/cakewalk-example.js";
import { FORK_TOKEN } from "../../stand-ins/github.js";
import { World, exampleManifest, stateRef } from "../../stand-ins/world.js";

const { users, workApps } = example;

/** An access item in YAML, to append to the example manifest. */
function item(app: string, level: string | undefined, user: string): string {
  return (
    `\n  - app: ${app}\n` +
    (level ? `    permissionLevel: ${level}\n` : "") +
    `    user: ${user}\n`
  );
}

export function scenarios(major: number, nodePath: () => Promise<string>) {
  describe(`on Node ${major}`, () => {
    let node: string;
    let world: World;
    let manifest: string;

    beforeAll(async () => {
      node = await nodePath();
      const version = execFileSync(node, ["--version"], { encoding: "utf8" });
      expect(version).toMatch(new RegExp(`^v${major}\\.`));
    }, 120_000);

    afterEach(async () => {
      await world?.close();
    });

    /** A world whose first commit is applied and whose accesses are live. */
    async function appliedWorld(): Promise<World> {
      manifest = await exampleManifest();
      world = await World.start({ applied: true, live: "all" });
      return world;
    }

    async function openPull(branch: string, ...items: string[]) {
      return world.github.openPullRequest({
        title: branch,
        branch,
        files: { "access.yaml": manifest + items.join("") },
      });
    }

    async function mergeAndApply(
      number: number,
      method: "merge" | "squash" | "rebase" = "merge",
      inputs: Record<string, string> = {},
    ) {
      const sha = await world.github.mergePullRequest(number, method);
      return { sha, run: await world.onPush(sha, { node, inputs }) };
    }

    it("plans a pull request, then updates the same comment on a second push", async () => {
      await appliedWorld();
      const pr = await openPull(
        "priya-figma",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const first = await world.onPullRequest(pr, { node });
      expect(first.exitCode, first.stdout).toBe(0);
      expect(first.outputs).toMatchObject({
        granted: "1",
        failed: "0",
        removed: "0",
        "failure-reason": "",
        "applied-sha": "",
      });
      expect(first.outputs["plan-hash"]).toMatch(/^[0-9a-f]{64}$/);
      expect(world.github.comments(pr)).toHaveLength(1);
      expect(world.github.comments(pr)[0]!.body).toContain("Priya Raman");
      expect(first.outputs["comment-url"]).toContain("issuecomment-");
      expect(first.summary).toContain("Priya Raman");
      expect(world.posted()).toEqual([]);

      await world.github.pushToPullRequest(pr, {
        "access.yaml":
          manifest +
          item("figma", "viewer", "priya.raman@example.com") +
          item("notion", undefined, "sam"),
      });
      const second = await world.onPullRequest(pr, { node });
      expect(second.exitCode, second.stdout).toBe(0);
      expect(second.outputs.granted).toBe("2");
      const comments = world.github.comments(pr);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain("Sam Okafor");
      expect(second.outputs["plan-hash"]).not.toBe(first.outputs["plan-hash"]);
      expect(world.posted()).toEqual([]);
    });

    it("applies a merge commit, a squash merge and a rebase merge once each, with results on the right pull request", async () => {
      await appliedWorld();
      const cases = [
        {
          method: "merge" as const,
          line: item("figma", "viewer", "priya.raman@example.com"),
          want: [workApps.figma.id, users.priya.id],
        },
        {
          method: "squash" as const,
          line: item("github", "member", "priya.raman@example.com"),
          want: [workApps.github.id, users.priya.id],
        },
        {
          method: "rebase" as const,
          line: item("notion", undefined, "sam"),
          want: [workApps.notion.id, users.sam.id],
        },
      ];
      for (const { method, line, want } of cases) {
        const before = world.posted().length;
        const pr = await world.github.openPullRequest({
          title: method,
          branch: method,
          // Two commits, so squash and rebase differ from a merge.
          files: [
            { "notes.txt": `${method}\n` },
            { "access.yaml": manifest + line },
          ],
        });
        expect((await world.onPullRequest(pr, { node })).exitCode).toBe(0);
        const { sha, run } = await mergeAndApply(pr, method);
        expect(run.exitCode, run.stdout).toBe(0);
        expect(run.outputs).toMatchObject({
          granted: "1",
          "applied-sha": sha,
          "failure-reason": "",
        });
        const posted = world.posted().slice(before);
        expect(posted).toEqual([
          {
            data: [
              expect.objectContaining({ workAppId: want[0], userId: want[1] }),
            ],
          },
        ]);
        expect(await world.github.readRef(stateRef)).toBe(sha);
        const results = world.github.comments(pr).map((c) => c.body);
        expect(results).toHaveLength(2);
        expect(results[1]).toContain("matches the plan");
        manifest += line;
      }
    });

    it("posts nothing when the same commit is applied again", async () => {
      await appliedWorld();
      const pr = await openPull(
        "again",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const { sha } = await mergeAndApply(pr);
      const posts = world.posted().length;
      const rerun = await world.onPush(sha, { node });
      expect(rerun.exitCode, rerun.stdout).toBe(0);
      expect(world.posted()).toHaveLength(posts);
      expect(rerun.outputs["applied-sha"]).toBe(sha);
      expect(world.github.comments(pr)).toHaveLength(1);
    });

    it("applies two merges whose first run never happened in the second run", async () => {
      await appliedWorld();
      const first = await openPull(
        "first",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      await world.github.mergePullRequest(first, "merge");
      manifest += item("figma", "viewer", "priya.raman@example.com");
      const second = await openPull("second", item("notion", undefined, "sam"));
      const { sha, run } = await mergeAndApply(second, "squash");
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.granted).toBe("2");
      expect(world.cakewalk.accessesOf(workApps.figma.id)).toContainEqual({
        userId: users.priya.id,
        permissionLevelId: workApps.figma.levels.viewer.id,
      });
      expect(world.cakewalk.accessesOf(workApps.notion.id)).toContainEqual({
        userId: users.sam.id,
        permissionLevelId: null,
      });
      expect(await world.github.readRef(stateRef)).toBe(sha);
      // Both pull requests get results; only the pushed one had no plan.
      expect(world.github.comments(first)).toHaveLength(1);
      expect(world.github.comments(second)).toHaveLength(1);
      expect(world.github.comments(second)[0]!.body).toMatch(/no plan/i);
    });

    it("changes a level and reports the level before", async () => {
      await appliedWorld();
      const changed = manifest.replace(
        "    permissionLevel: viewer\n    user: sam",
        "    permissionLevel: editor\n    user: sam",
      );
      expect(changed).not.toBe(manifest);
      const pr = await world.github.openPullRequest({
        title: "promote",
        branch: "promote",
        files: { "access.yaml": changed },
      });
      const plan = await world.onPullRequest(pr, { node });
      expect(world.github.comments(pr)[0]!.body).toMatch(/Viewer/);
      expect(plan.outputs.granted).toBe("1");
      const { run } = await mergeAndApply(pr);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(world.cakewalk.accessesOf(workApps.figma.id)).toContainEqual({
        userId: users.sam.id,
        permissionLevelId: workApps.figma.levels.editor.id,
      });
      expect(world.github.comments(pr)[1]!.body).toMatch(/Level changed/);
    });

    it("reports a removal as not revoked and posts nothing for it", async () => {
      await appliedWorld();
      const removed = manifest.replace(
        /\n {2}- app: figma\n {4}permissionLevel: viewer\n {4}user: sam\n {4}reason: [^\n]*\n/,
        "\n",
      );
      expect(removed).not.toBe(manifest);
      const pr = await world.github.openPullRequest({
        title: "offboard",
        branch: "offboard",
        files: { "access.yaml": removed },
      });
      const plan = await world.onPullRequest(pr, { node });
      expect(plan.outputs.removed).toBe("1");
      expect(world.github.comments(pr)[0]!.body).toMatch(/not revoked/);
      const { sha, run } = await mergeAndApply(pr);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs).toMatchObject({ removed: "1", granted: "0" });
      expect(world.posted()).toEqual([]);
      expect(await world.github.readRef(stateRef)).toBe(sha);
    });

    it("bootstraps without a ref, posting only what Cakewalk lacks", async () => {
      world = await World.start({ applied: false, live: "some" });
      const tip = await world.github.tip();
      const run = await world.onPush(tip, { node });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.summary).toMatch(/First apply/);
      // Ana is already a Slack Member; everything else in the example is new
      // or (Lee in Figma) at another level.
      expect(run.outputs.skipped).toBe("1");
      const posted = world.posted() as { data: { userId: string }[] }[];
      const sent = posted.flatMap((body) => body.data);
      expect(sent).toHaveLength(Number(run.outputs.granted));
      expect(sent).not.toContainEqual(
        expect.objectContaining({
          workAppId: workApps.slack.id,
          userId: users.ana.id,
        }),
      );
      expect(await world.github.readRef(stateRef)).toBe(tip);
    });

    it("isolates one bad entry in a batch of ten and keeps the ref until it is fixed", async () => {
      await appliedWorld();
      const people = Array.from({ length: 10 }, (_, i) =>
        world.cakewalk.addUser({
          email: `new${i}@example.com`,
          name: `New ${i}`,
        }),
      );
      world.cakewalk.refuseGrantsTo(
        people[6]!.id,
        "This user cannot be provisioned in Figma.",
      );
      const pr = await openPull(
        "ten",
        ...people.map((p) => item("figma", "viewer", p.email)),
      );
      const { sha, run } = await mergeAndApply(pr);
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({
        granted: "9",
        failed: "1",
        "failure-reason": "partial",
      });
      expect(await world.github.readRef(stateRef)).not.toBe(sha);
      const results = world.github.comments(pr).at(-1)!.body;
      expect(results).toContain("cannot be provisioned in Figma");
      expect(run.stdout).toMatch(/::error::1 of 10 accesses failed/);
      expect(run.stdout).toMatch(
        /Failed: "New 6" in "Figma" at "Viewer": .*cannot be provisioned in Figma/,
      );

      // Fixed in Cakewalk: the re-run posts only the missing one.
      world.cakewalk.refuseGrantsTo(people[6]!.id, "");
      world.cakewalk.state.refusedUsers.clear();
      const posts = world.posted().length;
      const rerun = await world.onPush(sha, { node });
      expect(rerun.exitCode, rerun.stdout).toBe(0);
      expect(rerun.outputs).toMatchObject({ granted: "1", skipped: "9" });
      expect(world.posted().slice(posts)).toEqual([
        { data: [expect.objectContaining({ userId: people[6]!.id })] },
      ]);
      expect(await world.github.readRef(stateRef)).toBe(sha);
    });

    it("recovers from a 429 and a 500", async () => {
      await appliedWorld();
      const pr = await openPull(
        "flaky",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      world.cakewalk.failNext({
        method: "GET",
        path: /accesses/i,
        status: 500,
      });
      world.cakewalk.failNext({ method: "POST", status: 429, retryAfter: 1 });
      const { sha, run } = await mergeAndApply(pr);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/429/);
      expect(world.cakewalk.requests.map((r) => r.answer)).toEqual(
        expect.arrayContaining([429, 500]),
      );
      expect(run.outputs.granted).toBe("1");
      expect(await world.github.readRef(stateRef)).toBe(sha);
    });

    it("stops when history was rewritten, and re-anchors on a manual full run", async () => {
      await appliedWorld();
      const tip = await world.github.rewriteHistory();
      const run = await world.onPush(tip, { node });
      expect(run.exitCode).toBe(1);
      expect(run.outputs["failure-reason"]).toBe("base-not-found");
      expect(run.stdout).toMatch(/history was rewritten/);
      expect(run.stdout).toMatch(/re-anchor/);
      expect(world.posted()).toEqual([]);

      const anchor = await world.onDispatch({
        node,
        inputs: { scope: "full" },
      });
      expect(anchor.exitCode, anchor.stdout).toBe(0);
      expect(anchor.summary).toMatch(/Re-anchored/);
      expect(await world.github.readRef(stateRef)).toBe(tip);
    });

    it("says the grants went through when GitHub refuses to record the applied commit, and a re-run records it", async () => {
      await appliedWorld();
      const pr = await openPull(
        "no-write",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const sha = await world.github.mergePullRequest(pr, "merge");
      world.github.failNext({ method: "POST", path: "/graphql", status: 403 });
      const refused = await world.onPush(sha, { node });
      expect(refused.exitCode).toBe(1);
      expect(refused.outputs).toMatchObject({
        granted: "1",
        "failure-reason": "api-error",
      });
      expect(refused.stdout).toMatch(
        /Cakewalk took the 1 access\(es\) this run posted\. GitHub refused to record the applied commit/,
      );
      expect(await world.github.readRef(stateRef)).not.toBe(sha);

      const posts = world.posted().length;
      const rerun = await world.onPush(sha, { node });
      expect(rerun.exitCode, rerun.stdout).toBe(0);
      expect(world.posted()).toHaveLength(posts);
      expect(await world.github.readRef(stateRef)).toBe(sha);
    });

    it("reports where the ref is after losing a race, and never forces it", async () => {
      await appliedWorld();
      const first = await openPull(
        "first",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const firstSha = await world.github.mergePullRequest(first, "merge");
      manifest += item("figma", "viewer", "priya.raman@example.com");
      const second = await openPull("second", item("notion", undefined, "sam"));
      const secondSha = await world.github.mergePullRequest(second, "merge");

      // While this run reads live accesses, another run records firstSha.
      world.cakewalk.failNext({
        method: "GET",
        path: /accesses/i,
        delayMs: 1500,
      });
      const running = world.onPush(secondSha, { node });
      while (!world.cakewalk.requests.some((r) => /accesses/i.test(r.path))) {
        await new Promise((done) => setTimeout(done, 20));
      }
      await world.github.setRef(stateRef, firstSha);
      const lost = await running;
      expect(lost.exitCode).toBe(1);
      expect(lost.outputs).toMatchObject({
        "failure-reason": "state-conflict",
        "applied-sha": firstSha,
      });
      expect(lost.stdout).toMatch(
        /Cakewalk took the 2 access\(es\) this run posted/,
      );
      expect(await world.github.readRef(stateRef)).toBe(firstSha);

      const posts = world.posted().length;
      const rerun = await world.onPush(secondSha, { node });
      expect(rerun.exitCode, rerun.stdout).toBe(0);
      expect(world.posted()).toHaveLength(posts);
      expect(await world.github.readRef(stateRef)).toBe(secondSha);
    });

    it("blames the api-url, not the entries, when every post gets a 404", async () => {
      await appliedWorld();
      const pr = await openPull(
        "wrong-url",
        item("figma", "viewer", "priya.raman@example.com"),
        item("notion", undefined, "sam"),
      );
      world.cakewalk.failNext({ method: "POST", status: 404, times: 20 });
      const { sha, run } = await mergeAndApply(pr);
      expect(run.exitCode).toBe(1);
      expect(run.outputs["failure-reason"]).toBe("api-error");
      expect(run.stdout).toMatch(
        /HTTP 404 to every post to \/api\/v1\/WorkApps\/Accesses: the endpoint is not where the api-url input/,
      );
      expect(await world.github.readRef(stateRef)).not.toBe(sha);
    });

    it("stops before posting when max-grants is exceeded", async () => {
      await appliedWorld();
      const pr = await openPull(
        "many",
        item("figma", "viewer", "priya.raman@example.com"),
        item("notion", undefined, "sam"),
        item("github", "member", "priya.raman@example.com"),
      );
      const { sha, run } = await mergeAndApply(pr, "merge", {
        "max-grants": "2",
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs["failure-reason"]).toBe("too-many-grants");
      expect(run.stdout).toMatch(
        /would post 3 accesses, more than max-grants \(2\)/,
      );
      expect(world.posted()).toEqual([]);
      expect(await world.github.readRef(stateRef)).not.toBe(sha);
    });

    it("refuses apply on a pull request before reading Cakewalk", async () => {
      await appliedWorld();
      const pr = await openPull(
        "sneaky",
        item("github", "admin", "priya.raman@example.com"),
      );
      const run = await world.onPullRequest(pr, {
        node,
        inputs: { mode: "apply" },
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs["failure-reason"]).toBe("refused");
      expect(run.stdout).toMatch(/Apply is refused on pull_request events/);
      expect(world.cakewalk.requests).toEqual([]);
    });

    it("says the first apply matches the plan reviewed on the pull request", async () => {
      manifest = await exampleManifest();
      world = await World.start({ applied: false, live: "all" });
      const pr = await openPull(
        "first",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      expect((await world.onPullRequest(pr, { node })).exitCode).toBe(0);
      const { run } = await mergeAndApply(pr, "squash");
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).not.toMatch(/::warning::/);
      expect(world.github.comments(pr).at(-1)!.body).toContain(
        "matches the plan",
      );
    });

    it("comments results only on pull requests that changed the manifest", async () => {
      await appliedWorld();
      const docs = await world.github.openPullRequest({
        title: "docs",
        branch: "docs",
        files: { "README.md": "Access is managed in access.yaml.\n" },
      });
      await world.github.mergePullRequest(docs, "merge");
      const grant = await openPull(
        "grant",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const { run } = await mergeAndApply(grant);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(world.github.comments(docs)).toEqual([]);
      expect(world.github.comments(grant)).toHaveLength(1);
    });

    it("plans the pull request's test merge on pull_request_target", async () => {
      await appliedWorld();
      const pr = await openPull(
        "target",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      // On pull_request_target, GITHUB_SHA is the base branch's tip.
      const run = await world.run(
        "pull_request_target",
        world.github.pullRequestEvent(pr),
        { node, sha: await world.github.tip(), ref: "refs/heads/main" },
      );
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.granted).toBe("1");
      expect(world.github.comments(pr)[0]!.body).toContain("Priya Raman");
    });

    it("sets every output and writes a summary when an input is invalid", async () => {
      await appliedWorld();
      const run = await world.onPush(await world.github.tip(), {
        node,
        inputs: { "batch-size": "0" },
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({
        granted: "0",
        failed: "0",
        "failure-reason": "refused",
      });
      expect(run.stdout).toMatch(/::error::Input "batch-size" is "0"/);
      expect(run.summary).toMatch(/batch-size/);
      expect(world.cakewalk.requests).toEqual([]);
    });

    it("computes everything but posts nothing and keeps the ref on a dry run", async () => {
      await appliedWorld();
      const pr = await openPull(
        "trial",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const { sha, run } = await mergeAndApply(pr, "merge", {
        "dry-run": "true",
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs).toMatchObject({ granted: "1", failed: "0" });
      expect(world.posted()).toEqual([]);
      expect(await world.github.readRef(stateRef)).not.toBe(sha);
      expect(world.github.comments(pr).at(-1)!.body).toMatch(/dry run/i);
    });

    it("checks drift on a schedule: silent when in step, failing on a difference", async () => {
      await appliedWorld();
      const payload = {
        schedule: "0 6 * * 1-5",
        repository: { default_branch: "main" },
      };
      const schedule = async () =>
        world.run("schedule", payload, {
          node,
          sha: await world.github.tip(),
          ref: "refs/heads/main",
        });
      const inStep = await schedule();
      expect(inStep.exitCode, inStep.stdout).toBe(0);
      expect(inStep.outputs["failure-reason"]).toBe("");

      // Someone grants a privileged level by hand, outside the manifest.
      world.cakewalk.setAccess(
        workApps.slack.id,
        users.former.id,
        workApps.slack.levels.admin.id,
      );
      const drifted = await schedule();
      expect(drifted.exitCode).toBe(1);
      expect(drifted.outputs["failure-reason"]).toBe("drift");
      expect(drifted.stdout).toMatch(/1 only in Cakewalk/);
      expect(drifted.summary).toContain("Alex Former");
      expect(world.posted()).toEqual([]);
    });

    it("plans a merge queue entry against its base, without a comment, and refuses to apply there", async () => {
      await appliedWorld();
      const pr = await openPull(
        "queued",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const payload = {
        merge_group: {
          base_sha: world.github.baseSha(pr),
          head_sha: world.github.testMergeSha(pr),
          head_ref: `refs/heads/gh-readonly-queue/main/pr-${pr}`,
        },
        repository: { default_branch: "main" },
      };
      const options = {
        node,
        sha: world.github.testMergeSha(pr),
        ref: `refs/heads/gh-readonly-queue/main/pr-${pr}`,
      };
      const plan = await world.run("merge_group", payload, options);
      expect(plan.exitCode, plan.stdout).toBe(0);
      expect(plan.outputs.granted).toBe("1");
      expect(world.github.comments(pr)).toEqual([]);

      const apply = await world.run("merge_group", payload, {
        ...options,
        inputs: { mode: "apply" },
      });
      expect(apply.outputs["failure-reason"]).toBe("refused");
      expect(world.posted()).toEqual([]);
    });

    it("plans a fork pull request without secrets and warns once that it cannot comment", async () => {
      await appliedWorld();
      const pr = await openPull(
        "fork",
        item("figma", "viewer", "priya.raman@example.com"),
      );
      const run = await world.onPullRequest(pr, {
        node,
        token: FORK_TOKEN,
        inputs: { "api-key": "", "api-secret": "" },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs["failure-reason"]).toBe("");
      expect(
        run.stdout.match(/::warning::[^\n]*may not comment/g),
      ).toHaveLength(1);
      expect(run.summary).toMatch(/not checked/);
      expect(run.summary).toContain("priya.raman@example.com");
      expect(world.github.comments(pr)).toEqual([]);
      expect(world.cakewalk.requests).toEqual([]);
    });
  });
}
