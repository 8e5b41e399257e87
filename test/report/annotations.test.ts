import type { AnnotationProperties } from "@actions/core";
import { describe, expect, it } from "vitest";
import {
  emitAnnotations,
  type AnnotationSink,
} from "../../src/report/annotations.js";
import { problem } from "./factory.js";

interface Recorded {
  kind: "error" | "warning";
  message: string;
  properties?: AnnotationProperties;
}

function recorder(): AnnotationSink & { seen: Recorded[] } {
  const seen: Recorded[] = [];
  return {
    seen,
    error: (message, properties) =>
      seen.push({ kind: "error", message, properties }),
    warning: (message, properties) =>
      seen.push({ kind: "warning", message, properties }),
  };
}

describe("emitAnnotations", () => {
  it("annotates each problem on its file, line and column", () => {
    const sink = recorder();
    emitAnnotations(
      [problem("warning", "Duplicate access", 4, "a.yaml")],
      sink,
    );
    expect(sink.seen).toEqual([
      {
        kind: "warning",
        message: "Duplicate access",
        properties: {
          title: "Cakewalk access manifest",
          file: "a.yaml",
          startLine: 4,
          startColumn: 3,
        },
      },
    ]);
  });

  it("shows 9 of 12 errors, then one that says 3 more are in the summary", () => {
    const sink = recorder();
    const errors = Array.from({ length: 12 }, (_, index) =>
      problem("error", `Error ${index + 1}`, index + 1),
    );
    emitAnnotations(errors, sink);
    expect(sink.seen).toHaveLength(10);
    expect(sink.seen.every((seen) => seen.kind === "error")).toBe(true);
    expect(sink.seen.slice(0, 9).map((seen) => seen.message)).toEqual(
      errors.slice(0, 9).map((error) => error.message),
    );
    expect(sink.seen[9]?.message).toMatch(
      /^3 more errors in the manifest not shown here.*job summary of this run lists them all\.$/,
    );
  });

  it("caps errors and warnings apart, errors first in file and line order", () => {
    const sink = recorder();
    const warnings = Array.from({ length: 11 }, (_, index) =>
      problem("warning", `Warning ${index}`, index + 1),
    );
    const errors = [
      problem("error", "Late", 2, "b.yaml"),
      problem("error", "Early", 9, "a.yaml"),
      problem("error", "First", 1, "a.yaml"),
    ];
    emitAnnotations([...warnings, ...errors], sink);
    expect(sink.seen.map((seen) => `${seen.kind} ${seen.message}`)).toEqual([
      "error First",
      "error Early",
      "error Late",
      ...warnings.slice(0, 9).map((warning) => `warning ${warning.message}`),
      expect.stringMatching(/^warning 2 more warnings in the manifest/),
    ]);
  });

  it("shows all 10 when exactly 10 fit in GitHub's limit", () => {
    const sink = recorder();
    const warnings = Array.from({ length: 10 }, (_, index) =>
      problem("warning", `Warning ${index}`, index + 1),
    );
    emitAnnotations(warnings, sink);
    expect(sink.seen.map((seen) => seen.message)).toEqual(
      warnings.map((warning) => warning.message),
    );
  });

  it("leaves one error slot for the failing step's own message", () => {
    const errors = Array.from({ length: 10 }, (_, index) =>
      problem("error", `Error ${index + 1}`, index + 1),
    );
    const failing = recorder();
    emitAnnotations(errors, failing, { failing: true });
    expect(failing.seen).toHaveLength(9);
    expect(failing.seen[8]?.message).toMatch(/^2 more errors/);

    const nine = recorder();
    emitAnnotations(errors.slice(0, 9), nine, { failing: true });
    expect(nine.seen.map((seen) => seen.message)).toEqual(
      errors.slice(0, 9).map((error) => error.message),
    );
  });

  it("emits nothing when there are no problems", () => {
    const sink = recorder();
    emitAnnotations([], sink);
    expect(sink.seen).toEqual([]);
  });
});
