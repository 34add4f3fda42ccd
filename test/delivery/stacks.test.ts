/**
 * Every shipped stack and a review stack, planned offline: no mandatory policy
 * violation, and no two stacks share a globally or regionally unique name
 * (display names, bucket names, identities, hostnames), so any two can live in
 * one compartment, project or account.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluatePlan } from "../../src/policy/plan-extension";
import { loadPlanConfig, planStack, PlanResult, PROJECT } from "../../src/plan/run";
import { shippedStacks, stackFilePath } from "../../src/plan/stack-file";
import { REVIEW_BASE_STACK, reviewOverrides } from "../../src/plan/review-stack";
import { writeReviewStackFile } from "../../src/plan/review-stack-cli";
import { readStackFile } from "../../src/plan/stack-file";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const REVIEW = "pr-4242";
const SHIPPED = shippedStacks();
const ALL = [...SHIPPED, REVIEW];

/** Inputs that name something the cloud keeps unique within a compartment, project, account or globally. */
const NAME_KEYS = ["displayName", "bucket", "accountId", "projectId", "workloadIdentityPoolId", "workloadIdentityPoolProviderId", "roleId"];
/** Types whose `name` input is such a name. */
const NAMED_TYPES = /(storage\/bucket:Bucket|ObjectStorage\/bucket:Bucket|Bastion\/bastion:Bastion|aws:iam\/(role|policy|instanceProfile):|aws:s3\/bucket)/;

function leaves(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => leaves(x, out));
  return out;
}

/** unique name → the resource that claims it. */
function uniqueNames(p: PlanResult): Map<string, string> {
  const names = new Map<string, string>();
  const domain = p.config.program === "oci-platform" ? p.config.settings.domain : undefined;
  for (const r of p.resources.filter((x) => x.custom)) {
    // A workload identity provider's id and display name are unique only inside its pool.
    const provider = typeof r.inputs.workloadIdentityPoolProviderId === "string";
    const scope = provider ? `pool ${String(r.inputs.workloadIdentityPoolId)}/` : "";
    const claim = (kind: string, v: unknown) => {
      if (typeof v === "string" && v !== "" && !v.startsWith("[")) names.set(`${kind}:${scope}${v}`, r.name);
    };
    for (const k of NAME_KEYS) {
      if (k === "bucket" && !/aws:s3\/bucket(V2)?:/.test(r.type)) continue; // elsewhere `bucket` refers to one
      if (provider && k === "workloadIdentityPoolId") continue; // the pool's own resource claims it
      claim(k, r.inputs[k]);
    }
    if (NAMED_TYPES.test(r.type)) claim("name", r.inputs.name);
    // Hostnames under the stack's domain, wherever they appear (ingress rules, chart values, certificates).
    if (domain) for (const s of leaves(r.inputs)) for (const h of s.match(new RegExp(`[a-z0-9.-]*\\b${domain.replace(/\./g, "\\.")}\\b`, "g")) ?? []) claim("host", h);
  }
  return names;
}

const plans = new Map<string, PlanResult>();
beforeAll(async () => {
  for (const s of ALL) plans.set(s, await planStack({ stack: s }));
}, 120000);

describe("stacks", () => {
  it("ships the OCI and kOps stacks", () => {
    expect(SHIPPED).toEqual(expect.arrayContaining(["oci-staging", "oci-prod", "kops-ci"]));
    expect(SHIPPED.some((s) => /^pr-\d+$/.test(s))).toBe(false);
  });

  it.each(ALL)("%s plans with zero mandatory policy violations", (s) => {
    const r = evaluatePlan(plans.get(s)!);
    expect(r.mandatory.map((v) => `${v.rule}: ${v.resource} ${v.why}`)).toEqual([]);
  });

  it("no two stacks claim the same unique name", () => {
    const owner = new Map<string, string>();
    const collisions: string[] = [];
    for (const s of ALL) {
      for (const [name, resource] of uniqueNames(plans.get(s)!)) {
        const other = owner.get(name);
        if (other) collisions.push(`${name}: ${other} and ${s}/${resource}`);
        else owner.set(name, `${s}/${resource}`);
      }
    }
    expect(collisions).toEqual([]);
    // The check sees real names: display names, buckets and hostnames of every program.
    expect([...owner.keys()].some((k) => k.startsWith("displayName:pr-4242-"))).toBe(true);
    expect([...owner.keys()].some((k) => k.startsWith("workloadIdentityPoolProviderId:pool "))).toBe(true);
    expect([...owner.keys()].some((k) => k.startsWith("host:") && k.includes(`${REVIEW}.`))).toBe(true);
    expect([...owner.keys()].some((k) => k.startsWith("name:") || k.startsWith("bucket:"))).toBe(true);
  });

  it.each(ALL)("%s tags what it owns with its own stack name", (s) => {
    const p = plans.get(s)!;
    const tagged = p.resources.filter((r) => r.custom).flatMap((r) => {
      const tags = [r.inputs.freeformTags, r.inputs.labels, r.inputs.tags].find((t) => t && typeof t === "object" && "stack" in (t as object)) as Record<string, string> | undefined;
      return tags ? [[r.name, tags.stack]] : [];
    });
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.filter(([, stack]) => stack !== s)).toEqual([]);
  });
});

describe("review stacks", () => {
  it("derive from staging: same program, own domain, smaller", () => {
    const staging = loadPlanConfig({ stack: REVIEW_BASE_STACK }).config;
    const review = loadPlanConfig({ stack: REVIEW }).config;
    expect(review.program).toBe(staging.program);
    if (review.program !== "oci-platform" || staging.program !== "oci-platform") throw new Error("oci-platform expected");
    expect(review.stack).toBe(REVIEW);
    expect(review.settings.domain).toBe(`${REVIEW}.${staging.settings.domain}`);
    expect(review.settings.nodes.ciAgent.ocpus).toBeLessThanOrEqual(staging.settings.nodes.ciAgent.ocpus);
    expect(review.settings.nodes.agent.count).toBe(0);
    expect(review.settings.network).toEqual(staging.settings.network);
  });

  it("are names like pr-<number> only", () => {
    expect(() => reviewOverrides("feature-x", {})).toThrow(/not a review stack/);
    expect(() => loadPlanConfig({ stack: "pr-x" })).toThrow(/no stack file/);
  });

  it("get a stack file with the same config the offline plan derives, staging's ESC imports, and no foreign ciphertext", () => {
    const target = join(tempDir("review-"), `Pulumi.${REVIEW}.yaml`);
    const r = writeReviewStackFile(REVIEW, target);
    expect(r.created).toBe(true);
    const written = readStackFile(target, PROJECT);
    // The same config but the encrypted values, which only the new stack could decrypt:
    // just those leaves are dropped (the bot's token), never their sections.
    const derived = { ...loadPlanConfig({ stack: REVIEW }).raw.values };
    const bot = JSON.parse(derived["ci-infra:githubBot"]);
    expect(bot.githubToken).toBe("[secret]");
    delete bot.githubToken;
    derived["ci-infra:githubBot"] = JSON.stringify(bot);
    expect(written.values).toEqual(derived);
    expect(r.droppedSecrets).toEqual(["ci-infra:githubBot.githubToken"]);
    expect(written.environments).toEqual(readStackFile(stackFilePath(REVIEW_BASE_STACK), PROJECT).environments);
    expect(readFileSync(target, "utf8")).not.toContain("secure:");
    // Run again on the file `pulumi config cp` made: updated in place, idempotent.
    const again = writeReviewStackFile(REVIEW, target);
    expect(again.created).toBe(false);
    expect(readStackFile(target, PROJECT).values).toEqual(written.values);
  });
});
