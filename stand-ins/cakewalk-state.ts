// What the stand-in Cakewalk holds (users, work apps, permission levels,
// accesses), how it shows them (the view models of openapi.json), and the
// rules it applies to POST /api/v1/WorkApps/Accesses.
import { randomUUID } from "node:crypto";

export interface StandInUser {
  id: string;
  name: string;
  email: string;
  /** One of Discovered, Invited, Active, Ignored, Offboarding, Deactivated. */
  statusName: string;
  roleName: string;
}

export interface StandInLevel {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
  isPrivileged: boolean;
}

export interface StandInWorkApp {
  id: string;
  name: string;
  levels: StandInLevel[];
}

export type UserSeed = Partial<StandInUser> & { email: string };

export interface WorkAppSeed {
  id?: string;
  name: string;
  levels?: (Partial<StandInLevel> & { name: string })[];
}

/** One access as the stand-in holds it. */
export interface StoredAccess {
  userId: string;
  permissionLevelId: string | null;
}

// The API's status ids are undocumented except 2 = Invited (API.md §6.1);
// the others are made up in the order the help centre lists them.
const statusIds: Record<string, number> = {
  Discovered: 1,
  Invited: 2,
  Active: 3,
  Ignored: 4,
  Offboarding: 5,
  Deactivated: 6,
};

const uuidPattern =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && uuidPattern.test(value);
}

const itemKeys = new Set(["workAppId", "userId", "permissionLevelId"]);

export class CakewalkState {
  // Keyed by lower-case id: Cakewalk's ids are UUIDs, which ignore case.
  readonly users = new Map<string, StandInUser>();
  readonly workApps = new Map<string, StandInWorkApp>();
  private readonly accesses = new Map<string, Map<string, string | null>>();
  /** Users Cakewalk refuses to grant anything to, with its reason. */
  readonly refusedUsers = new Map<string, string>();

  addUser(seed: UserSeed): StandInUser {
    const user: StandInUser = {
      id: seed.id ?? randomUUID(),
      name: seed.name ?? nameFromEmail(seed.email),
      email: seed.email,
      statusName: seed.statusName ?? "Active",
      roleName: seed.roleName ?? "User",
    };
    this.users.set(user.id.toLowerCase(), user);
    return user;
  }

  addWorkApp(seed: WorkAppSeed): StandInWorkApp {
    const app: StandInWorkApp = {
      id: seed.id ?? randomUUID(),
      name: seed.name,
      levels: (seed.levels ?? []).map((level, index) => ({
        id: level.id ?? randomUUID(),
        name: level.name,
        description: level.description ?? `${level.name} in ${seed.name}`,
        isDefault: level.isDefault ?? index === 0,
        isPrivileged: level.isPrivileged ?? false,
      })),
    };
    this.workApps.set(app.id.toLowerCase(), app);
    this.accesses.set(app.id.toLowerCase(), new Map());
    return app;
  }

  /** Sets an access directly, without the POST rules (for seeding). */
  setAccess(appId: string, userId: string, levelId: string | null): void {
    const accesses = this.accesses.get(appId.toLowerCase());
    if (!accesses) throw new Error(`No work app with id ${appId}`);
    if (!this.users.has(userId.toLowerCase())) {
      throw new Error(`No user with id ${userId}`);
    }
    accesses.set(userId.toLowerCase(), levelId?.toLowerCase() ?? null);
  }

  accessesOf(appId: string): StoredAccess[] {
    const accesses = this.accesses.get(appId.toLowerCase());
    if (!accesses) throw new Error(`No work app with id ${appId}`);
    return [...accesses].map(([userId, permissionLevelId]) => ({
      userId: this.users.get(userId)!.id,
      permissionLevelId:
        permissionLevelId === null
          ? null
          : this.levelOf(appId, permissionLevelId)!.id,
    }));
  }

  levelOf(appId: string, levelId: string): StandInLevel | undefined {
    return this.workApps
      .get(appId.toLowerCase())
      ?.levels.find(
        (level) => level.id.toLowerCase() === levelId.toLowerCase(),
      );
  }

  /**
   * Every reason to refuse a POST body; empty when it may be applied. One
   * bad item refuses the whole batch (our assumption, SPEC §5).
   */
  problemsWith(body: unknown): string[] {
    if (!isRecord(body)) return ["The request body must be a JSON object."];
    const problems = Object.keys(body)
      .filter((key) => key !== "data")
      .map((key) => `Unknown property "${key}" in the request body.`);
    if (!Array.isArray(body.data)) {
      problems.push(`"data" is required and must be an array.`);
      return problems;
    }
    body.data.forEach((item, index) => {
      problems.push(...this.problemsWithItem(item, `data[${index}]`));
    });
    return problems;
  }

  /** Creates each access, or changes the level of an existing one. */
  apply(body: { data: Record<string, string | null | undefined>[] }): void {
    for (const item of body.data) {
      this.setAccess(
        item.workAppId!,
        item.userId!,
        item.permissionLevelId ?? null,
      );
    }
  }

  private problemsWithItem(item: unknown, where: string): string[] {
    if (!isRecord(item)) return [`${where} must be an object.`];
    const problems = Object.keys(item)
      .filter((key) => !itemKeys.has(key))
      .map((key) => `${where}: unknown property "${key}".`);
    const { workAppId, userId, permissionLevelId } = item;
    for (const [key, value] of [
      ["workAppId", workAppId],
      ["userId", userId],
    ] as const) {
      if (!isUuid(value)) {
        problems.push(
          `${where}.${key} must be a UUID: ${JSON.stringify(value)}.`,
        );
      }
    }
    const levelGiven =
      permissionLevelId !== undefined && permissionLevelId !== null;
    if (levelGiven && !isUuid(permissionLevelId)) {
      problems.push(
        `${where}.permissionLevelId must be a UUID or null: ${JSON.stringify(permissionLevelId)}.`,
      );
    }
    if (problems.length > 0) return problems;
    return this.problemsWithReferences(
      where,
      workAppId as string,
      userId as string,
      levelGiven ? (permissionLevelId as string) : null,
    );
  }

  private problemsWithReferences(
    where: string,
    workAppId: string,
    userId: string,
    levelId: string | null,
  ): string[] {
    const problems: string[] = [];
    const app = this.workApps.get(workAppId.toLowerCase());
    if (!app) problems.push(`${where}: no work app with id ${workAppId}.`);
    if (!this.users.has(userId.toLowerCase())) {
      problems.push(`${where}: no user with id ${userId}.`);
    }
    const refusal = this.refusedUsers.get(userId.toLowerCase());
    if (refusal) {
      problems.push(`${where}: ${refusal}`);
    }
    if (!app) return problems;
    if (levelId === null && app.levels.length > 0) {
      problems.push(
        `${where}.permissionLevelId is required: work app "${app.name}" ` +
          `has permission levels.`,
      );
    } else if (levelId !== null && !this.levelOf(app.id, levelId)) {
      const elsewhere = [...this.workApps.values()].some((other) =>
        this.levelOf(other.id, levelId),
      );
      problems.push(
        elsewhere
          ? `${where}: permission level ${levelId} belongs to another work app than "${app.name}".`
          : `${where}: no permission level with id ${levelId}.`,
      );
    }
    return problems;
  }

  // -------------------------------------------------------------------------
  // View models, as openapi.json names them.

  /** UserSimplifiedViewModelV1, the shape of GET /Users items. */
  userSummary(user: StandInUser): object {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      statusId: statusIds[user.statusName] ?? 0,
      statusName: user.statusName,
    };
  }

  /** UserDetailedViewModelV1. */
  userDetail(user: StandInUser): object {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      roleId: user.roleName === "Admin" ? 2 : 1,
      roleName: user.roleName,
      statusId: statusIds[user.statusName] ?? 0,
      statusName: user.statusName,
      lastLogin: null,
      managerId: null,
    };
  }

  /** PermissionLevelViewModelV1. */
  levelView(level: StandInLevel): object {
    return { ...level };
  }

  /** WorkAppDetailedViewModelV1 (also used for list items: undocumented). */
  workAppView(app: StandInWorkApp): object {
    return {
      id: app.id,
      name: app.name,
      categoryId: 1,
      categoryName: "CATEGORY_OFFICE_SUITE",
      numberOfAccounts: this.accesses.get(app.id.toLowerCase())?.size ?? 0,
      isBundle: false,
      owner: null,
      url: `https://${app.name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.example`,
      imageUrl: "https://images.example/app.png",
      statusId: 1,
      statusName: "Managed",
      serverLocations: [],
      certifications: [],
      customFields: {},
      defaultUsersGroups: [],
      hiddenUsersGroups: [],
      description: `${app.name} (stand-in)`,
      tagLine: app.name,
    };
  }

  /** AccessViewModelV1 rows of one work app. */
  accessRows(appId: string): object[] {
    return this.accessesOf(appId).map((access) => ({
      isOwner: false,
      user: this.userDetail(this.users.get(access.userId.toLowerCase())!),
      permissionLevel:
        access.permissionLevelId === null
          ? null
          : this.levelView(this.levelOf(appId, access.permissionLevelId)!),
    }));
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nameFromEmail(email: string): string {
  const local = email.split("@")[0] ?? email;
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(" ");
}
