import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/parse.js";
import type { ParseResult, Problem } from "../../src/model.js";

const figmaId = "3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10";
const editorId = "8a1d4c2b-3e5f-4a6b-9c7d-1e2f3a4b5c6d";
const githubId = "0b7e6c5d-4a3b-4c2d-8e1f-9a8b7c6d5e4f";

function parse(text: string): ParseResult {
  return parseManifest(text, "access.yaml");
}

function errors(result: ParseResult): Problem[] {
  return result.problems.filter((problem) => problem.severity === "error");
}

/** The only problem of the result; fails when there are more or none. */
function only(result: ParseResult): Problem {
  expect(result.problems).toHaveLength(1);
  return result.problems[0]!;
}

function at(problem: Problem): [number, number] {
  return [problem.location.line, problem.location.column];
}

const valid = [
  "version: 1",
  "apps:",
  "  figma:",
  `    id: ${figmaId}`,
  "    permissionLevels:",
  `      editor: ${editorId}`,
  `  github: ${githubId}`,
  "users:",
  "  ana: ana.lopez@example.com",
  "accesses:",
  "  - app: figma",
  "    permissionLevel: editor",
  "    users: [ana, lee.chen@example.com]",
  "    reason: Design team onboarding",
  "  - app: github",
  "    user: ana",
  "",
].join("\n");

describe("a valid manifest", () => {
  it("parses with no problems", () => {
    const result = parse(valid);
    expect(result.problems).toEqual([]);
    expect(result.manifest?.file).toBe("access.yaml");
  });

  it("keeps app aliases with their ids and level aliases, placed at the ids", () => {
    const { manifest } = parse(valid);
    const figma = manifest?.apps.get("figma");
    expect(figma?.id).toBe(figmaId);
    expect(figma?.location).toMatchObject({ line: 4, column: 9 });
    expect(figma?.permissionLevels.get("editor")).toEqual({
      text: editorId,
      location: { file: "access.yaml", line: 6, column: 15 },
    });
    const github = manifest?.apps.get("github");
    expect(github?.id).toBe(githubId);
    expect(github?.permissionLevels.size).toBe(0);
    expect(github?.location).toMatchObject({ line: 7, column: 11 });
  });

  it("keeps user aliases with their targets as written", () => {
    const { manifest } = parse(valid);
    expect(manifest?.users.get("ana")).toEqual({
      text: "ana.lopez@example.com",
      location: { file: "access.yaml", line: 9, column: 8 },
    });
  });

  it("expands an access with several users to one entry per user, each at its own user", () => {
    const accesses = parse(valid).manifest?.accesses ?? [];
    expect(accesses).toHaveLength(3);
    const [ana, lee, second] = accesses;
    expect(ana?.user).toMatchObject({ text: "ana", location: { line: 13 } });
    expect(ana?.location).toMatchObject({ line: 13, column: 13 });
    expect(lee?.user.text).toBe("lee.chen@example.com");
    expect(lee?.location).toMatchObject({ line: 13, column: 18 });
    for (const entry of [ana, lee]) {
      expect(entry?.app).toMatchObject({
        text: "figma",
        location: { line: 11, column: 10 },
      });
      expect(entry?.permissionLevel).toMatchObject({
        text: "editor",
        location: { line: 12, column: 22 },
      });
      expect(entry?.reason).toBe("Design team onboarding");
    }
    expect(second?.user).toMatchObject({
      text: "ana",
      location: { line: 16, column: 11 },
    });
    expect(second?.permissionLevel).toBeUndefined();
    expect(second?.reason).toBeUndefined();
  });

  it("does not resolve aliases: app, user and level stay as written", () => {
    const entry = parse(valid).manifest?.accesses[0];
    expect([
      entry?.app.text,
      entry?.user.text,
      entry?.permissionLevel?.text,
    ]).toEqual(["figma", "ana", "editor"]);
  });
});

describe("reading every scalar as text", () => {
  it("keeps no, yes, on and 1.10 as the text written", () => {
    const result = parse(
      [
        "version: 1",
        "apps:",
        `  no: ${figmaId}`,
        "users:",
        "  on: on@example.com",
        "accesses:",
        "  - app: no",
        "    permissionLevel: off",
        "    user: yes",
        "    reason: 1.10",
        "",
      ].join("\n"),
    );
    expect(result.problems).toEqual([]);
    expect([...(result.manifest?.apps.keys() ?? [])]).toEqual(["no"]);
    expect([...(result.manifest?.users.keys() ?? [])]).toEqual(["on"]);
    const entry = result.manifest?.accesses[0];
    expect(entry?.app.text).toBe("no");
    expect(entry?.permissionLevel?.text).toBe("off");
    expect(entry?.user.text).toBe("yes");
    expect(entry?.reason).toBe("1.10");
  });

  it("accepts version written as quoted text", () => {
    expect(parse('version: "1"\naccesses: []\n').problems).not.toContainEqual(
      expect.objectContaining({ severity: "error" }),
    );
  });
});

describe("byte-order marks and line ends", () => {
  it("accepts one byte-order mark with the same result as without", () => {
    expect(parse(`\uFEFF${valid}`)).toEqual(parse(valid));
  });

  it("places problems on the first line as if there were no byte-order mark", () => {
    const problem = only(
      parse("\uFEFFversion: 2\naccesses:\n  - app: a\n    user: b\n"),
    );
    expect(at(problem)).toEqual([1, 10]);
  });

  it("accepts CRLF line ends with the same result as LF", () => {
    expect(parse(valid.replace(/\n/g, "\r\n"))).toEqual(parse(valid));
  });

  it("accepts a buffer with a byte-order mark and CRLF line ends", () => {
    const bytes = Buffer.from(`\uFEFF${valid.replace(/\n/g, "\r\n")}`, "utf8");
    expect(bytes[0]).toBe(0xef);
    expect(parseManifest(bytes, "access.yaml")).toEqual(parse(valid));
  });

  it("reports a second byte-order mark glued to the first key as an unknown key", () => {
    const result = parse("\uFEFF\uFEFFversion: 1\naccesses: []\n");
    const [problem] = errors(result);
    expect(errors(result)).toHaveLength(1);
    expect(problem?.message).toMatch(
      /^Unknown key "\\uFEFFversion" at the top level: did you mean "version"\?/,
    );
    expect(problem?.message).toContain("invisible character");
    expect(at(problem!)).toEqual([1, 1]);
  });

  it("refuses bytes that are not UTF-8", () => {
    const bytes = Buffer.from([0x76, 0x3a, 0x20, 0xff, 0xfe, 0x0a]);
    const problem = only(parseManifest(bytes, "access.yaml"));
    expect(problem.message).toMatch(/not valid UTF-8/);
    expect(at(problem)).toEqual([1, 1]);
  });
});

describe("YAML errors", () => {
  it("reports a syntax error at its place and returns no manifest", () => {
    const result = parse(
      'version: 1\naccesses:\n  - app: "figma\n    user: ana\n',
    );
    expect(result.manifest).toBeUndefined();
    const [problem] = errors(result);
    expect(problem?.message).toMatch(/^Invalid YAML: .*quote/i);
    expect(problem?.location.line).toBeGreaterThanOrEqual(3);
  });

  it("reports a duplicate key at the second occurrence", () => {
    const problem = only(parse("version: 1\naccesses: []\nversion: 1\n"));
    expect(problem.severity).toBe("error");
    expect(problem.message).toMatch(
      /^Duplicate key "version": a key may appear only once in a map/,
    );
    expect(at(problem)).toEqual([3, 1]);
  });

  it("reports tabs used for indentation, naming the tabs", () => {
    const problem = only(
      parse(`version: 1\napps:\n\tfigma: ${figmaId}\naccesses: []\n`),
    );
    expect(problem.message).toMatch(/Tabs are used for indentation/);
    expect(at(problem)).toEqual([3, 1]);
  });

  it("reports a tab after spaces in an indent as tabs, not as a bad indent", () => {
    const problem = only(
      parse("version: 1\naccesses:\n  - app: figma\n  \tuser: ana\n"),
    );
    expect(problem.message).toMatch(/Tabs are used for indentation/);
    expect(at(problem)).toEqual([4, 3]);
  });

  it("accepts tabs inside a block of text and between a key and its value", () => {
    const result = parse(
      "version:\t1\naccesses:\n  - app: figma\n    user: ana\n    reason: |\n      first\n      \tindented\n",
    );
    expect(result.problems).toEqual([]);
    expect(result.manifest?.accesses[0]?.reason).toBe("first\n\tindented\n");
  });

  it("warns on a tag, which changes nothing: values stay text", () => {
    const result = parse("version: !!int 1\naccesses: []\n");
    const warnings = result.problems.map((problem) => problem.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^YAML warning: .*tag.*every value is read as text/,
      ),
    );
    expect(errors(result)).toEqual([]);
    expect(result.problems[0]?.location).toMatchObject({ line: 1, column: 10 });
  });

  it("reports nesting too deep to read", () => {
    const [problem] = errors(
      parse(`version: 1\naccesses: ${"[".repeat(20000)}\n`),
    );
    expect(problem?.message).toMatch(/nested too deeply/);
  });

  it("reports a second YAML document", () => {
    const problem = only(parse("version: 1\naccesses: []\n---\nversion: 1\n"));
    expect(problem.message).toMatch(/More than one YAML document/);
    expect(problem.location.line).toBe(3);
  });

  it("reports an alias with no anchor", () => {
    const problem = only(
      parse("version: 1\naccesses:\n  - app: figma\n    users: *team\n"),
    );
    expect(problem.message).toMatch(/The alias "\*team" has no anchor/);
    expect(at(problem)).toEqual([4, 12]);
  });
});

describe("aliases", () => {
  it("reads an anchored list reused through an alias, placed where it is written", () => {
    const result = parse(
      [
        "version: 1",
        "accesses:",
        "  - app: figma",
        "    users: &team [ana, lee@example.com]",
        "  - app: github",
        "    users: *team",
        "",
      ].join("\n"),
    );
    expect(result.problems).toEqual([]);
    const accesses = result.manifest?.accesses ?? [];
    expect(accesses.map((entry) => entry.user.text)).toEqual([
      "ana",
      "lee@example.com",
      "ana",
      "lee@example.com",
    ]);
    expect(accesses[2]?.location).toMatchObject({ line: 4, column: 19 });
  });

  it("rejects a billion-laughs file quickly, though it has fewer than 100 aliases", () => {
    const lines = ["version: 1", 'l0: &l0 "lol"'];
    for (let level = 1; level <= 9; level++) {
      const refs = Array.from({ length: 10 }, () => `*l${level - 1}`);
      lines.push(`l${level}: &l${level} [${refs.join(", ")}]`);
    }
    lines.push("accesses: []");
    const started = performance.now();
    const result = parse(lines.join("\n"));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(result.manifest).toBeUndefined();
    const [problem] = errors(result);
    expect(problem?.message).toMatch(
      /nest into a value too large.*billion laughs/,
    );
    expect(problem?.location.line).toBe(3);
  });

  it("rejects more than 100 alias uses quickly, at the 101st", () => {
    const users = Array.from({ length: 101 }, () => "      - *ana").join("\n");
    const text = `version: 1\naccesses:\n  - app: figma\n    user: &ana ana@example.com\n  - app: github\n    users:\n${users}\n`;
    const started = performance.now();
    const result = parse(text);
    expect(performance.now() - started).toBeLessThan(1000);
    const problem = only(result);
    expect(problem.message).toMatch(/More than 100 YAML aliases/);
    expect(problem.location.line).toBe(107);
  });

  it("accepts exactly 100 alias uses", () => {
    const users = Array.from({ length: 100 }, () => "      - *ana").join("\n");
    const text = `version: 1\naccesses:\n  - app: figma\n    user: &ana ana@example.com\n  - app: github\n    users:\n${users}\n`;
    const result = parse(text);
    expect(result.problems).toEqual([]);
    expect(result.manifest?.accesses).toHaveLength(101);
  });
});

describe("file size", () => {
  it("refuses a file over 10 MiB before parsing it", () => {
    const text = `version: 1\naccesses: []\nx: "${"a".repeat(10 * 1024 * 1024)}"\n`;
    const started = performance.now();
    const problem = only(parse(text));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(problem.message).toMatch(
      /^The manifest is 10,485,790 bytes, over the limit of 10,485,760 bytes \(10 MiB\)/,
    );
    expect(problem.message).toMatch(/split it into several files/);
    expect(at(problem)).toEqual([1, 1]);
  });

  it("counts bytes, not characters", () => {
    const text = "version: 1\naccesses: []\n# é\n";
    const limit = { maxBytes: text.length };
    expect(
      parseManifest(text, "access.yaml", limit).problems[0]?.message,
    ).toMatch(/over the/);
    expect(
      parseManifest(text, "access.yaml", { maxBytes: text.length + 1 })
        .problems[0]?.message,
    ).toMatch(/No accesses/);
  });
});

describe("version", () => {
  it("reports an unsupported version, quoting it", () => {
    const result = parse("version: 2\naccesses: []\n");
    const [problem] = errors(result);
    expect(errors(result)).toHaveLength(1);
    expect(problem?.message).toBe(
      'Unsupported manifest version "2" in "version": only version 1 is supported. Write "version: 1".',
    );
    expect(at(problem!)).toEqual([1, 10]);
  });

  it("reports a missing version", () => {
    const problem = only(parse(`accesses:\n  - app: figma\n    user: ana\n`));
    expect(problem.message).toMatch(
      /^Missing key "version" at the top level: add "version: 1"/,
    );
    expect(at(problem)).toEqual([1, 1]);
  });

  it("reports a version written as a list as the wrong form", () => {
    const [problem] = errors(parse("version: [1]\naccesses: []\n"));
    expect(problem?.message).toMatch(
      /^"version" must be the text 1 .*; found a list\.$/,
    );
  });
});

describe("accesses", () => {
  it("reports a missing accesses key as an error and returns no manifest", () => {
    const result = parse("version: 1\n");
    expect(result.manifest).toBeUndefined();
    const problem = only(result);
    expect(problem.severity).toBe("error");
    expect(problem.message).toMatch(/^Missing key "accesses" at the top level/);
  });

  it("reports accesses misspelled with a suggestion, and no manifest", () => {
    const result = parse(
      "version: 1\nacesses:\n  - app: figma\n    user: ana\n",
    );
    expect(result.manifest).toBeUndefined();
    const problem = only(result);
    expect(problem.message).toBe(
      'Unknown key "acesses" at the top level: did you mean "accesses"?',
    );
    expect(at(problem)).toEqual([2, 1]);
  });

  it("warns on an empty list of accesses and returns an empty manifest", () => {
    const result = parse("version: 1\naccesses: []\n");
    const problem = only(result);
    expect(problem.severity).toBe("warning");
    expect(problem.message).toMatch(/^No accesses: nothing to plan/);
    expect(at(problem)).toEqual([2, 11]);
    expect(result.manifest?.accesses).toEqual([]);
  });

  it("reports accesses written as a map as the wrong form", () => {
    const result = parse("version: 1\naccesses:\n  app: figma\n");
    expect(result.manifest).toBeUndefined();
    const problem = only(result);
    expect(problem.message).toMatch(
      /^"accesses" must be a list of accesses .*; found a map\.$/,
    );
    expect(at(problem)).toEqual([3, 3]);
  });

  it("reports an empty accesses value, pointing at its key", () => {
    const problem = only(parse("version: 1\naccesses:\n"));
    expect(problem.message).toMatch(/found an empty value/);
    expect(at(problem)).toEqual([2, 1]);
  });

  it("reports an access written as text", () => {
    const problem = only(parse("version: 1\naccesses:\n  - figma\n"));
    expect(problem.message).toMatch(
      /^An access must be a map with "app" and either "user" or "users"; found the text "figma"/,
    );
    expect(at(problem)).toEqual([3, 5]);
  });
});

describe("an access", () => {
  it("reports an unknown key with a suggestion", () => {
    const result = parse(
      "version: 1\naccesses:\n  - app: figma\n    permisionLevel: editor\n    user: ana\n",
    );
    const problem = only(result);
    expect(problem.message).toBe(
      'Unknown key "permisionLevel" in an access: did you mean "permissionLevel"?',
    );
    expect(at(problem)).toEqual([4, 5]);
  });

  it("lists the allowed keys when an unknown key is like none of them", () => {
    const problem = only(
      parse(
        "version: 1\naccesses:\n  - app: figma\n    user: ana\n    expires: tomorrow\n",
      ),
    );
    expect(problem.message).toMatch(
      /^Unknown key "expires" in an access: the keys allowed here are "app", "permissionLevel", "user", "users", "reason"\.$/,
    );
    expect(at(problem)).toEqual([5, 5]);
  });

  it("reports both user and users, at the users key", () => {
    const problem = only(
      parse(
        "version: 1\naccesses:\n  - app: figma\n    user: ana\n    users: [lee]\n",
      ),
    );
    expect(problem.message).toMatch(/^An access has both "user" and "users"/);
    expect(at(problem)).toEqual([5, 5]);
  });

  it("reports neither user nor users, at the access", () => {
    const problem = only(
      parse("version: 1\naccesses:\n  - app: figma\n    reason: forgot\n"),
    );
    expect(problem.message).toMatch(
      /^An access has neither "user" nor "users"/,
    );
    expect(at(problem)).toEqual([3, 5]);
  });

  it("reports neither user nor users even when another key is wrong too", () => {
    const result = parse("version: 1\naccesses:\n  - app: [figma]\n");
    expect(errors(result).map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^An access has neither "user" nor "users"/),
      expect.stringMatching(
        /^"app" in an access must be an app alias, a work app id or the app's name; found a list\.$/,
      ),
    ]);
  });

  it("reports an empty users list", () => {
    const problem = only(
      parse("version: 1\naccesses:\n  - app: figma\n    users: []\n"),
    );
    expect(problem.message).toMatch(/^"users" is an empty list in an access/);
    expect(at(problem)).toEqual([4, 12]);
  });

  it("reports users written as text, suggesting user", () => {
    const problem = only(
      parse("version: 1\naccesses:\n  - app: figma\n    users: ana\n"),
    );
    expect(problem.message).toMatch(
      /found the text "ana"\. For one user, write "user: ana"\.$/,
    );
    expect(at(problem)).toEqual([4, 12]);
  });

  it("reports an empty app", () => {
    const problem = only(
      parse('version: 1\naccesses:\n  - app: ""\n    user: ana\n'),
    );
    expect(problem.message).toMatch(/^"app" in an access is empty/);
    expect(at(problem)).toEqual([3, 10]);
  });

  it("reports a missing app at the access", () => {
    const problem = only(parse("version: 1\naccesses:\n  - user: ana\n"));
    expect(problem.message).toMatch(/^Missing key "app" in an access/);
    expect(at(problem)).toEqual([3, 5]);
  });

  it("leaves a wrong access out of the manifest and keeps the others", () => {
    const result = parse(
      "version: 1\naccesses:\n  - app: figma\n    user: ana\n  - app: figma\n  - app: github\n    user: lee\n",
    );
    expect(errors(result)).toHaveLength(1);
    expect(result.manifest?.accesses.map((entry) => entry.user.text)).toEqual([
      "ana",
      "lee",
    ]);
  });
});

describe("apps", () => {
  it("reports an unknown key in an app with a suggestion", () => {
    const text = `version: 1\napps:\n  figma:\n    id: ${figmaId}\n    permisionLevels:\n      editor: ${editorId}\naccesses:\n  - app: figma\n    user: ana\n`;
    const problem = only(parse(text));
    expect(problem.message).toBe(
      'Unknown key "permisionLevels" in app alias "figma": did you mean "permissionLevels"?',
    );
    expect(at(problem)).toEqual([5, 5]);
  });

  it("reports a malformed UUID under id", () => {
    const problem = only(
      parse(
        "version: 1\napps:\n  figma:\n    id: 3f0c2a4e-8d1b\naccesses:\n  - app: figma\n    user: ana\n",
      ),
    );
    expect(problem.message).toMatch(
      /^Malformed work app id "3f0c2a4e-8d1b" in "id" of app alias "figma": expected a UUID such as /,
    );
    expect(at(problem)).toEqual([4, 9]);
  });

  it("reports a malformed UUID in the short form", () => {
    const problem = only(
      parse(
        "version: 1\napps:\n  figma: figma-app\naccesses:\n  - app: figma\n    user: ana\n",
      ),
    );
    expect(problem.message).toMatch(
      /^Malformed work app id "figma-app" for app alias "figma"/,
    );
    expect(at(problem)).toEqual([3, 10]);
  });

  it("reports a malformed UUID under permissionLevels", () => {
    const text = `version: 1\napps:\n  figma:\n    id: ${figmaId}\n    permissionLevels:\n      editor: editor-level\naccesses:\n  - app: figma\n    user: ana\n`;
    const problem = only(parse(text));
    expect(problem.message).toMatch(
      /^Malformed permission level id "editor-level" for level alias "editor" of app alias "figma"/,
    );
    expect(at(problem)).toEqual([6, 15]);
  });

  it("reports a map under permissionLevels where a level id belongs", () => {
    const text = `version: 1\napps:\n  figma:\n    id: ${figmaId}\n    permissionLevels:\n      editor:\n        id: ${editorId}\naccesses:\n  - app: figma\n    user: ana\n`;
    const problem = only(parse(text));
    expect(problem.message).toMatch(
      /^Level alias "editor" of app alias "figma" must be a permission level id: a UUID such as .*; found a map\.$/,
    );
    expect(at(problem)).toEqual([7, 9]);
  });

  it("reports apps written as a list, naming the expected form", () => {
    const problem = only(
      parse(
        `version: 1\napps:\n  - ${figmaId}\naccesses:\n  - app: figma\n    user: ana\n`,
      ),
    );
    expect(problem.message).toMatch(
      /^"apps" must be a map of app aliases, such as "figma: <work app id>"; found a list\.$/,
    );
    expect(at(problem)).toEqual([3, 3]);
  });

  it("reports an app alias written as a list", () => {
    const problem = only(
      parse(
        "version: 1\napps:\n  figma: [a, b]\naccesses:\n  - app: figma\n    user: ana\n",
      ),
    );
    expect(problem.message).toMatch(
      /^App alias "figma" must be a work app id \(a UUID\), or a map with "id" and "permissionLevels"; found a list\.$/,
    );
    expect(at(problem)).toEqual([3, 10]);
  });

  it("keeps the valid app aliases when one is wrong", () => {
    const result = parse(
      `version: 1\napps:\n  figma: nope\n  github: ${githubId}\naccesses: []\n`,
    );
    expect([...(result.manifest?.apps.keys() ?? [])]).toEqual(["github"]);
  });
});

describe("users", () => {
  it("reports a user alias that is neither an email nor a UUID", () => {
    const problem = only(
      parse(
        "version: 1\nusers:\n  ana: Ana Lopez\naccesses:\n  - app: figma\n    user: ana\n",
      ),
    );
    expect(problem.message).toMatch(
      /^User alias "ana" must stand for an email address or a user id \(a UUID\); found the text "Ana Lopez"/,
    );
    expect(at(problem)).toEqual([3, 8]);
  });

  it("accepts a user alias to a user id", () => {
    const result = parse(
      `version: 1\nusers:\n  bot: ${githubId}\naccesses:\n  - app: figma\n    user: bot\n`,
    );
    expect(result.problems).toEqual([]);
    expect(result.manifest?.users.get("bot")?.text).toBe(githubId);
  });
});

describe("the top level", () => {
  it("reports an unknown key and lists the allowed keys", () => {
    const problem = only(
      parse(
        "version: 1\nowner: security-team\naccesses:\n  - app: figma\n    user: ana\n",
      ),
    );
    expect(problem.message).toBe(
      'Unknown key "owner" at the top level: the keys allowed here are "version", "apps", "users", "accesses".',
    );
    expect(at(problem)).toEqual([2, 1]);
  });

  it("reports a YAML 1.1 merge key as unknown, saying why", () => {
    const result = parse(
      "version: 1\naccesses:\n  - <<: {app: figma}\n    user: ana\n",
    );
    const problem = errors(result).find((p) => p.message.includes('"<<"'));
    expect(problem?.message).toMatch(
      /^Unknown key "<<" in an access.*Merge keys \(<<\) are not part of YAML 1\.2/,
    );
    expect(at(problem!)).toEqual([3, 5]);
  });

  it("reports an empty file", () => {
    const problem = only(parse("# nothing yet\n"));
    expect(problem.message).toMatch(/^The manifest is empty/);
    expect(at(problem)).toEqual([1, 1]);
  });

  it("reports a list at the top level", () => {
    const problem = only(parse("- app: figma\n  user: ana\n"));
    expect(problem.message).toMatch(
      /^The manifest must be a map with the keys "version" and "accesses"; found a list\.$/,
    );
  });

  it("lists problems in the order of the file", () => {
    const result = parse("accesses:\n  - app: figma\n    usr: ana\nextra: 1\n");
    const lines = result.problems.map((problem) => problem.location.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(result.problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe("the example access.yaml", () => {
  it("parses with no problems", async () => {
    const path = new URL("../../access.yaml", import.meta.url);
    const content = await readFile(path);
    const result = parseManifest(content, "access.yaml");
    expect(result.problems).toEqual([]);
    expect(result.manifest?.apps.size).toBeGreaterThanOrEqual(2);
    expect(result.manifest?.users.size).toBeGreaterThanOrEqual(2);
    expect(result.manifest?.accesses.length).toBeGreaterThanOrEqual(4);
  });

  it("starts with the schema line for editors", async () => {
    const path = new URL("../../access.yaml", import.meta.url);
    const [first] = (await readFile(path, "utf8")).split("\n");
    expect(first).toBe("# yaml-language-server: $schema=./access.schema.json");
  });
});

describe("aliases no reference can reach", () => {
  it("warns on a user alias with an @ or shaped like a UUID, and an app alias that is a UUID", () => {
    const uuid = "3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10";
    const { problems } = parseManifest(
      `version: 1
apps:
  ${uuid}: 0b7e6c5d-4a3b-4c2d-8e1f-9a8b7c6d5e4f
users:
  "@octocat": octo@example.com
  ${uuid}: ana@example.com
  ana: ana@example.com
accesses:
  - app: Slack
    user: ana
`,
      "access.yaml",
    );
    expect(
      problems.map((p) => `${p.severity} ${p.location.line} ${p.message}`),
    ).toEqual([
      expect.stringMatching(/^warning 3 App alias ".*" is a UUID/),
      expect.stringMatching(
        /^warning 5 User alias "@octocat" is never used: in an access, text with "@" is read as an email/,
      ),
      expect.stringMatching(
        /^warning 6 User alias ".*" is never used: in an access, a UUID is read as a user id/,
      ),
    ]);
  });
});
