// The Cakewalk organisation that the example access.yaml at the repository
// root is written for: its ids, emails and names all resolve here. Keep the
// two in step (test/cakewalk/example-seed.test.ts checks it).
import type { CakewalkStandIn } from "./cakewalk.js";

export const example = {
  users: {
    ana: {
      id: "a1b2c3d4-0001-4a00-8000-00000000a001",
      name: "Ana López",
      email: "ana.lopez@example.com",
    },
    lee: {
      id: "a1b2c3d4-0002-4a00-8000-00000000a002",
      name: "Lee Chen",
      email: "lee.chen@example.com",
    },
    sam: {
      id: "a1b2c3d4-0003-4a00-8000-00000000a003",
      name: "Sam Okafor",
      email: "sam.okafor@example.com",
    },
    priya: {
      id: "a1b2c3d4-0004-4a00-8000-00000000a004",
      name: "Priya Raman",
      email: "priya.raman@example.com",
    },
    opsBot: {
      id: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
      name: "Ops Bot",
      email: "ops-bot@example.com",
    },
    // Not in the manifest: someone who left, for warnings and suggestions.
    former: {
      id: "a1b2c3d4-0006-4a00-8000-00000000a006",
      name: "Alex Former",
      email: "alex.former@example.com",
      statusName: "Deactivated",
    },
  },
  workApps: {
    figma: {
      id: "3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10",
      name: "Figma",
      levels: {
        viewer: { id: "5b2e9d1c-7a4f-4e3b-8c6d-2f1a0b9c8d7e", name: "Viewer" },
        editor: { id: "8a1d4c2b-3e5f-4a6b-9c7d-1e2f3a4b5c6d", name: "Editor" },
      },
    },
    github: {
      id: "0b7e6c5d-4a3b-4c2d-8e1f-9a8b7c6d5e4f",
      name: "GitHub",
      levels: {
        member: { id: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", name: "Member" },
        admin: {
          id: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
          name: "Admin",
          isPrivileged: true,
        },
      },
    },
    notion: {
      id: "6e5d4c3b-2a19-4f08-9e7d-6c5b4a392817",
      name: "Notion",
      levels: {},
    },
    slack: {
      id: "b2c3d4e5-0001-4b00-8000-00000000b001",
      name: "Slack",
      levels: {
        member: { id: "b2c3d4e5-0002-4b00-8000-00000000b002", name: "Member" },
        admin: {
          id: "b2c3d4e5-0003-4b00-8000-00000000b003",
          name: "Workspace Admin",
          isPrivileged: true,
        },
      },
    },
    // Not in the manifest: for "did you mean" suggestions.
    jira: {
      id: "b2c3d4e5-0004-4b00-8000-00000000b004",
      name: "Jira",
      levels: {
        user: { id: "b2c3d4e5-0005-4b00-8000-00000000b005", name: "User" },
      },
    },
  },
} as const;

/**
 * Fills a stand-in with the example organisation. With `accesses`, two
 * accesses exist beforehand: Ana in Slack as Member (already in place for
 * the example manifest) and Lee in Figma as Viewer (a level change).
 */
export function seedFromExample(
  standIn: CakewalkStandIn,
  options: { accesses?: boolean } = {},
): void {
  for (const user of Object.values(example.users)) standIn.addUser(user);
  for (const app of Object.values(example.workApps)) {
    standIn.addWorkApp({
      id: app.id,
      name: app.name,
      levels: Object.values(app.levels).map((level, index) => ({
        ...level,
        isDefault: index === 0,
      })),
    });
  }
  if (options.accesses) {
    const { slack, figma } = example.workApps;
    const { ana, lee } = example.users;
    standIn.setAccess(slack.id, ana.id, slack.levels.member.id);
    standIn.setAccess(figma.id, lee.id, figma.levels.viewer.id);
  }
}
