// Reading a manifest file as YAML, before its shape is checked: size, text
// encoding, syntax, tabs and aliases (SPEC §2). Every problem gets a place.
import {
  type Document,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Range,
  type YAMLError,
} from "yaml";
import { errorMessage } from "../errors.js";
import type { Location, Problem } from "../model.js";
import { quote } from "./quote.js";

export const maxFileBytes = 10 * 1024 * 1024;
export const maxAliases = 100;
// How often one anchored value may be repeated, counting repeats nested in
// other repeated values (the parser's own measure; the anchor counts once).
// Plain aliases stay far below it; nested ones that multiply do not.
const maxExpansion = 10 * maxAliases;
// A syntax error early in a file tends to cause many more after it; the first
// ones are what the author needs.
const maxSyntaxErrors = 20;

/** A parsed manifest file with a way to turn offsets into locations. */
export interface YamlSource {
  doc: Document.Parsed;
  locate(offset: number): Location;
}

export interface ReadYamlResult {
  /** Absent when the file had YAML errors: its values cannot be trusted. */
  content?: { source: YamlSource; data: unknown };
  problems: Problem[];
}

export interface ReadYamlOptions {
  /** For tests; the default is 10 MiB. */
  maxBytes?: number;
}

/** Parses one manifest file as YAML 1.2, failsafe: every scalar is text. */
export function readYaml(
  content: string | Buffer,
  file: string,
  options: ReadYamlOptions = {},
): ReadYamlResult {
  const start: Location = { file, line: 1, column: 1 };
  const tooLarge = checkSize(content, options.maxBytes ?? maxFileBytes, start);
  if (tooLarge) return { problems: [tooLarge] };
  const text = decode(content);
  if (text === undefined) {
    const message =
      "The manifest is not valid UTF-8 text: save it as UTF-8 and try again.";
    return { problems: [error(message, start)] };
  }

  const source = parse(text, file);
  const problems = [...syntaxProblems(source, text), ...aliasProblems(source)];
  if (problems.some((problem) => problem.severity === "error")) {
    return { problems };
  }
  return toData(source, problems);
}

function checkSize(
  content: string | Buffer,
  maxBytes: number,
  start: Location,
): Problem | undefined {
  const bytes =
    typeof content === "string" ? Buffer.byteLength(content) : content.length;
  if (bytes <= maxBytes) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  const limit = `${count(maxBytes)} bytes (${maxBytes / 1024 / 1024} MiB)`;
  return error(
    `The manifest is ${count(bytes)} bytes, over the limit of ${limit}, ` +
      "and was not read: split it into several files (the manifest input " +
      "takes a glob).",
    start,
  );
}

function decode(content: string | Buffer): string | undefined {
  if (typeof content === "string") return content;
  try {
    // Keep a byte-order mark in the text: the YAML parser accepts exactly one.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      content,
    );
  } catch {
    return undefined;
  }
}

function parse(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: "failsafe",
    version: "1.2",
    uniqueKeys: true,
    prettyErrors: false,
    // Warnings come back in `doc.warnings`; do not print them too.
    logLevel: "error",
  });
  // The parser skips a leading byte-order mark but counts it in offsets;
  // editors do not show it as a column.
  const bomShift = text.startsWith("\uFEFF") ? 1 : 0;
  const locate = (offset: number): Location => {
    const { line, col } = lineCounter.linePos(offset);
    const column = line === 1 ? Math.max(1, col - bomShift) : col;
    return { file, line, column };
  };
  return { doc, locate };
}

function syntaxProblems(source: YamlSource, text: string): Problem[] {
  const tabs = tabIndents(source, text).map((offset) => source.locate(offset));
  const tabLines = new Set(tabs.map((location) => location.line));
  const problems = tabs.map((location) => error(tabMessage, location));

  // An error on a line indented with tabs is a consequence of the tabs.
  const errors = source.doc.errors
    .map((yamlError) => ({ yamlError, at: source.locate(yamlError.pos[0]) }))
    .filter(({ at }) => !tabLines.has(at.line));
  for (const { yamlError, at } of errors.slice(0, maxSyntaxErrors)) {
    problems.push(error(syntaxMessage(yamlError, source), at));
  }
  const last = errors[maxSyntaxErrors - 1];
  if (last && errors.length > maxSyntaxErrors) {
    const more = errors.length - maxSyntaxErrors;
    const message = `${more} more YAML errors are not listed: fix the ones above first.`;
    problems.push(error(message, last.at));
  }
  for (const warning of source.doc.warnings) {
    const message = `YAML warning: ${warning.message}; every value is read as text.`;
    problems.push(warn(message, source.locate(warning.pos[0])));
  }
  return problems;
}

const tabMessage =
  "Tabs are used for indentation: YAML allows only spaces there. " +
  "Replace the tabs at the start of this line with spaces.";

// The parser flags some tab indents itself and reports others as a bad
// indent, so lines are checked here too. A tab inside a scalar (a block of
// text) or inside a flow collection ([a, b] or {a: b}) is not indentation.
function tabIndents(source: YamlSource, text: string): number[] {
  const candidates = tabsBeforeContent(text);
  if (candidates.length === 0) return [];
  const exempt: Array<[number, number]> = [];
  const keep = (node: { range?: Range | null }) => {
    if (node.range) exempt.push([node.range[0], node.range[1]]);
  };
  visit(source.doc, {
    Scalar: (_, node) => keep(node),
    Map: (_, node) => void (node.flow && keep(node)),
    Seq: (_, node) => void (node.flow && keep(node)),
  });
  return candidates.filter((offset) => !within(exempt, offset));
}

/** The offset of the first tab in each line's indent, on lines with content. */
function tabsBeforeContent(text: string): number[] {
  const offsets: number[] = [];
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const indent = /^[ \t]*/.exec(line)?.[0] ?? "";
    const rest = line.slice(indent.length).trim();
    const isContent = rest !== "" && !rest.startsWith("#");
    if (indent.includes("\t") && isContent) {
      offsets.push(lineStart + indent.indexOf("\t"));
    }
    lineStart += line.length + 1;
  }
  return offsets;
}

function within(ranges: Array<[number, number]>, offset: number): boolean {
  return ranges.some(([from, to]) => from <= offset && offset < to);
}

function syntaxMessage(yamlError: YAMLError, source: YamlSource): string {
  switch (yamlError.code) {
    case "DUPLICATE_KEY": {
      const key = keyAt(source.doc, yamlError.pos[0]);
      return (
        `Duplicate key${key === undefined ? "" : ` ${quote(key)}`}: a key ` +
        "may appear only once in a map. Keep one of them (merge their " +
        "contents if both are needed)."
      );
    }
    case "TAB_AS_INDENT":
      return tabMessage;
    case "MULTIPLE_DOCS":
      return (
        'More than one YAML document (they are separated by "---"): a ' +
        "manifest file holds one document. Move the others to files of their own."
      );
    case "RESOURCE_EXHAUSTION":
      return "The YAML is nested too deeply to read: flatten the structure.";
    default:
      return `Invalid YAML: ${yamlError.message.replace(/\.$/, "")}. Fix the syntax here.`;
  }
}

function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair: (_, pair) => {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = String(pair.key.value);
        return visit.BREAK;
      }
    },
  });
  return found;
}

// Aliases make a small file expand into a huge value (the "billion laughs"
// attack), so their number is capped before any value is built.
function aliasProblems(source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  let count = 0;
  visit(source.doc, {
    Alias: (_, alias) => {
      count += 1;
      const at = source.locate(alias.range?.[0] ?? 0);
      if (count > maxAliases) {
        problems.push(error(tooManyAliases, at));
        return visit.BREAK;
      }
      if (!alias.resolve(source.doc)) {
        problems.push(error(unresolvedMessage(alias), at));
      }
    },
  });
  return problems;
}

const tooManyAliases =
  `More than ${maxAliases} YAML aliases (*name) in one file: this many ` +
  'could expand into a huge value (a "billion laughs" attack), so the ' +
  "file was not read. Write the values out instead of repeating aliases.";

function unresolvedMessage(alias: Alias): string {
  return (
    `The alias ${quote(`*${alias.source}`)} has no anchor: define ` +
    `${quote(`&${alias.source}`)} on a value above it, or write the value out.`
  );
}

function toData(source: YamlSource, problems: Problem[]): ReadYamlResult {
  try {
    // A file under the alias limit can still nest aliases into a huge value.
    const data: unknown = source.doc.toJS({ maxAliasCount: maxExpansion });
    return { content: { source, data }, problems };
  } catch (thrown) {
    const firstAlias = findFirstAlias(source.doc);
    const at = source.locate(firstAlias?.range?.[0] ?? 0);
    const message =
      thrown instanceof ReferenceError
        ? "YAML aliases (*name) here nest into a value too large to read " +
          '(a "billion laughs" attack): write the values out instead.'
        : `The YAML could not be read: ${errorMessage(thrown)}.`;
    return { problems: [...problems, error(message, at)] };
  }
}

function findFirstAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias: (_, alias) => {
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

function error(message: string, location: Location): Problem {
  return { severity: "error", message, location };
}

function warn(message: string, location: Location): Problem {
  return { severity: "warning", message, location };
}
