import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  isPlanComment,
  markerPrefix,
  planMarker,
  readPlanHash,
  resultsMarker,
} from "../../src/report/marker.js";
import { renderPlanComment } from "../../src/report/plan-comment.js";
import { entry, report } from "./factory.js";

const HASH = "0123456789abcdef".repeat(4);

describe("planMarker", () => {
  it("names the manifest input by the first 16 hex digits of its SHA-256", () => {
    const id = createHash("sha256")
      .update("access.yaml")
      .digest("hex")
      .slice(0, 16);
    expect(planMarker("access.yaml", HASH)).toBe(
      `<!-- cakewalk-access-action:plan manifest=${id} hash=${HASH} -->`,
    );
  });

  it("round-trips the plan hash", () => {
    expect(readPlanHash(planMarker("access/*.yaml", HASH))).toBe(HASH);
  });

  it("reads no hash from a marker written without one", () => {
    const marker = planMarker("access.yaml");
    expect(marker.startsWith(markerPrefix("access.yaml"))).toBe(true);
    expect(readPlanHash(marker)).toBeUndefined();
  });

  it("gives each manifest input its own prefix", () => {
    expect(markerPrefix("a.yaml")).not.toBe(markerPrefix("b.yaml"));
    const body = `${planMarker("a.yaml", HASH)}\nplan`;
    expect(isPlanComment(body, "a.yaml")).toBe(true);
    expect(isPlanComment(body, "b.yaml")).toBe(false);
  });

  it("refuses a hash that could end the HTML comment", () => {
    expect(() => planMarker("access.yaml", "abc -->")).toThrow(
      /comment marker/,
    );
    expect(() => planMarker("access.yaml", "a--b")).toThrow(/comment marker/);
  });
});

describe("readPlanHash", () => {
  it("reads only the first line of a comment", () => {
    const body = `Some text\n${planMarker("access.yaml", HASH)}`;
    expect(readPlanHash(body)).toBeUndefined();
  });

  it("reads a body stored with CRLF line ends", () => {
    expect(readPlanHash(`${planMarker("x", HASH)}\r\nrest`)).toBe(HASH);
  });

  it("ignores comments that only look like markers", () => {
    expect(readPlanHash("<!-- cakewalk-access-action:plan hash=x -->")).toBe(
      undefined,
    );
  });

  it("still finds the real hash after a hostile reason is rendered", () => {
    const fake =
      `--> <!-- cakewalk-access-action:plan manifest=${"0".repeat(16)} ` +
      "hash=evil --> --!> <!--";
    const body = renderPlanComment(
      report({
        planHash: HASH,
        entries: [entry("grant", { reason: fake, user: fake, app: fake })],
      }),
    );
    expect(readPlanHash(body)).toBe(HASH);
    // The marker's own end is the only one in the whole body.
    expect(body.indexOf("-->")).toBe(body.indexOf("\n") - 3);
    expect(body.lastIndexOf("-->")).toBe(body.indexOf("-->"));
    expect(body).not.toContain("--!>");
    expect(body.match(/</g)).toHaveLength(1);
  });
});

describe("resultsMarker", () => {
  it("names the manifest input and the applied commit", () => {
    const sha = "f".repeat(40);
    expect(resultsMarker("access.yaml", sha)).toMatch(
      /^<!-- cakewalk-access-action:results manifest=[0-9a-f]{16} commit=f{40} -->$/,
    );
  });
});
