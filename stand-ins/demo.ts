// npm run demo: the action's main job end to end, on this machine only.
//
// Starts the stand-in Cakewalk and GitHub APIs on 127.0.0.1, makes a
// throwaway repository whose access.yaml is already applied, opens a pull
// request that changes it, runs the built dist/index.js on the pull request
// and then on the merge, and prints what a person would see.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { example } from "./cakewalk-example.js";
import type { RunResult } from "./runner.js";
import { World, exampleManifest, stateRef } from "./world.js";

const bundle = join(
  dirname(fileURLToPath(import.meta.url)),
  "../dist/index.js",
);

function heading(text: string): void {
  console.log(`\n${"=".repeat(78)}\n${text}\n${"=".repeat(78)}`);
}

/** The log lines a person reads in the Actions UI (no debug lines). */
function showLog(run: RunResult): void {
  for (const line of run.stdout.split("\n")) {
    if (
      !line ||
      line.startsWith("::debug::") ||
      line.startsWith("::add-mask::")
    ) {
      continue;
    }
    console.log(`  | ${line.replace(/^::(group|endgroup)::/, "")}`);
  }
  console.log(`  exit code ${run.exitCode}; outputs:`);
  for (const [name, value] of Object.entries(run.outputs)) {
    if (name !== "result-file") console.log(`    ${name}: ${value}`);
  }
}

/** The change the pull request makes to the example manifest. */
function changeManifest(manifest: string): string {
  const promoted = manifest.replace(
    "    permissionLevel: viewer\n    user: sam\n",
    "    permissionLevel: editor\n    user: sam\n",
  );
  const withoutNotion = promoted.replace(
    /\n {2}- app: notion\n(?: {4}[^\n]*\n)+/,
    "\n",
  );
  return (
    withoutNotion +
    "\n  - app: figma\n    permissionLevel: viewer\n" +
    "    user: priya.raman@example.com\n" +
    "    reason: Support design handoffs (TICKET-1402)\n" +
    "\n  - app: github\n    permissionLevel: admin\n" +
    "    user: priya.raman@example.com\n" +
    "    reason: Release manager rotation (TICKET-1410)\n"
  );
}

async function main(): Promise<void> {
  if (!existsSync(bundle)) {
    throw new Error("dist/index.js is missing: run `npm run build` first.");
  }
  const world = await World.start({ applied: true, live: "all" });
  try {
    const manifest = await exampleManifest();
    heading("Setting");
    console.log(
      `Stand-in Cakewalk at ${world.cakewalk.url}, stand-in GitHub at ` +
        `${world.github.apiUrl}.\nRepository ${world.github.repository}: ` +
        `access.yaml on main is applied (${stateRef}), and Cakewalk holds ` +
        "its accesses.\nA pull request promotes Sam to Figma Editor, " +
        "adds Priya to Figma, makes Priya a GitHub Admin (a privileged " +
        "level) and drops Priya's Notion access.",
    );

    const pr = await world.github.openPullRequest({
      title: "Design and release access changes",
      branch: "access-changes",
      files: { "access.yaml": changeManifest(manifest) },
    });

    heading(`1. pull_request #${pr}: the action plans`);
    showLog(await world.onPullRequest(pr));
    heading("The plan comment on the pull request");
    console.log(world.github.comments(pr)[0]?.body ?? "(none)");

    heading(`2. The pull request is merged; push to main: the action applies`);
    const merged = await world.github.mergePullRequest(pr, "merge");
    const apply = await world.onPush(merged);
    showLog(apply);
    process.exitCode = apply.exitCode;
    heading("The results comment on the pull request");
    console.log(world.github.comments(pr).at(-1)?.body ?? "(none)");

    heading("What the stand-in Cakewalk received");
    for (const request of world.cakewalk.requests) {
      if (request.method !== "POST") continue;
      console.log(`POST ${request.path} -> ${request.answer}`);
      console.log(JSON.stringify(request.body, null, 2));
    }
    heading("What Cakewalk holds afterwards, for the apps the change touched");
    const users = new Map<string, string>(
      Object.values(example.users).map((u) => [u.id, u.name]),
    );
    const { figma, github, notion } = example.workApps;
    for (const app of [figma, github, notion]) {
      const levels = new Map<string, string>(
        Object.values(app.levels).map((l) => [l.id, l.name]),
      );
      console.log(`${app.name}:`);
      for (const access of world.cakewalk.accessesOf(app.id)) {
        const level = access.permissionLevelId
          ? levels.get(access.permissionLevelId)
          : "(no level)";
        console.log(`  ${users.get(access.userId) ?? access.userId}: ${level}`);
      }
    }
    console.log(
      `\nNotion is as it was: removals are reported, never revoked.` +
        `\n${stateRef} now points at ${await world.github.readRef(stateRef)}` +
        (merged === (await world.github.readRef(stateRef))
          ? ", the merge commit."
          : `; the merge commit is ${merged}.`),
    );
  } finally {
    await world.close();
  }
}

await main();
