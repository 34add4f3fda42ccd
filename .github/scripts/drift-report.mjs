#!/usr/bin/env node
/**
 * Turns the engine events of `pulumi preview --refresh --json` (streamed, one JSON
 * object per line: PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true) into drift.yml's
 * verdict and the Markdown of its issue.
 *
 *   node .github/scripts/drift-report.mjs --stack <s> --commit <sha> --events <file>
 *     --log <stderr file> --exit-code <n> [--fallback] --out <file.md>
 *
 * Writes `status=clean|drift|failed` to $GITHUB_OUTPUT when it is set.
 *
 * Why not pulumi/actions with `expect-no-changes`: the action sets no `output`
 * when the preview exits non-zero (pulumi/actions#850), so drift issues showed a
 * placeholder; and `--expect-no-changes` ignores stack output changes
 * (pulumi/pulumi#5087; its fix, pulumi/pulumi#15903, was reverted in #16131) and
 * exits non-zero for errors and changes alike. Here the exit code means only
 * "the preview failed", and drift is read from the events: any planned resource
 * operation other than same/read/refresh, or a stack output whose value differs
 * from the last update's (the root stack's resOutputsEvent carries both).
 * Event shapes: sdk/go/common/apitype/events.go in pulumi/pulumi (EngineEvent).
 */
import { readFileSync, writeFileSync, appendFileSync, existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

const ROOT_STACK = "pulumi:pulumi:Stack";
/** Operations that change nothing in the cloud or the state's inputs. */
const NO_CHANGE = new Set(["same", "read", "refresh"]);
const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "read-replacement", "import-replacement", "discard-replaced"]);
/** The engine's marker for a value only known after the update (plugin.UnknownStringValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const MAX_BODY = 50000;

/** One event per line; lines that are not JSON objects are counted, not fatal. */
export function parseEvents(text) {
  const events = [];
  let unparsed = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line);
      if (e && typeof e === "object" && !Array.isArray(e)) events.push(e);
      else unparsed++;
    } catch {
      unparsed++;
    }
  }
  return { events, unparsed };
}

const nameOf = (urn) => String(urn ?? "").split("::").pop() ?? "";
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const stripColor = (s) => String(s ?? "").replace(/<\{%[^%]*%\}>/g, "").replace(/\x1b\[[0-9;]*m/g, "").trim();

function diffKeys(before, after) {
  const a = before ?? {};
  const b = after ?? {};
  const out = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(key in a)) out.push({ key, kind: "added" });
    else if (!(key in b)) out.push({ key, kind: "removed" });
    else if (!same(a[key], b[key])) out.push({ key, kind: JSON.stringify(b[key]).includes(UNKNOWN) ? "known after update" : "changed" });
  }
  return out;
}

/** What the events say: planned changes, output changes, state changed outside Pulumi, errors. */
export function analyse(events) {
  const changes = new Map();
  const outputs = [];
  const refreshed = new Map();
  const errors = [];
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre && !NO_CHANGE.has(pre.op) && pre.type !== ROOT_STACK) {
      const prior = changes.get(pre.urn);
      const op = REPLACE_OPS.has(pre.op) || prior?.op === "replace" ? "replace" : (prior?.op ?? pre.op);
      const diffs = [...new Set([...(prior?.diffs ?? []), ...(pre.diffs ?? []), ...Object.keys(pre.detailedDiff ?? {})])].sort();
      changes.set(pre.urn, { op, urn: pre.urn, type: pre.type, diffs });
    }
    const out = e.resOutputsEvent?.metadata;
    if (out?.type === ROOT_STACK && out.op !== "refresh") outputs.push(...diffKeys(out.old?.outputs, out.new?.outputs));
    else if (out?.op === "refresh" && out.type !== ROOT_STACK) {
      const keys = diffKeys(out.old?.outputs, out.new?.outputs).map((d) => d.key);
      if (keys.length) refreshed.set(out.urn, { urn: out.urn, type: out.type, keys });
    }
    const diag = e.diagnosticEvent;
    if (diag?.severity === "error" && !diag.ephemeral) errors.push(stripColor(diag.message));
  }
  const uniqueOutputs = [...new Map(outputs.map((o) => [o.key, o])).values()];
  return { changes: [...changes.values()], outputs: uniqueOutputs, refreshed: [...refreshed.values()], errors };
}

const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\n/g, " ");
const SIGN = { create: "+", delete: "-", update: "~", replace: "+-" };

/** The verdict and the issue body. `run` is what the caller knows about this preview. */
export function report(run, analysis, log = "") {
  const status = run.exitCode !== 0 ? "failed" : analysis.changes.length || analysis.outputs.length ? "drift" : "clean";
  const at = `commit \`${String(run.commit).slice(0, 12)}\``;
  const lines = [];
  if (status === "failed") lines.push(`\`pulumi preview --refresh\` of \`${run.stack}\` at ${at} failed (exit ${run.exitCode}): drift could not be judged.`);
  else if (status === "drift") lines.push(`\`pulumi preview --refresh\` of \`${run.stack}\` at the last deployed ${at} plans changes: the cloud no longer matches what was deployed.`);
  else lines.push(`\`${run.stack}\` matches the last deployed ${at}.`);
  if (run.fallback) lines.push("", `> The stack has no \`deployed-commit\` tag (set by deploy.yml after each \`up\`), so this compares with the default branch's head: changes approved but not yet deployed show here too.`);
  if (analysis.changes.length) {
    lines.push("", `### Resources an \`up\` would change (${analysis.changes.length})`, "", "| | resource | type | properties |", "|---|---|---|---|");
    for (const c of analysis.changes) lines.push(`| ${SIGN[c.op] ?? c.op} ${c.op} | \`${cell(nameOf(c.urn))}\` | \`${cell(c.type)}\` | ${c.diffs.map((d) => `\`${cell(d)}\``).join(", ")} |`);
  }
  if (analysis.outputs.length) {
    lines.push("", `### Stack outputs that differ (${analysis.outputs.length})`, "", "`--expect-no-changes` ignores these (pulumi/pulumi#5087); values are not shown (secrets are masked on both sides).", "");
    for (const o of analysis.outputs) lines.push(`- \`${cell(o.key)}\`: ${o.kind}`);
  }
  if (analysis.refreshed.length) {
    lines.push("", `### Changed outside Pulumi, read back by the refresh (${analysis.refreshed.length})`, "", "Informational: only a change the program would undo (above) counts as drift.", "");
    for (const r of analysis.refreshed) lines.push(`- \`${cell(nameOf(r.urn))}\` (\`${cell(r.type)}\`): ${r.keys.map((k) => `\`${cell(k)}\``).join(", ")}`);
  }
  if (analysis.errors.length || status === "failed") {
    const tail = log.split("\n").slice(-60).join("\n").trim();
    lines.push("", "### Errors", "", "```", ...analysis.errors, ...(tail ? ["", tail] : []), "```");
  }
  if (status !== "clean") {
    lines.push("", "Bring the code in line (a PR whose plan diff shows the change) or undo the change in the cloud; `pulumi refresh` alone only hides it.");
  }
  let markdown = lines.join("\n");
  if (markdown.length > MAX_BODY) markdown = `${markdown.slice(0, MAX_BODY)}\n\n… truncated; the full preview events are in the run's log.`;
  return { status, markdown };
}

function parseArgs(argv) {
  const a = { fallback: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === "--fallback") a.fallback = true;
    else if (["--stack", "--commit", "--events", "--log", "--exit-code", "--out"].includes(k) && argv[i + 1] !== undefined) a[k.slice(2)] = argv[++i];
    else throw new Error(`unknown or incomplete argument ${k}`);
  }
  for (const k of ["stack", "commit", "events", "exit-code", "out"]) if (a[k] === undefined) throw new Error(`--${k} is required`);
  return a;
}

function main(argv) {
  try {
    const a = parseArgs(argv);
    const { events, unparsed } = parseEvents(existsSync(a.events) ? readFileSync(a.events, "utf8") : "");
    const log = a.log && existsSync(a.log) ? readFileSync(a.log, "utf8") : "";
    const r = report({ stack: a.stack, commit: a.commit, fallback: a.fallback, exitCode: Number(a["exit-code"]) }, analyse(events), log);
    writeFileSync(a.out, `${r.markdown}\n`);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `status=${r.status}\n`);
    process.stdout.write(`${a.stack}: ${r.status} (${events.length} events${unparsed ? `, ${unparsed} unparsed lines` : ""})\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`drift-report: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main(process.argv.slice(2)));
