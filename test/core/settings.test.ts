import { describe, expect, it } from "vitest";
import { actionDefaults } from "../../stand-ins/runner.js";
import { readSettings } from "../../src/settings.js";

const masked: string[] = [];

async function settingsWith(overrides: Record<string, string>) {
  const inputs = { ...(await actionDefaults("ghs_token")), ...overrides };
  return readSettings(
    (name) => inputs[name] ?? "",
    (secret) => masked.push(secret),
  );
}

describe("readSettings", () => {
  it("reads the defaults of action.yml into typed settings", async () => {
    const settings = await settingsWith({});
    expect(settings).toMatchObject({
      manifest: "access.yaml",
      mode: "auto",
      scope: "diff",
      apiUrl: "https://open-api.getcakewalk.io",
      githubToken: "ghs_token",
      comment: true,
      batchSize: 100,
      maxGrants: 500,
      stateRef: "refs/cakewalk-access/applied",
      dryRun: false,
    });
    expect(settings.credentials).toBeUndefined();
    expect(settings.base).toBeUndefined();
  });

  it("treats max-grants 0 as no limit and reads credentials", async () => {
    const settings = await settingsWith({
      "max-grants": "0",
      "api-key": "k",
      "api-secret": "s",
      "dry-run": "true",
    });
    expect(settings.maxGrants).toBeUndefined();
    expect(settings.credentials).toEqual({ apiKey: "k", apiSecret: "s" });
    expect(masked).toEqual(expect.arrayContaining(["k", "s", "ghs_token"]));
    expect(settings.dryRun).toBe(true);
  });

  it("names the input, quotes the value and states the expected form", async () => {
    await expect(settingsWith({ mode: "aply" })).rejects.toThrow(
      /Input "mode" is "aply": expected one of "auto", "plan", "apply", "drift"/,
    );
    await expect(settingsWith({ "batch-size": "ten" })).rejects.toThrow(
      /Input "batch-size" is "ten": expected a whole number/,
    );
    await expect(settingsWith({ "batch-size": "0" })).rejects.toThrow(
      /from 1 to 1000/,
    );
    await expect(settingsWith({ "dry-run": "yes" })).rejects.toThrow(
      /Input "dry-run" is "yes"/,
    );
  });

  it("refuses a key without its secret and never shows the key", async () => {
    const error = await settingsWith({ "api-key": "secret-key" }).catch(
      (e: Error) => e,
    );
    expect(String(error)).toMatch(/"api-secret" is empty but "api-key" is set/);
    expect(String(error)).not.toContain("secret-key");
  });
});

describe("readSettings refuses inputs that would be unsafe", () => {
  it("refuses a branch as state-ref, since it would move with pushes", async () => {
    await expect(
      settingsWith({ "state-ref": "refs/heads/main" }),
    ).rejects.toThrow(
      /Input "state-ref" is "refs\/heads\/main": expected a ref outside branches/,
    );
    const tag = await settingsWith({
      "state-ref": "refs/tags/cakewalk-access-applied",
    });
    expect(tag.stateRef).toBe("refs/tags/cakewalk-access-applied");
  });

  it("refuses a base that git could read as an option", async () => {
    await expect(
      settingsWith({ base: "--upload-pack=touch /tmp/pwned" }),
    ).rejects.toThrow(
      /Input "base" is .*expected a full 40-character commit SHA or a branch, tag or ref name/,
    );
    await expect(settingsWith({ base: "main..x" })).rejects.toThrow(
      /Input "base"/,
    );
    expect((await settingsWith({ base: "release/2026-12" })).base).toBe(
      "release/2026-12",
    );
    expect((await settingsWith({ base: "a".repeat(40) })).base).toBe(
      "a".repeat(40),
    );
  });

  it("refuses an api-url with a password in it without repeating it", async () => {
    const error = await settingsWith({
      "api-url": "https://user:hunter2@cakewalk.example",
    }).catch((e: Error) => e);
    expect(String(error)).toMatch(
      /Input "api-url" is \(hidden\): expected a URL without a user name or password/,
    );
    expect(String(error)).not.toContain("hunter2");
  });
});
