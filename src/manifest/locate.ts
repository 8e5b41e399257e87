// Finding where a value is written, from its path in the parsed manifest
// (such as ["accesses", 2, "users", 0]). Paths come from zod issues and from
// building the manifest; places come from the YAML nodes.
import { isAlias, isMap, isNode, isScalar, isSeq, type Node } from "yaml";
import type { Location } from "../model.js";
import type { YamlSource } from "./read-yaml.js";

export type Path = ReadonlyArray<PropertyKey>;

/** What a path reaches in the file: the value, and its key in a map. */
interface Reached {
  value?: Node;
  key?: Node;
  /** The deepest collection on the path that exists. */
  parent?: Node;
}

/** Turns paths into locations in one manifest file. */
export class Locator {
  constructor(private readonly source: YamlSource) {}

  /** Where the value at the path is written; its key's place if it is empty. */
  value(path: Path): Location {
    const reached = this.reach(path);
    return this.first(reached.value, reached.key, reached.parent);
  }

  /** Where the key of the value at the path is written. */
  key(path: Path): Location {
    const reached = this.reach(path);
    return this.first(reached.key, reached.value, reached.parent);
  }

  /** Where the map or list that should hold the path is written. */
  parent(path: Path): Location {
    return this.first(this.reach(path).parent);
  }

  private first(...nodes: Array<Node | undefined>): Location {
    for (const node of nodes) {
      const offset = startOf(node);
      if (offset !== undefined) return this.source.locate(offset);
    }
    return this.source.locate(0);
  }

  private reach(path: Path): Reached {
    let value = this.resolve(this.source.doc.contents);
    let key: Node | undefined;
    let parent: Node | undefined;
    for (const segment of path) {
      if (isMap(value)) {
        const pair = value.items.find(
          (item) => keyText(item.key) === String(segment),
        );
        if (!pair) return { parent: value };
        parent = value;
        key = asNode(pair.key);
        value = this.resolve(pair.value);
      } else if (isSeq(value) && typeof segment === "number") {
        const item: unknown = value.items[segment];
        if (item === undefined) return { parent: value };
        parent = value;
        key = undefined;
        value = this.resolve(item);
      } else {
        return { parent };
      }
    }
    return { value, key, parent };
  }

  // An alias stands for its anchored value: the place shown is where that
  // value is written.
  private resolve(item: unknown): Node | undefined {
    const node = asNode(item);
    if (node && isAlias(node)) return node.resolve(this.source.doc);
    return node;
  }
}

function asNode(item: unknown): Node | undefined {
  return isNode(item) ? item : undefined;
}

/** A map key as the plain values show it. */
function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

// An empty value has a zero-length range, at the end of its line or on the
// next one: it points nowhere useful, so its key is shown instead.
function startOf(node: Node | undefined): number | undefined {
  const range = node?.range;
  if (!range) return undefined;
  if (isScalar(node) && range[0] === range[1]) return undefined;
  return range[0];
}
