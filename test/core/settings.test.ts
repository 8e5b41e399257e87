import { describe, expect, it } from "vitest";
import { actionDefaults } from "../../stand-ins/runner.js";
import { readSettings } from "../../src/settings.js";

async function settingsWith(overrides: Record<string, string>) {
  const inputs = { ...(await actionDefaults("ghs_token")), ...overrides };
  return readSettings((name) => inputs[name] ?? "");
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
