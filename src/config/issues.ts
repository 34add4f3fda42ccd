/**
 * Turns zod issues into one line per problem: full key, rule, value. Secret
 * values are never shown, and no value or key makes a line longer than a screen.
 */
import type { z } from "zod";
import { SECRET_PLACEHOLDER } from "../base/errors";
import { keyOf, show } from "../base/format";
import { expectedOf, knownKeys, schemaAt } from "./schema-walk";

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Marks a value that must not be shown; `show` never sees what it replaces. */
const HIDDEN = Symbol("hidden");

/** `v` with every leaf `hidden` says to keep back replaced by HIDDEN. */
function redact(v: unknown, path: PropertyKey[], hidden: (path: readonly PropertyKey[], value: unknown) => boolean): unknown {
  if (hidden(path, v)) return HIDDEN;
  if (Array.isArray(v)) return v.map((x, i) => redact(x, [...path, i], hidden));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    // Keys reached here were checked by the config layer: none is special to JavaScript.
    for (const [k, x] of Object.entries(v)) out[k] = redact(x, [...path, k], hidden);
    return out;
  }
  return v;
}

function showRedacted(v: unknown): string {
  if (v === HIDDEN) return SECRET_PLACEHOLDER;
  if (v === null || typeof v !== "object") return show(v);
  return show(JSON.parse(JSON.stringify(v, (_k, x) => (x === HIDDEN ? SECRET_PLACEHOLDER : x))));
}

/**
 * Whether zod's own wording reached the message ("Invalid input: expected object,
 * received undefined"): every rule of ours starts with a lowercase verb.
 */
const isZodWording = (message: string) => /^[A-Z]/.test(message);

/**
 * @param raw the config as the user wrote it (before defaults)
 * @param hidden whether the value at `path` must not be shown (a secret field's
 *   value, a leaf set with --secret); asked for every value on the way down, so
 *   an object is shown with only its hidden parts replaced
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  schema: z.ZodType,
  hidden: (path: readonly PropertyKey[], value: unknown) => boolean,
): string[] {
  const lines = new Set<string>();
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, issue.path);
      for (const k of issue.keys) {
        const hint = known.length ? ` (known keys here: ${known.join(", ")})` : "";
        lines.add(`${keyOf([...issue.path, k])} is not a known key${hint}`);
      }
      continue;
    }
    const path = issue.path as PropertyKey[];
    const value = valueAt(raw, path);
    const expected = expectedOf(schemaAt(schema, path));
    const typeIssue = issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union";
    const rule = expected && typeIssue && isZodWording(issue.message) ? `must be ${expected}` : issue.message;
    // Cross-field rules report the effective value, which may be a default.
    const effective = issue.code === "custom" ? (issue.params as { value?: unknown } | undefined)?.value : undefined;
    if (value === undefined && (issue.code !== "custom" || effective === undefined)) {
      // A missing section reads as what to write there, not as a validator's report.
      const what = expected && (isZodWording(issue.message) || expected.startsWith("an object")) ? expected : `it ${rule}`;
      lines.add(`${keyOf(path)} is required: ${what}`);
      continue;
    }
    const got =
      value === undefined
        ? `${hidden(path, effective) ? SECRET_PLACEHOLDER : show(effective)}, the default`
        : showRedacted(redact(value, path, hidden));
    lines.add(`${keyOf(path)} ${rule} (got ${got})`);
  }
  return [...lines];
}
