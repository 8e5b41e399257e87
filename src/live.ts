import pMap from "p-map";
import { liveKey, liveLevelKey } from "./diff.js";
import type { LiveAccess, ReportEntry, ResolvedAccess } from "./model.js";

/** Reads live accesses of work apps, each once. */
export interface LiveReader {
  listAccesses(
    workAppId: string,
    options?: { fresh?: boolean },
  ): Promise<LiveAccess[]>;
}

/** Apps read at once: one after another is slow, all at once is rude. */
const appsReadAtOnce = 4;

/** Live accesses of the given work apps, by pair key. */
export async function readLive(
  reader: LiveReader,
  workAppIds: Iterable<string>,
): Promise<Map<string, LiveAccess>> {
  const perApp = await pMap(
    new Set(workAppIds),
    (id) => reader.listAccesses(id, { fresh: true }),
    { concurrency: appsReadAtOnce },
  );
  return new Map(perApp.flat().map((access) => [liveKey(access), access]));
}

/**
 * What an apply would do with each wanted access, given what Cakewalk holds:
 * nothing when it is in place at the same level, a level change when the
 * pair exists at another level, else a grant.
 */
export function classifyAgainstLive(
  wanted: ResolvedAccess[],
  live: Map<string, LiveAccess>,
): ReportEntry[] {
  return wanted.map((access) => {
    const current = live.get(access.key);
    if (!current) return { status: "grant", access };
    if (liveLevelKey(current) === access.levelKey) {
      return { status: "in-place", access };
    }
    return {
      status: "level-change",
      access,
      previousLevel: current.permissionLevel
        ? {
            id: current.permissionLevel.id,
            display: current.permissionLevel.name,
            privileged: current.permissionLevel.isPrivileged,
          }
        : null,
    };
  });
}

/** Live accesses of the given apps that no wanted access covers. */
export function unmanaged(
  wanted: ResolvedAccess[],
  live: Map<string, LiveAccess>,
  appNames: Map<string, string>,
): ReportEntry[] {
  const keys = new Set(wanted.map((access) => access.key));
  return [...live.entries()]
    .filter(([key]) => !keys.has(key))
    .map(([key, current]) => ({
      status: "unmanaged" as const,
      access: {
        key,
        levelKey: liveLevelKey(current),
        resolved: true,
        app: {
          id: current.workAppId,
          display: appNames.get(current.workAppId) ?? current.workAppId,
        },
        user: {
          id: current.user.id,
          display: current.user.name || current.user.email,
          email: current.user.email,
          statusName: current.user.statusName,
        },
        permissionLevel: current.permissionLevel
          ? {
              id: current.permissionLevel.id,
              display: current.permissionLevel.name,
              privileged: current.permissionLevel.isPrivileged,
            }
          : null,
        location: { file: "", line: 0, column: 0 },
        written: { app: "", user: "" },
      },
    }));
}
