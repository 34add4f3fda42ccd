/**
 * Drift that reports: .github/scripts/drift-report.mjs judges the engine events of
 * `pulumi preview --refresh --json` (streamed), and drift.yml's github-script turns
 * the verdict into one issue per stack.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeGithub, newCalls, runScript, scriptOf } from "./github-script";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const SCRIPT = resolve(__dirname, "../../.github/scripts/drift-report.mjs");
let mod: Any;
beforeAll(async () => {
  mod = await import(SCRIPT);
});

const STACK_URN = "urn:pulumi:oci-prod::ci-infra::pulumi:pulumi:Stack::ci-infra-oci-prod";
const urn = (type: string, name: string) => `urn:pulumi:oci-prod::ci-infra::${type}::${name}`;
const pre = (op: string, type: string, name: string, extra: Any = {}) => ({ resourcePreEvent: { metadata: { op, urn: urn(type, name), type, ...extra }, planning: true } });
const stackOutputs = (old: Any, now: Any) => ({ resOutputsEvent: { metadata: { op: "same", urn: STACK_URN, type: "pulumi:pulumi:Stack", old: { outputs: old }, new: { outputs: now } }, planning: true } });
const summary = (changes: Any) => ({ summaryEvent: { maybeCorrupt: false, durationSeconds: 3, resourceChanges: changes } });
const jsonl = (events: Any[]) => events.map((e) => JSON.stringify({ timestamp: 1, ...e })).join("\n");

/** Events of a preview with no drift: refreshes, sames, the stack's unchanged outputs. */
const CLEAN = [
  { preludeEvent: { config: {} } },
  pre("same", "pulumi:pulumi:Stack", "ci-infra-oci-prod"),
  pre("refresh", "oci:Core/vcn:Vcn", "oci-prod-net-vcn"),
  pre("same", "oci:Core/vcn:Vcn", "oci-prod-net-vcn"),
  stackOutputs({ loadBalancerIp: "203.0.113.7", kubeconfig: "[secret]" }, { loadBalancerIp: "203.0.113.7", kubeconfig: "[secret]" }),
  summary({ same: 2 }),
];

const run = { stack: "oci-prod", commit: "0123456789abcdef0123456789abcdef01234567", fallback: false, exitCode: 0 };

describe("drift-report.mjs", () => {
  it("finds no drift in a clean preview", () => {
    const r = mod.report(run, mod.analyse(mod.parseEvents(jsonl(CLEAN)).events));
    expect(r.status).toBe("clean");
    expect(r.markdown).toContain("matches the last deployed commit `0123456789ab`");
  });

  it("reports a planned update with the properties that differ, and a replacement once", () => {
    const events = [...CLEAN, pre("update", "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule", "oci-prod-net-ssh", { diffs: ["source"], detailedDiff: { source: { kind: "update" } } }), pre("create-replacement", "oci:LoadBalancer/loadBalancer:LoadBalancer", "oci-prod-lb"), pre("replace", "oci:LoadBalancer/loadBalancer:LoadBalancer", "oci-prod-lb", { diffs: ["shape"] }), pre("delete-replaced", "oci:LoadBalancer/loadBalancer:LoadBalancer", "oci-prod-lb")];
    const a = mod.analyse(mod.parseEvents(jsonl(events)).events);
    expect(a.changes.map((c: Any) => [c.op, c.urn.split("::").pop(), c.diffs])).toEqual([
      ["update", "oci-prod-net-ssh", ["source"]],
      ["replace", "oci-prod-lb", ["shape"]],
    ]);
    const r = mod.report(run, a);
    expect(r.status).toBe("drift");
    expect(r.markdown).toContain("| ~ update | `oci-prod-net-ssh` |");
    expect(r.markdown).toContain("| +- replace | `oci-prod-lb` |");
  });

  it("counts a changed stack output as drift, which --expect-no-changes would not (pulumi/pulumi#5087)", () => {
    const events = [...CLEAN.slice(0, -2), stackOutputs({ loadBalancerIp: "203.0.113.7", old: 1 }, { loadBalancerIp: "203.0.113.9", added: "x" }), summary({ same: 2 })];
    const a = mod.analyse(mod.parseEvents(jsonl(events)).events);
    expect(a.changes).toEqual([]);
    expect(a.outputs).toEqual([
      { key: "added", kind: "added" },
      { key: "loadBalancerIp", kind: "changed" },
      { key: "old", kind: "removed" },
    ]);
    expect(mod.report(run, a).status).toBe("drift");
  });

  it("calls a failed preview failed, with its errors and the end of the log, not drift and not clean", () => {
    const events = [...CLEAN.slice(0, 3), { diagnosticEvent: { severity: "error", message: "<{%fg 1%}>error: configured Kubernetes cluster is unreachable<{%reset%}>\n", color: "raw" } }];
    const r = mod.report({ ...run, exitCode: 255 }, mod.analyse(mod.parseEvents(jsonl(events)).events), "line 1\nthe last line of stderr\n");
    expect(r.status).toBe("failed");
    expect(r.markdown).toContain("error: configured Kubernetes cluster is unreachable");
    expect(r.markdown).not.toContain("<{%");
    expect(r.markdown).toContain("the last line of stderr");
  });

  it("says when it compared with the default branch because the stack has no deployed-commit tag", () => {
    expect(mod.report({ ...run, fallback: true }, mod.analyse([])).markdown).toContain("no `deployed-commit` tag");
  });

  it("lists state changed outside Pulumi (read back by the refresh) without calling it drift by itself", () => {
    const refreshed = { resOutputsEvent: { metadata: { op: "refresh", urn: urn("oci:Core/instance:Instance", "oci-prod-server-0"), type: "oci:Core/instance:Instance", old: { outputs: { state: "RUNNING" } }, new: { outputs: { state: "STOPPED" } } } } };
    const a = mod.analyse(mod.parseEvents(jsonl([...CLEAN, refreshed])).events);
    const r = mod.report(run, a);
    expect(r.status).toBe("clean");
    expect(a.refreshed).toEqual([{ urn: urn("oci:Core/instance:Instance", "oci-prod-server-0"), type: "oci:Core/instance:Instance", keys: ["state"] }]);
  });

  it("runs as a CLI: writes the report, and the verdict to GITHUB_OUTPUT, whatever the preview's exit code", () => {
    const dir = tempDir("drift-");
    const events = join(dir, "events.jsonl");
    writeFileSync(events, `${jsonl([...CLEAN, pre("delete", "oci:Core/instance:Instance", "oci-prod-agent-3")])}\nnot json\n`);
    writeFileSync(join(dir, "out"), "");
    const out = execFileSync("node", [SCRIPT, "--stack", "oci-prod", "--commit", run.commit, "--events", events, "--log", join(dir, "missing.log"), "--exit-code", "0", "--out", join(dir, "drift.md")], { encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: join(dir, "out") } });
    expect(out).toContain("oci-prod: drift");
    expect(out).toContain("1 unparsed lines");
    expect(readFileSync(join(dir, "out"), "utf8")).toBe("status=drift\n");
    expect(readFileSync(join(dir, "drift.md"), "utf8")).toContain("| - delete | `oci-prod-agent-3` |");
    expect(spawnSync("node", [SCRIPT, "--stack", "x"], { encoding: "utf8" }).status).toBe(2);
  });
});

describe("drift.yml: the issue per stack", () => {
  const SCRIPT_BODY = scriptOf("drift.yml", "drift", 0);
  const TITLE = "Drift detected in stack oci-prod";

  async function issueRun(status: string, open: Any[]) {
    const dir = tempDir("drift-issue-");
    writeFileSync(join(dir, "drift.md"), "the report");
    const rec = newCalls();
    const github = fakeGithub({ "issues.listForRepo": () => open }, rec);
    await runScript(SCRIPT_BODY, { github, env: { STACK: "oci-prod", STATUS: status, REPORT: join(dir, "drift.md") }, rec });
    return rec;
  }

  it("opens one issue with the report on drift, and fails the job", async () => {
    const rec = await issueRun("drift", []);
    const created = rec.calls.find((c) => c.api === "issues.create")!.params;
    expect(created).toMatchObject({ title: TITLE, labels: ["drift"] });
    expect(created.body).toContain("the report");
    expect(rec.failed).toEqual(["oci-prod drifted"]);
  });

  it("updates the open issue on drift, closes it when clean", async () => {
    const open = [{ number: 3, title: TITLE }];
    expect((await issueRun("drift", open)).calls.map((c) => c.api)).toEqual(["issues.listForRepo", "issues.update", "issues.createComment"]);
    const clean = await issueRun("clean", open);
    expect(clean.calls.find((c) => c.api === "issues.update")!.params).toMatchObject({ issue_number: 3, state: "closed" });
    expect(clean.failed).toEqual([]);
  });

  it("neither opens nor closes an issue when the check failed, and fails the job", async () => {
    const none = await issueRun("failed", []);
    expect(none.calls.map((c) => c.api)).toEqual(["issues.listForRepo"]);
    expect(none.failed).toHaveLength(1);
    const open = await issueRun("failed", [{ number: 3, title: TITLE }]);
    expect(open.calls.map((c) => c.api)).toEqual(["issues.listForRepo", "issues.createComment"]);
  });
});
