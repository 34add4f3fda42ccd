/**
 * Offline plan diff: two plan JSONs (`npm run plan -- <stack> --json`), one from
 * the base commit and one from the change, compared resource by resource. Pure
 * functions; the CLI reads the files and prints `renderDiffMarkdown`. Secrets are
 * "[secret]" in both plans, so a changed secret shows as unchanged and a value
 * that became secret shows as "[secret]": nothing secret is ever printed.
 */

/** A resource as `--json` writes it (output-files.ts). */
export interface PlanJsonResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly dependsOn: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface PlanJson {
  readonly stack: string;
  readonly program: string;
  readonly resources: readonly PlanJsonResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface ValueChange {
  /** Dotted path with [i] for array items, e.g. `inputs.healthChecker.port`. */
  readonly path: string;
  /** `undefined` when the path did not exist on that side. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface ChangedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly changes: ValueChange[];
}

export interface PlanDiff {
  readonly stack: string;
  readonly baseStack: string;
  readonly added: PlanJsonResource[];
  readonly removed: PlanJsonResource[];
  readonly changed: ChangedResource[];
  readonly outputs: ValueChange[];
}

/** Checks that `v` looks like a plan JSON; throws a sentence naming what is missing. */
export function asPlanJson(v: unknown, source: string): PlanJson {
  const o = v as Partial<PlanJson> | null;
  if (!o || typeof o !== "object" || typeof o.stack !== "string" || !Array.isArray(o.resources)) {
    throw new Error(`${source} is not a plan JSON (expected {stack, program, resources, outputs} as written by npm run plan -- <stack> --json)`);
  }
  for (const r of o.resources) {
    if (!r || typeof r.urn !== "string" || typeof r.type !== "string") throw new Error(`${source}: a resource lacks urn or type`);
  }
  return { stack: o.stack, program: String(o.program ?? ""), resources: o.resources, outputs: o.outputs ?? {} };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every leaf path where `a` and `b` differ; objects and arrays are descended, leaves compared. */
export function diffValues(a: unknown, b: unknown, path = "", out: ValueChange[] = []): ValueChange[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(a[i], b[i], `${path}[${i}]`, out);
    return out;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffValues(a[k], b[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
  return out;
}

function resourceChanges(base: PlanJsonResource, head: PlanJsonResource): ValueChange[] {
  const pick = (r: PlanJsonResource) => ({ inputs: r.inputs, protect: r.protect, retainOnDelete: r.retainOnDelete, dependsOn: [...r.dependsOn].sort(), parent: r.parent });
  return diffValues(pick(base), pick(head));
}

export function diffPlans(base: PlanJson, head: PlanJson): PlanDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const changed: ChangedResource[] = [];
  for (const [urn, r] of after) {
    const old = before.get(urn);
    if (!old) continue;
    const changes = resourceChanges(old, r);
    if (changes.length) changed.push({ urn, type: r.type, name: r.name, changes });
  }
  return {
    stack: head.stack,
    baseStack: base.stack,
    added: head.resources.filter((r) => !before.has(r.urn)),
    removed: base.resources.filter((r) => !after.has(r.urn)),
    changed,
    outputs: diffValues(base.outputs, head.outputs),
  };
}

export function hasChanges(d: PlanDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.outputs.length > 0;
}

const MAX_VALUE = 120;

/** A value as inline Markdown code, short enough for a PR comment. */
export function showValue(v: unknown): string {
  if (v === undefined) return "_(none)_";
  let text = JSON.stringify(v);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE - 1)}…`;
  return `\`${text.replace(/`/g, "'")}\``;
}

const byTypeName = <T extends { type: string; name: string }>(a: T, b: T) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
const line = (r: { type: string; name: string }) => `- \`${r.type}\` **${r.name}**`;

/** The diff as Markdown: the counts on the first line, then added, removed, changed. */
export function renderDiffMarkdown(d: PlanDiff): string {
  const counts = `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed${d.outputs.length ? `, ${d.outputs.length} output changes` : ""}`;
  const out = [`**Plan diff for \`${d.stack}\`**: ${counts}`];
  if (d.baseStack !== d.stack) out.push("", `> The base plan is of stack \`${d.baseStack}\`, not \`${d.stack}\`: every resource differs by URN.`);
  if (!hasChanges(d)) {
    out.push("", "No changes.");
    return out.join("\n");
  }
  if (d.added.length) out.push("", `#### Added (${d.added.length})`, ...[...d.added].sort(byTypeName).map(line));
  if (d.removed.length) out.push("", `#### Removed (${d.removed.length})`, ...[...d.removed].sort(byTypeName).map(line));
  if (d.changed.length) {
    out.push("", `#### Changed (${d.changed.length})`);
    for (const c of [...d.changed].sort(byTypeName)) {
      out.push(line(c));
      for (const ch of c.changes) out.push(`  - \`${ch.path}\`: ${showValue(ch.before)} → ${showValue(ch.after)}`);
    }
  }
  if (d.outputs.length) {
    out.push("", `#### Stack outputs (${d.outputs.length})`);
    for (const ch of d.outputs) out.push(`- \`${ch.path}\`: ${showValue(ch.before)} → ${showValue(ch.after)}`);
  }
  return out.join("\n");
}
