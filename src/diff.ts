import { createHash } from "node:crypto";
import type { Change, ChangeSet, LiveAccess, ResolvedAccess } from "./model.js";

/**
 * What changes from one side to the other: pairs only in `head` are grants,
 * pairs in both with another level are level changes, pairs only in `base`
 * are removals, the rest unchanged. Each side must hold one access per pair
 * (the resolver keeps the first).
 */
export function diffAccesses(
  base: ResolvedAccess[],
  head: ResolvedAccess[],
): ChangeSet {
  const before = new Map(base.map((access) => [access.key, access]));
  const changes: Change[] = [];
  for (const access of head) {
    const earlier = before.get(access.key);
    before.delete(access.key);
    if (!earlier) changes.push({ kind: "grant", head: access });
    else if (earlier.levelKey !== access.levelKey) {
      changes.push({ kind: "level-change", head: access, base: earlier });
    } else changes.push({ kind: "unchanged", head: access, base: earlier });
  }
  for (const access of before.values()) {
    changes.push({ kind: "removal", base: access });
  }
  const sorted = sortChanges(changes);
  return { changes: sorted, hash: planHash(sorted) };
}

/** The side of a change that the report shows: head, or base for removals. */
export function shown(change: Change): ResolvedAccess {
  return (change.head ?? change.base)!;
}

/** By app, then user (as displayed, ignoring case), then key: stable. */
export function sortChanges(changes: Change[]): Change[] {
  const text = (s: string) => s.toLowerCase();
  return [...changes].sort((a, b) => {
    const x = shown(a);
    const y = shown(b);
    return (
      compare(text(x.app.display), text(y.app.display)) ||
      compare(text(x.user.display), text(y.user.display)) ||
      compare(x.key, y.key)
    );
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A hash of the grants, level changes and removals: the same change set
 * gives the same hash whatever the order, locations or reasons in the files.
 * Unchanged entries and live state do not count.
 */
export function planHash(changes: Change[]): string {
  const lines = changes
    .filter((change) => change.kind !== "unchanged")
    .map((change) => {
      const access = shown(change);
      const level = change.head?.levelKey ?? "";
      return `${change.kind}\t${access.key}\t${level}`;
    })
    .sort();
  return createHash("sha256")
    .update(["cakewalk-access-plan-v1", ...lines].join("\n"))
    .digest("hex");
}

/** The key of a live access, matching a resolved access's key. */
export function liveKey(live: LiveAccess): string {
  return `app:id:${live.workAppId.toLowerCase()}|user:id:${live.user.id.toLowerCase()}`;
}

export function liveLevelKey(live: LiveAccess): string {
  return live.permissionLevel
    ? `id:${live.permissionLevel.id.toLowerCase()}`
    : "";
}
