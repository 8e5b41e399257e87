import { describe, expect, it } from "vitest";
import { diffAccesses, planHash } from "../../src/diff.js";
import type { ResolvedAccess } from "../../src/model.js";

function access(
  app: string,
  user: string,
  level: string,
  line = 1,
  reason?: string,
): ResolvedAccess {
  return {
    key: `app:id:${app}|user:id:${user}`,
    levelKey: level ? `id:${level}` : "",
    resolved: true,
    app: { id: app, display: app.toUpperCase() },
    user: { id: user, display: user },
    permissionLevel: level ? { id: level, display: level } : null,
    reason,
    location: { file: "access.yaml", line, column: 5 },
    written: { app, user, permissionLevel: level || undefined },
  };
}

describe("diffAccesses", () => {
  it("sorts grants, level changes, removals and unchanged by app then user", () => {
    const base = [
      access("figma", "bo", "viewer"),
      access("slack", "cy", ""),
      access("figma", "al", "viewer"),
    ];
    const head = [
      access("figma", "al", "editor", 7, "promotion"),
      access("github", "al", "write"),
      access("slack", "cy", ""),
    ];
    const { changes } = diffAccesses(base, head);
    expect(
      changes.map((c) => [
        c.kind,
        (c.head ?? c.base)!.app.id,
        (c.head ?? c.base)!.user.id,
      ]),
    ).toEqual([
      ["level-change", "figma", "al"],
      ["removal", "figma", "bo"],
      ["grant", "github", "al"],
      ["unchanged", "slack", "cy"],
    ]);
    const change = changes[0]!;
    expect(change.base?.permissionLevel?.id).toBe("viewer");
    expect(change.head?.permissionLevel?.id).toBe("editor");
    expect(change.head?.reason).toBe("promotion");
    expect(change.head?.location.line).toBe(7);
  });

  it("gives the same hash whatever the order, lines and reasons", () => {
    const a = diffAccesses(
      [access("figma", "bo", "viewer")],
      [access("figma", "al", "editor", 3, "x"), access("slack", "cy", "", 9)],
    );
    const b = diffAccesses(
      [access("figma", "bo", "viewer", 40)],
      [access("slack", "cy", "", 2), access("figma", "al", "editor", 1, "y")],
    );
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
  });

  it("changes the hash when a level, a grant or a removal changes", () => {
    const base = [access("figma", "bo", "viewer")];
    const head = [access("figma", "al", "editor")];
    const hash = diffAccesses(base, head).hash;
    expect(diffAccesses(base, [access("figma", "al", "viewer")]).hash).not.toBe(
      hash,
    );
    expect(diffAccesses([], head).hash).not.toBe(hash);
    expect(diffAccesses(base, [...head, access("x", "y", "")]).hash).not.toBe(
      hash,
    );
  });

  it("leaves unchanged entries out of the hash", () => {
    const head = [access("figma", "al", "editor")];
    const withUnchanged = diffAccesses(
      [access("slack", "cy", "")],
      [...head, access("slack", "cy", "")],
    );
    expect(withUnchanged.hash).toBe(diffAccesses([], head).hash);
    expect(planHash([])).toBe(diffAccesses(head, head).hash);
  });
});
