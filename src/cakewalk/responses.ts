// The parts of Cakewalk's answers the action reads, checked on arrival.
// Shapes follow openapi.json (AccessViewModelV1, UserDetailedViewModelV1,
// PermissionLevelViewModelV1, LinksViewModel). Extra members are ignored so
// that Cakewalk adding a field never breaks a run.
import { z } from "zod";
import type { CakewalkUser, PermissionLevel, WorkApp } from "../model.js";

export const pageSchema = z.object({
  data: z.array(z.unknown()),
  // The contract requires `links`; a page without one is read as the last.
  links: z.object({ next: z.string().nullish() }).nullish(),
});

export const recordSchema = z.object({ data: z.unknown() });

export const userSchema = z
  .object({
    id: z.string().min(1),
    // Required by the contract; tolerated as missing because only the
    // email and id are needed to match a user.
    name: z.string().nullish(),
    email: z.string(),
    statusName: z.string().nullish(),
  })
  .transform((user): CakewalkUser => {
    const result: CakewalkUser = {
      id: user.id,
      name: user.name ?? "",
      email: user.email,
    };
    if (user.statusName) result.statusName = user.statusName;
    return result;
  });

export const workAppSchema = z
  .object({ id: z.string().min(1), name: z.string() })
  .transform((app): WorkApp => ({ id: app.id, name: app.name }));

export const permissionLevelSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    isDefault: z.boolean().nullish(),
    isPrivileged: z.boolean().nullish(),
  })
  .transform((level): PermissionLevel => {
    const result: PermissionLevel = { id: level.id, name: level.name };
    if (typeof level.isDefault === "boolean") {
      result.isDefault = level.isDefault;
    }
    if (typeof level.isPrivileged === "boolean") {
      result.isPrivileged = level.isPrivileged;
    }
    return result;
  });

export const accessRowSchema = z.object({
  user: userSchema,
  permissionLevel: permissionLevelSchema.nullish(),
});
