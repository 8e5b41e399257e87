import { describe, expect, it } from "vitest";
import { code, escapeMarkdown, tableRow } from "../../src/report/markdown.js";
import { cells } from "./factory.js";

const ZWJ = "\u200d";

describe("escapeMarkdown", () => {
  it("turns HTML into text", () => {
    expect(escapeMarkdown('<img src=x onerror="alert(1)"> & co')).toBe(
      '&lt;img src=x onerror="alert\\(1\\)"&gt; &amp; co',
    );
  });

  it("keeps entities written in the text as text", () => {
    expect(escapeMarkdown("&lt;b&gt;")).toBe("&amp;lt;b&amp;gt;");
  });

  it("stops @mentions of people and teams", () => {
    expect(escapeMarkdown("ping @octocat and @acme/security")).toBe(
      `ping @${ZWJ}octocat and @${ZWJ}acme/security`,
    );
    expect(escapeMarkdown("@octocat")).toBe(`@${ZWJ}octocat`);
    expect(escapeMarkdown("(@octocat)")).toBe(`\\(@${ZWJ}octocat\\)`);
  });

  it("leaves emails readable, since GitHub does not link them", () => {
    expect(escapeMarkdown("ana@example.com")).toBe("ana@example.com");
  });

  it("puts everything on one line", () => {
    expect(escapeMarkdown("one\ntwo\r\nthree\rfour\u2028five\tsix")).toBe(
      "one two three four five six",
    );
  });

  it("escapes table pipes so a cell stays one cell", () => {
    const row = tableRow(["a", escapeMarkdown("x | y | z"), "b"]);
    expect(cells(row)).toEqual(["a", "x \\| y \\| z", "b"]);
  });

  it("escapes emphasis, code, links, images and math", () => {
    expect(escapeMarkdown("*bold* _it_ `code` ~~s~~ [a](b) ![i](j) $x$")).toBe(
      "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\[a\\]\\(b\\) " +
        "\\!\\[i\\]\\(j\\) \\$x\\$",
    );
  });

  it("escapes backslashes so they cannot undo an escape", () => {
    expect(escapeMarkdown("\\|")).toBe("\\\\\\|");
  });

  it("cannot end an HTML comment", () => {
    const escaped = escapeMarkdown("--> and --!> and <!--");
    expect(escaped).not.toContain(">");
    expect(escaped).not.toContain("<");
  });

  it("stops text at the start of a line from becoming a list or a heading", () => {
    expect(escapeMarkdown("- item")).toBe("\\- item");
    expect(escapeMarkdown("+ item")).toBe("\\+ item");
    expect(escapeMarkdown("=====")).toBe("\\=====");
    expect(escapeMarkdown("1. first")).toBe("1\\. first");
    expect(escapeMarkdown("# title")).toBe("\\# title");
    expect(escapeMarkdown("> quote")).toBe("&gt; quote");
  });

  it("drops control and bidirectional characters", () => {
    expect(escapeMarkdown("ad\u202emin\u0007\u0000")).toBe("admin");
  });

  it("leaves plain names alone", () => {
    expect(escapeMarkdown("  Design team onboarding  ")).toBe(
      "Design team onboarding",
    );
  });
});

describe("code", () => {
  it("wraps plain text in single backticks", () => {
    expect(code("access.yaml")).toBe("`access.yaml`");
  });

  it("uses a fence longer than any run of backticks inside", () => {
    expect(code("a`b``c")).toBe("```a`b``c```");
  });

  it("pads text that starts or ends with a backtick or a space", () => {
    expect(code("`x`")).toBe("`` `x` ``");
    expect(code(" x")).toBe("`  x `");
  });

  it("keeps HTML and mentions literal, as code spans do", () => {
    expect(code("<b>@octocat</b>")).toBe("`<b>@octocat</b>`");
  });

  it("puts the text on one line", () => {
    expect(code("a\nb")).toBe("`a b`");
  });

  it("escapes pipes only inside tables", () => {
    expect(code("a|b")).toBe("`a|b`");
    const row = tableRow([code("a|b", { inTable: true }), "c"]);
    expect(cells(row)).toEqual(["`a\\|b`", "c"]);
  });
});
