/**
 * The one way this repository edits stack config outside Pulumi: the tests, the
 * benchmark and the review stacks each describe an edit as a key, a path inside its
 * structured value and the new value, and apply it either to the raw values a plan
 * reads (structured values are JSON text) or to a stack file's YAML document, which
 * keeps its comments and encrypted values.
 */
import type { Document } from "yaml";
import { NAMESPACE } from "../base/format";

export interface ConfigEdit {
  /** Full config key, e.g. `ci-infra:domain`. */
  readonly key: string;
  /** Path inside a structured value; empty for the whole value. */
  readonly path: readonly string[];
  /** The new value; `undefined` deletes it. */
  readonly value: unknown;
}

/** `configEdit("nodes.ciAgent.count", 3)` → key `ci-infra:nodes`, path `ciAgent.count`. */
export function configEdit(dotted: string, value: unknown): ConfigEdit {
  const [top, ...path] = dotted.split(".");
  return { key: `${NAMESPACE}:${top}`, path, value };
}

/** Applies edits to raw config values (as `readStackFile` returns them), in order. */
export function editValues(values: Record<string, string>, edits: readonly ConfigEdit[]): void {
  for (const e of edits) {
    if (e.path.length === 0) {
      if (e.value === undefined) delete values[e.key];
      else values[e.key] = typeof e.value === "string" ? e.value : JSON.stringify(e.value);
      continue;
    }
    const root = values[e.key] ? (JSON.parse(values[e.key]) as Record<string, unknown>) : {};
    let cur = root;
    for (const p of e.path.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
    const last = e.path[e.path.length - 1];
    if (e.value === undefined) delete cur[last];
    else cur[last] = e.value;
    values[e.key] = JSON.stringify(root);
  }
}

/** Applies edits to a stack file's document (`config:` section), keeping everything else. */
export function editDocument(doc: Document, edits: readonly ConfigEdit[]): void {
  for (const e of edits) {
    const at = ["config", e.key, ...e.path];
    if (e.value === undefined) doc.deleteIn(at);
    else doc.setIn(at, e.value);
  }
}
