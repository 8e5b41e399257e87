import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type CakewalkStandIn,
  example,
  startCakewalk,
  type StandInWorkApp,
} from "../../stand-ins/cakewalk.js";
import { clientFor } from "./stand-in-setup.js";

// Read as plain YAML text, not through the action's manifest reader: this
// checks the stand-in against the file, not the reader.
interface ExampleManifest {
  apps: Record<
    string,
    string | { id: string; permissionLevels?: Record<string, string> }
  >;
  users: Record<string, string>;
  accesses: {
    app: string;
    permissionLevel?: string;
    user?: string;
    users?: string[];
  }[];
}

const manifest = parse(
  readFileSync(new URL("../../access.yaml", import.meta.url), "utf8"),
  { schema: "failsafe" },
) as ExampleManifest;

let standIn: CakewalkStandIn;

beforeEach(async () => {
  standIn = await startCakewalk();
  standIn.seedFromExample();
});

afterEach(async () => {
  await standIn.close();
});

function findApp(reference: string): StandInWorkApp | undefined {
  const alias = manifest.apps[reference];
  const id = typeof alias === "string" ? alias : alias?.id;
  const apps = [...standIn.state.workApps.values()];
  return id
    ? standIn.state.workApps.get(id.toLowerCase())
    : apps.find((app) => app.name.toLowerCase() === reference.toLowerCase());
}

function findUser(reference: string) {
  const target = manifest.users[reference] ?? reference;
  return [...standIn.state.users.values()].find(
    (user) =>
      user.id.toLowerCase() === target.toLowerCase() ||
      user.email.toLowerCase() === target.toLowerCase(),
  );
}

describe("the example organisation", () => {
  it("holds every app, level and user that access.yaml names", () => {
    for (const entry of manifest.accesses) {
      const app = findApp(entry.app);
      expect(app, `app ${entry.app}`).toBeDefined();
      const alias = manifest.apps[entry.app];
      const levelAliases =
        typeof alias === "object" ? alias.permissionLevels : {};
      if (entry.permissionLevel === undefined) {
        expect(app!.levels, `levels of ${entry.app}`).toEqual([]);
      } else {
        const written =
          levelAliases?.[entry.permissionLevel] ?? entry.permissionLevel;
        const level = app!.levels.find(
          (candidate) =>
            candidate.id === written ||
            candidate.name.toLowerCase() === written.toLowerCase(),
        );
        expect(
          level,
          `level ${entry.permissionLevel} of ${entry.app}`,
        ).toBeDefined();
      }
      for (const user of entry.users ?? [entry.user!]) {
        expect(findUser(user), `user ${user}`).toBeDefined();
      }
    }
  });

  it("can start with two accesses in place, readable through the client", async () => {
    await standIn.close();
    standIn = await startCakewalk();
    standIn.seedFromExample({ accesses: true });
    const { client } = clientFor(standIn);

    const slack = await client.listAccesses(example.workApps.slack.id);
    const figma = await client.listAccesses(example.workApps.figma.id);

    expect(
      slack.map((access) => [access.user.email, access.permissionLevel?.name]),
    ).toEqual([["ana.lopez@example.com", "Member"]]);
    expect(
      figma.map((access) => [access.user.email, access.permissionLevel?.name]),
    ).toEqual([["lee.chen@example.com", "Viewer"]]);
  });
});
