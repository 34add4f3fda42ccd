/**
 * Turns zod issues into one line per problem: full key, rule, value. Values of
 * secret keys are never shown.
 */
import type { z } from "zod";
import { SECRET_PLACEHOLDER } from "./errors";
import { knownKeys } from "./schema-walk";

export const NAMESPACE = "ci-infra";

/** `["ingress","httpNodePort"]` → `ci-infra:ingress.httpNodePort`; array indexes as `[0]`. */
export function keyOf(path: readonly PropertyKey[]): string {
  let key = `${NAMESPACE}:`;
  path.forEach((p, i) => {
    if (typeof p === "number") key += `[${p}]`;
    else key += i === 0 ? String(p) : `.${String(p)}`;
  });
  return key;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  return typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/**
 * @param raw the config as the user wrote it (before defaults)
 * @param secretTopKeys top-level keys (without namespace) set with --secret
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, schema: z.ZodType, secretTopKeys: ReadonlySet<string>): string[] {
  const lines = new Set<string>();
  for (const issue of issues) {
    const secret = issue.path.length > 0 && secretTopKeys.has(String(issue.path[0]));
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, issue.path);
      for (const k of issue.keys) {
        const hint = known.length ? ` (known keys here: ${known.join(", ")})` : "";
        lines.add(`${keyOf([...issue.path, k])} is not a known key${hint}`);
      }
      continue;
    }
    const value = valueAt(raw, issue.path);
    // Cross-field rules report the effective value, which may be a default.
    const effective = issue.code === "custom" ? (issue.params as { value?: unknown } | undefined)?.value : undefined;
    if (value === undefined && (issue.code !== "custom" || effective === undefined)) {
      lines.add(`${keyOf(issue.path)} is required: it ${issue.message}`);
      continue;
    }
    const got = secret ? SECRET_PLACEHOLDER : value === undefined ? `${show(effective)}, the default` : show(value);
    lines.add(`${keyOf(issue.path)} ${issue.message} (got ${got})`);
  }
  return [...lines];
}
