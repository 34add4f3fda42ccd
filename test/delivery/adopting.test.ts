/**
 * docs/adopting.md and the README keep up with what the workflows expect of an
 * adopting team: every repository variable, OIDC subject, team, GitHub
 * environment, ESC tier and label the workflows use is set up there, and the
 * README's real-cloud steps work on a fresh backend.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTION_FILES, actionText, runningJobs } from "./workflow-graph";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;

const ROOT = resolve(__dirname, "../..");
const ADOPTING = readFileSync(join(ROOT, "docs/adopting.md"), "utf8");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const DELIVERY = readFileSync(join(ROOT, "docs/delivery.md"), "utf8");
const WF_DIR = join(ROOT, ".github/workflows");
const WORKFLOWS = [
  ...readdirSync(WF_DIR).filter((f) => f.endsWith(".yml")).map((f) => ({ file: f, text: readFileSync(join(WF_DIR, f), "utf8"), yaml: parse(readFileSync(join(WF_DIR, f), "utf8")) as Yaml })),
  ...ACTION_FILES.map((f) => ({ file: f, text: actionText(f), yaml: { jobs: {} } as Yaml })),
];

/**
 * The OIDC `sub` each job that asks for a Pulumi token carries (GitHub's default
 * template), with its team variable. Jobs of a called workflow (pulumi-stack.yml,
 * review-stack-destroy.yml) are judged as they run for each caller: the claim
 * names the caller's repository and event or ref, and the environment of the job
 * that asks (the called one, whose `environment:` the caller's inputs decide).
 */
function subjects(): { sub: string; team: string; where: string }[] {
  const out: { sub: string; team: string; where: string }[] = [];
  for (const j of runningJobs()) {
    const auth = j.steps.find((s) => String(s.step.uses ?? "").startsWith("pulumi/auth-actions@"));
    if (!auth) continue;
    const team = /vars\.(\w+)/.exec(auth.step.with.scope)![1];
    const sub = j.environment ? `environment:${String(j.environment)}` : j.triggers.includes("pull_request") ? "pull_request" : "ref:refs/heads/main";
    out.push({ sub: `repo:<owner>/<repo>:${sub}`, team, where: `${j.key}${j.via ? ` via ${j.via}` : ""}` });
  }
  return out;
}

const section = (doc: string, heading: string) => {
  const start = doc.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = doc.indexOf("\n## ", start + heading.length);
  return doc.slice(start, next < 0 ? undefined : next);
};

describe("docs/adopting.md", () => {
  it("is linked from the README", () => {
    expect(README).toContain("](docs/adopting.md)");
  });

  it("sets every repository variable the workflows read", () => {
    const vars = new Set(WORKFLOWS.flatMap((w) => [...w.text.matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1])));
    expect([...vars].sort()).toEqual(["PULUMI_ORG", "PULUMI_TEAM_PRODUCTION", "PULUMI_TEAM_READONLY", "PULUMI_TEAM_REVIEW", "PULUMI_TEAM_STAGING", "RUNNER_LABELS_PRODUCTION", "RUNNER_LABELS_REVIEW", "RUNNER_LABELS_STAGING"]);
    for (const v of vars) expect(ADOPTING, v).toContain(`| \`${v}\` |`);
  });

  it("lists the exact OIDC subject of every job that asks for a token, for the team it asks for, and nothing broader", () => {
    const rows = ADOPTING.split("\n").filter((l) => l.startsWith("| `repo:"));
    const teamRow: Record<string, string> = { PULUMI_TEAM_READONLY: "read-only", PULUMI_TEAM_STAGING: "staging", PULUMI_TEAM_PRODUCTION: "production", PULUMI_TEAM_REVIEW: "review" };
    const found = subjects();
    expect(found.length).toBeGreaterThanOrEqual(7);
    for (const s of found) {
      const row = rows.find((r) => r.startsWith(`| \`${s.sub}\` |`));
      expect(row, `${s.where}: ${s.sub}`).toBeDefined();
      expect(row!.split("|")[2].trim(), s.where).toBe(teamRow[s.team]);
    }
    expect(new Set(rows.map((r) => r.split("|")[1].trim())).size).toBe(new Set(found.map((s) => s.sub)).size);
    for (const r of rows) expect(r).not.toMatch(/:\*`/);
    expect(ADOPTING).toContain("urn:pulumi:org:<org>");
  });

  it("sets up every GitHub environment the workflows use, main-only where a deploy team is trusted", () => {
    const envs = new Set(runningJobs().map((j) => j.environment).filter(Boolean));
    expect([...envs].sort()).toEqual(["production", "review", "staging"]);
    for (const e of ["staging", "production"]) expect(ADOPTING).toMatch(new RegExp(`\\| \`${e}\` \\| selected: \`main\` \\|`));
    expect(ADOPTING).toMatch(/\| `production` \|[^\n]*required reviewers/);
    expect(ADOPTING).toContain("| `review` |");
  });

  it("creates the ESC environments of every tier the workflows move to", () => {
    const tiers = new Set(WORKFLOWS.flatMap((w) => [...w.text.matchAll(/esc-tier\.mjs \S+ (\w+)/g)].map((m) => m[1])));
    expect([...tiers].sort()).toEqual(["readonly", "review"]);
    expect(ADOPTING).toContain("`ci-infra/<stack>-readonly`");
    expect(ADOPTING).toContain("`ci-infra/oci-staging-review`");
    expect(ADOPTING).toContain("`ci-infra/<stack>`");
  });

  it("creates the labels the workflows expect", () => {
    for (const label of ["review-stack", "drift"]) {
      expect(WORKFLOWS.some((w) => w.text.includes(`'${label}'`) || w.text.includes(`"${label}"`)), label).toBe(true);
      expect(ADOPTING).toContain(`gh label create ${label} `);
    }
    expect(ADOPTING).toContain(".github/CODEOWNERS");
  });

  it("ends every step with a check", () => {
    const steps = ADOPTING.split("\n## ").slice(1);
    expect(steps.length).toBeGreaterThanOrEqual(9);
    for (const s of steps) expect(s, s.split("\n")[0]).toMatch(/\nCheck[:,]/);
  });
});

describe("README: Deploying for real", () => {
  it("works on a fresh backend: stacks are selected with --create, and a DIY backend drops the ESC import", () => {
    const s = section(README, "## Deploying for real");
    const selects = s.split("\n").filter((l) => /^pulumi stack select\b/.test(l));
    expect(selects.length).toBeGreaterThanOrEqual(2);
    for (const l of selects) expect(l).toContain("--create");
    expect(s).toContain("pulumi login --local");
    expect(s).toMatch(/delete the `environment:` block/);
  });
});

describe("docs/delivery.md: the delivery path", () => {
  it("documents the path to port 6443, the destroy of an unreachable cluster, and the OCI policies and load balancer limit", () => {
    expect(DELIVERY).toContain("### Reaching the cluster (port 6443)");
    expect(DELIVERY).toContain("PULUMI_K8S_DELETE_UNREACHABLE");
    const oci = section(DELIVERY, "## OCI policies");
    for (const statement of ["manage vaults in compartment", "manage keys in compartment", "manage secret-family in compartment", "manage dynamic-groups in tenancy", "manage policies in tenancy", "manage bastion-session in compartment", "manage load-balancers in compartment"]) expect(oci, statement).toContain(statement);
    expect(oci).toMatch(/one flexible load balancer/);
  });
});
