/**
 * Offline plan diff: two plan JSONs (`npm run plan -- <stack> --json`), one from
 * the base commit and one from the change, compared resource by resource. Pure
 * functions; the CLI reads the files and prints `renderDiffMarkdown`. Secrets are
 * "[secret]" in both plans, so a changed secret shows as unchanged and a value
 * that became secret shows as "[secret]": nothing secret is ever printed.
 *
 * Dependencies and replacement options are sets: their order means nothing, so a
 * change is a member added or removed. A changed long value shows as the lines
 * (or, on one line, the stretch) that differ, not as two truncated prefixes.
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
  /**
   * Replacement options as the program sets them (absent in plans written before
   * they were recorded: read as none). `deleteBeforeReplace`: a replacement deletes
   * first; `ignoreChanges`: input paths an `up` does not apply; `replaceOnChanges`:
   * input paths whose change replaces the resource.
   */
  readonly deleteBeforeReplace?: boolean;
  readonly ignoreChanges?: readonly string[];
  readonly replaceOnChanges?: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** The replacement options of a resource, with the defaults of an older plan JSON filled in. */
export interface ReplacementOptions {
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
}

export interface PlanJson {
  readonly stack: string;
  readonly program: string;
  readonly resources: readonly PlanJsonResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface ValueChange {
  /**
   * Dotted path with [i] for array items, e.g. `inputs.healthChecker.port`. For a
   * set (`dependsOn`, `ignoreChanges`, `replaceOnChanges`) the set's name, with the
   * member added (`before` undefined) or removed (`after` undefined).
   */
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
  /** The head's replacement options: how an `up` would replace it. */
  readonly options: ReplacementOptions;
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

/** The fields compared as sets: order means nothing to the engine. */
const SET_FIELDS = ["dependsOn", "ignoreChanges", "replaceOnChanges"] as const;

export function replacementOptions(r: PlanJsonResource): ReplacementOptions {
  return { deleteBeforeReplace: r.deleteBeforeReplace ?? false, ignoreChanges: r.ignoreChanges ?? [], replaceOnChanges: r.replaceOnChanges ?? [] };
}

/** Members added to the set, then members removed, each sorted. */
function setChanges(path: string, before: readonly string[], after: readonly string[]): ValueChange[] {
  const a = new Set(before);
  const b = new Set(after);
  return [
    ...[...b].filter((x) => !a.has(x)).sort().map((x) => ({ path, before: undefined, after: x })),
    ...[...a].filter((x) => !b.has(x)).sort().map((x) => ({ path, before: x, after: undefined })),
  ];
}

function resourceChanges(base: PlanJsonResource, head: PlanJsonResource): ValueChange[] {
  const [ob, oh] = [replacementOptions(base), replacementOptions(head)];
  const scalars = (r: PlanJsonResource, o: ReplacementOptions) => ({ inputs: r.inputs, protect: r.protect, retainOnDelete: r.retainOnDelete, deleteBeforeReplace: o.deleteBeforeReplace, parent: r.parent });
  const sets = { dependsOn: [base.dependsOn, head.dependsOn], ignoreChanges: [ob.ignoreChanges, oh.ignoreChanges], replaceOnChanges: [ob.replaceOnChanges, oh.replaceOnChanges] } as const;
  const changes = [...diffValues(scalars(base, ob), scalars(head, oh)), ...SET_FIELDS.flatMap((f) => setChanges(f, sets[f][0], sets[f][1]))];
  // Grouped by field in name order; paths inside `inputs` keep diffValues' order.
  const field = (c: ValueChange) => c.path.split(/[.[]/, 1)[0];
  return changes.map((c, i) => ({ c, i })).sort((x, y) => field(x.c).localeCompare(field(y.c)) || x.i - y.i).map((x) => x.c);
}

export function diffPlans(base: PlanJson, head: PlanJson): PlanDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const changed: ChangedResource[] = [];
  for (const [urn, r] of after) {
    const old = before.get(urn);
    if (!old) continue;
    const changes = resourceChanges(old, r);
    if (changes.length) changed.push({ urn, type: r.type, name: r.name, changes, options: replacementOptions(r) });
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
/** Lines of a line diff shown before the rest is left to the plan JSONs. */
const MAX_DIFF_LINES = 40;
/** Unchanged characters shown around the stretch of a one-line value that differs. */
const WINDOW_CONTEXT = 24;

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** A value as inline Markdown code, short enough for a PR comment. */
export function showValue(v: unknown): string {
  if (v === undefined) return "_(none)_";
  let text = JSON.stringify(v);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE - 1)}…`;
  return code(text);
}

const byTypeName = <T extends { type: string; name: string }>(a: T, b: T) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
const line = (r: { type: string; name: string }) => `- \`${r.type}\` **${r.name}**`;

/** A resource named by its URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`) as the lists name it. */
function showUrn(urn: string): string {
  const parts = urn.split("::");
  if (!urn.startsWith("urn:pulumi:") || parts.length < 4) return code(urn);
  return `\`${parts[2].split("$").pop()}\` **${parts.slice(3).join("::")}**`;
}

/** "(deleteBeforeReplace; ignoreChanges: `metadata`)": how an `up` would replace the resource. */
function optionsNote(o: ReplacementOptions): string {
  const parts = [
    ...(o.deleteBeforeReplace ? ["deleteBeforeReplace"] : []),
    ...(o.ignoreChanges.length ? [`ignoreChanges: ${[...o.ignoreChanges].sort().map(code).join(", ")}`] : []),
    ...(o.replaceOnChanges.length ? [`replaceOnChanges: ${[...o.replaceOnChanges].sort().map(code).join(", ")}`] : []),
  ];
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/** A property path (`a.b`, `a[0]`, `a["b"]`, `*`) as its segments. */
function segments(path: string): string[] {
  return [...path.matchAll(/\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[([^\]]*)\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Whether an `inputs.` change lies under one of the `ignoreChanges` paths. */
function ignored(changePath: string, ignore: readonly string[]): boolean {
  if (!changePath.startsWith("inputs.")) return false;
  const at = segments(changePath.slice("inputs.".length));
  return ignore.some((p) => {
    const want = segments(p);
    return want.length <= at.length && want.every((w, i) => w === "*" || w === at[i]);
  });
}

/** The lines of `a` and `b` as a unified diff: " " kept, "-" removed, "+" added (longest common subsequence). */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split("\n");
  const y = b.split("\n");
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const xs = x.slice(pre, x.length - suf);
  const ys = y.slice(pre, y.length - suf);
  let middle: string[];
  if (xs.length * ys.length > 4_000_000) {
    // Too big to align: everything between the common ends is replaced.
    middle = [...xs.map((l) => `-${l}`), ...ys.map((l) => `+${l}`)];
  } else {
    // lcs[i][j]: the longest common subsequence of xs[i..] and ys[j..].
    const lcs = Array.from({ length: xs.length + 1 }, () => new Uint32Array(ys.length + 1));
    for (let i = xs.length - 1; i >= 0; i--) for (let j = ys.length - 1; j >= 0; j--) lcs[i][j] = xs[i] === ys[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    middle = [];
    let i = 0;
    let j = 0;
    while (i < xs.length || j < ys.length) {
      if (i < xs.length && j < ys.length && xs[i] === ys[j]) {
        middle.push(` ${xs[i++]}`);
        j++;
      } else if (i < xs.length && (j === ys.length || lcs[i + 1][j] >= lcs[i][j + 1])) middle.push(`-${xs[i++]}`);
      else middle.push(`+${ys[j++]}`);
    }
  }
  return [...x.slice(0, pre).map((l) => ` ${l}`), ...middle, ...x.slice(x.length - suf).map((l) => ` ${l}`)];
}

/** Only the changed lines of a line diff and one line of context around each; "…" for what is left out. */
function compact(diff: readonly string[], context = 1): string[] {
  const keep = diff.map((_, i) => diff.slice(Math.max(0, i - context), i + context + 1).some((d) => !d.startsWith(" ")));
  const out: string[] = [];
  diff.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (i === 0 || keep[i - 1]) out.push(" …");
  });
  if (out.length <= MAX_DIFF_LINES) return out;
  return [...out.slice(0, MAX_DIFF_LINES), ` … ${out.length - MAX_DIFF_LINES} more lines: compare the values in the two plan JSONs`];
}

/** A fenced block whose fence no line of `lines` can close. */
function fenced(lang: string, lines: readonly string[], indent: string): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  const fence = "`".repeat(longest + 1);
  return [`${indent}${fence}${lang}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/** The stretch of two one-line texts that differs, with a little unchanged text around it. */
function windows(a: string, b: string): [string, string] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const cut = (t: string) => {
    const start = Math.max(0, pre - WINDOW_CONTEXT);
    const end = Math.min(t.length, t.length - suf + WINDOW_CONTEXT);
    let mid = t.slice(start, end);
    if (mid.length > MAX_VALUE) mid = `${mid.slice(0, MAX_VALUE - 1)}…`;
    return `${start > 0 ? "…" : ""}${mid}${end < t.length && !mid.endsWith("…") ? "…" : ""}`;
  };
  return [cut(a), cut(b)];
}

const textOf = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** One change as Markdown lines, `indent` before its bullet. */
function renderChange(ch: ValueChange, indent: string, opts?: ReplacementOptions): string[] {
  const head = `${indent}- \`${ch.path}\``;
  const note = opts && ignored(ch.path, opts.ignoreChanges) ? " (ignored by `pulumi up`: ignoreChanges)" : "";
  if ((SET_FIELDS as readonly string[]).includes(ch.path)) {
    const member = (ch.after ?? ch.before) as string;
    const shown = ch.path === "dependsOn" ? showUrn(member) : code(member);
    return [`${head}: ${ch.before === undefined ? "added" : "removed"} ${shown}`];
  }
  const { before: a, after: b } = ch;
  if (ch.path === "parent" && typeof a === "string" && typeof b === "string") return [`${head}: ${showUrn(a)} → ${showUrn(b)}${note}`];
  const long = a !== undefined && b !== undefined && (JSON.stringify(a).length > MAX_VALUE || JSON.stringify(b).length > MAX_VALUE);
  const multiline = typeof a === "string" && typeof b === "string" && (a.includes("\n") || b.includes("\n"));
  if (typeof a === "string" && typeof b === "string" && long && !multiline) {
    const [wa, wb] = windows(JSON.stringify(a).slice(1, -1), JSON.stringify(b).slice(1, -1));
    return [`${head}: ${code(wa)} → ${code(wb)}${note}`];
  }
  if (long || multiline) {
    const diff = lineDiff(textOf(a), textOf(b));
    const removed = diff.filter((l) => l.startsWith("-")).length;
    const added = diff.filter((l) => l.startsWith("+")).length;
    const lines = (n: number) => `${n} line${n === 1 ? "" : "s"}`;
    const what = removed === added ? `${lines(added)} changed` : !removed ? `${lines(added)} added` : !added ? `${lines(removed)} removed` : `${lines(removed)} removed, ${added} added`;
    return [`${head}: ${what}${note}`, ...fenced("diff", compact(diff), `${indent}  `)];
  }
  return [`${head}: ${showValue(a)} → ${showValue(b)}${note}`];
}

/** The diff as Markdown: the counts on the first line, then added, removed, changed. */
export function renderDiffMarkdown(d: PlanDiff): string {
  const counts = `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed${d.outputs.length ? `, ${d.outputs.length} output changes` : ""}`;
  const out = [`**Plan diff for \`${d.stack}\`**: ${counts}`];
  if (d.baseStack !== d.stack) out.push("", `> The base plan is of stack \`${d.baseStack}\`, not \`${d.stack}\`: every resource differs by URN.`);
  if (!hasChanges(d)) {
    out.push("", "No changes.");
    return out.join("\n");
  }
  if (d.added.length) out.push("", `#### Added (${d.added.length})`, ...[...d.added].sort(byTypeName).map((r) => `${line(r)}${optionsNote(replacementOptions(r))}`));
  if (d.removed.length) out.push("", `#### Removed (${d.removed.length})`, ...[...d.removed].sort(byTypeName).map(line));
  if (d.changed.length) {
    out.push("", `#### Changed (${d.changed.length})`);
    for (const c of [...d.changed].sort(byTypeName)) {
      out.push(`${line(c)}${optionsNote(c.options)}`);
      for (const ch of c.changes) out.push(...renderChange(ch, "  ", c.options));
    }
  }
  if (d.outputs.length) {
    out.push("", `#### Stack outputs (${d.outputs.length})`);
    for (const ch of d.outputs) out.push(...renderChange(ch, ""));
  }
  return out.join("\n");
}
