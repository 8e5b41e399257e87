import { afterEach, describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/parse.js";
import type { ManifestFile } from "../../src/model.js";
import { resolveManifests } from "../../src/resolve.js";
import {
  startCakewalk,
  type CakewalkStandIn,
} from "../../stand-ins/cakewalk.js";
import { clientFor } from "../cakewalk/stand-in-setup.js";

function manifest(text: string, file = "access.yaml"): ManifestFile {
  const result = parseManifest(text, file);
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  return result.manifest!;
}

const figmaId = "3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10";
const editorId = "8a1d4c2b-3e5f-4a6b-9c7d-1e2f3a4b5c6d";

describe("resolving without Cakewalk (no credentials)", () => {
  it("expands app, level and user aliases and keys pairs by what they mean", async () => {
    const file = manifest(`version: 1
apps:
  figma:
    id: ${figmaId}
    permissionLevels:
      editor: ${editorId}
users:
  ana: Ana.Lopez@Example.com
accesses:
  - app: figma
    permissionLevel: editor
    user: ana
  - app: ${figmaId}
    permissionLevel: editor
    user: lee@example.com
  - app: Slack
    permissionLevel: Member
    user: ana
`);
    const { accesses, problems } = await resolveManifests([file]);
    expect(problems).toEqual([]);
    expect(accesses.map((a) => [a.key, a.levelKey])).toEqual([
      [`app:id:${figmaId}|user:email:ana.lopez@example.com`, `id:${editorId}`],
      // The app written as its id still gets the alias's level names.
      [`app:id:${figmaId}|user:email:lee@example.com`, `id:${editorId}`],
      ["app:name:slack|user:email:ana.lopez@example.com", "name:member"],
    ]);
    expect(accesses.every((a) => !a.resolved)).toBe(true);
    expect(accesses[0]!.location).toMatchObject({ line: 12 });
  });

  it("reports a user that is not an alias, with the line and a suggestion", async () => {
    const file = manifest(`version: 1
users:
  ana: ana@example.com
accesses:
  - app: Slack
    users: [ana, anna]
`);
    const { accesses, problems } = await resolveManifests([file]);
    expect(accesses).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: "error",
      location: { file: "access.yaml", line: 6 },
    });
    expect(problems[0]!.message).toMatch(
      /User "anna" is not a user id, not an email and not an alias under `users:`.*Did you mean "ana"\?/,
    );
  });

  it("treats an app that is not an alias as a name to look up, not an error", async () => {
    const file = manifest(`version: 1
accesses:
  - app: figma
    user: ana@example.com
`);
    const { accesses, problems } = await resolveManifests([file]);
    expect(problems).toEqual([]);
    expect(accesses[0]!.key).toBe("app:name:figma|user:email:ana@example.com");
  });

  it("reports the same pair with two levels as an error naming both lines", async () => {
    const file = manifest(`version: 1
accesses:
  - app: Figma
    permissionLevel: Editor
    user: ana@example.com
  - app: figma
    permissionLevel: Viewer
    user: ANA@example.com
`);
    const { accesses, problems } = await resolveManifests([file]);
    expect(accesses).toHaveLength(1);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "error",
        location: expect.objectContaining({ line: 8 }),
        message: expect.stringMatching(
          /listed twice with different permission levels: "Viewer" here and "Editor" at access\.yaml:5/,
        ),
      }),
    ]);
  });

  it("warns when the same pair is listed twice with the same level", async () => {
    const file = manifest(`version: 1
accesses:
  - app: Figma
    permissionLevel: Editor
    users: [ana@example.com, ana@example.com]
`);
    const { problems } = await resolveManifests([file]);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        location: expect.objectContaining({ line: 5 }),
        message: expect.stringMatching(
          /listed twice \(also at access\.yaml:5\)/,
        ),
      }),
    ]);
  });

  it("reports a duplicate pair across two files of a glob with both locations", async () => {
    const a = manifest(
      `version: 1
accesses:
  - app: Figma
    permissionLevel: Editor
    user: ana@example.com
`,
      "access/design.yaml",
    );
    const b = manifest(
      `version: 1
users:
  ana: ana@example.com
accesses:
  - app: Figma
    permissionLevel: Viewer
    user: ana
`,
      "access/team.yaml",
    );
    const { problems } = await resolveManifests([a, b]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.location).toMatchObject({
      file: "access/team.yaml",
      line: 7,
    });
    expect(problems[0]!.message).toContain("at access/design.yaml:5");
  });
});

describe("resolving against Cakewalk over HTTP", () => {
  let cakewalk: CakewalkStandIn;
  afterEach(async () => cakewalk?.close());

  async function organisation() {
    cakewalk = await startCakewalk();
    for (let i = 0; i < 140; i++) {
      cakewalk.addUser({
        email: `person${i}@example.com`,
        name: `Person ${i}`,
      });
    }
    // Stored in decomposed form (NFD) and mixed case.
    const jose = cakewalk.addUser({
      email: "Jose\u0301.Nun\u0303ez@Example.com",
      name: "José Núñez",
    });
    const gone = cakewalk.addUser({
      email: "gone@example.com",
      statusName: "Deactivated",
    });
    const figma = cakewalk.addWorkApp({
      name: "Figma",
      levels: [{ name: "Viewer" }, { name: "Editor", isPrivileged: true }],
    });
    const zoomA = cakewalk.addWorkApp({ name: "Zoom" });
    const zoomB = cakewalk.addWorkApp({ name: "zoom " });
    return { jose, gone, figma, zoomA, zoomB };
  }

  it("pages past 100 users and matches emails ignoring case and Unicode form", async () => {
    const { jose, figma } = await organisation();
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: figma
    permissionLevel: editor
    users: [" JOSÉ.NUÑEZ@example.COM", person139@example.com]
`);
    const { accesses, problems } = await resolveManifests([file], {
      directory: client,
    });
    expect(problems).toEqual([]);
    expect(accesses.map((a) => a.user.id)).toEqual([
      jose.id,
      expect.any(String),
    ]);
    expect(accesses[0]).toMatchObject({
      resolved: true,
      app: { id: figma.id, display: "Figma" },
      user: { display: "José Núñez" },
      permissionLevel: { display: "Editor", privileged: true },
    });
    const userPages = cakewalk.requests.filter((r) => /\/users$/i.test(r.path));
    expect(userPages.length).toBeGreaterThanOrEqual(2);
  });

  it("reports an ambiguous app name with the ids of both apps", async () => {
    const { zoomA, zoomB } = await organisation();
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: ZOOM
    user: person1@example.com
`);
    const { problems } = await resolveManifests([file], { directory: client });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.location.line).toBe(3);
    expect(problems[0]!.message).toContain(`"ZOOM" matches 2 records`);
    expect(problems[0]!.message).toContain(zoomA.id);
    expect(problems[0]!.message).toContain(zoomB.id);
  });

  it("suggests the closest level for an unknown one", async () => {
    await organisation();
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: Figma
    permissionLevel: Editr
    user: person1@example.com
`);
    const { problems } = await resolveManifests([file], { directory: client });
    expect(problems).toEqual([
      expect.objectContaining({
        location: expect.objectContaining({ line: 4 }),
        message: expect.stringMatching(
          /No permission level name "Editr" in "Figma"\. Did you mean "Editor"\?/,
        ),
      }),
    ]);
  });

  it("requires a level for an app that has levels, naming them", async () => {
    await organisation();
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: Figma
    user: person1@example.com
`);
    const { problems } = await resolveManifests([file], { directory: client });
    expect(problems[0]!.message).toMatch(
      /"Figma" has permission levels, so this access needs a `permissionLevel`: one of "Viewer", "Editor"/,
    );
  });

  it("suggests the closest email and warns about a deactivated user", async () => {
    await organisation();
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: Zoom Meetings
    user: gone@example.com
  - app: Figma
    permissionLevel: Viewer
    users: [gone@example.com, persn12@example.com]
`);
    const { problems } = await resolveManifests([file], { directory: client });
    const messages = problems.map(
      (p) => `${p.severity} ${p.location.line} ${p.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error 3 No work app name "Zoom Meetings"/),
        expect.stringMatching(
          /^warning 7 User "gone@example.com" is Deactivated in Cakewalk/,
        ),
        expect.stringMatching(
          /^error 7 No user email "persn12@example.com" in Cakewalk\. Did you mean "person12@example.com"/,
        ),
      ]),
    );
  });

  it("waits out a 429 in the middle of paging instead of reporting not found", async () => {
    await organisation();
    cakewalk.failNext({
      method: "GET",
      path: /users/i,
      skip: 1,
      status: 429,
      retryAfter: 1,
    });
    const { client, log } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: Notion
    user: person139@example.com
`);
    cakewalk.addWorkApp({ name: "Notion" });
    const { problems, accesses } = await resolveManifests([file], {
      directory: client,
    });
    expect(problems).toEqual([]);
    expect(accesses[0]!.user.display).toBe("Person 139");
    expect(cakewalk.requests.some((r) => r.answer === 429)).toBe(true);
    expect(log.lines.join("\n")).toMatch(/429/);
  });

  it("matches a base entry that no longer resolves by its written reference", async () => {
    await organisation();
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: Figma
    permissionLevel: Viewer
    user: deleted.person@example.com
`);
    const { problems, accesses, matchedByText } = await resolveManifests(
      [file],
      { directory: client, lenient: true },
    );
    expect(matchedByText).toEqual([
      expect.objectContaining({
        severity: "warning",
        location: expect.objectContaining({ line: 5 }),
      }),
    ]);
    expect(accesses[0]!.key).toBe(
      "app:name:figma|user:email:deleted.person@example.com",
    );
    expect(problems.map((p) => p.severity)).toContain("warning");
  });
});

describe("resolving levels and ids in SPEC order", () => {
  let cakewalk: CakewalkStandIn;
  afterEach(async () => cakewalk?.close());

  it("reads a UUID as an id even when an alias has that name", async () => {
    const file = manifest(`version: 1
apps:
  ${figmaId}: 0b7e6c5d-4a3b-4c2d-8e1f-9a8b7c6d5e4f
accesses:
  - app: ${figmaId}
    user: ana@example.com
`);
    const { accesses } = await resolveManifests([file]);
    expect(accesses[0]!.key).toBe(
      `app:id:${figmaId}|user:email:ana@example.com`,
    );
  });

  it("says to remove the level of an app without levels, and lists an app's levels", async () => {
    cakewalk = await startCakewalk();
    cakewalk.addUser({ email: "ana@example.com" });
    cakewalk.addWorkApp({ name: "Notion" });
    cakewalk.addWorkApp({ name: "Jira", levels: [{ name: "User" }] });
    const { client } = clientFor(cakewalk);
    const file = manifest(`version: 1
accesses:
  - app: Notion
    permissionLevel: whatever
    user: ana@example.com
  - app: Jira
    permissionLevel: Administrator
    user: ana@example.com
`);
    const { problems } = await resolveManifests([file], { directory: client });
    expect(problems.map((p) => `${p.location.line} ${p.message}`)).toEqual([
      '4 "Notion" has no permission levels in Cakewalk: remove `permissionLevel` from this access.',
      '7 No permission level name "Administrator" in "Jira". It has: "User".',
    ]);
  });
});
