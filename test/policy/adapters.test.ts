/**
 * The three uses of the rules other than the rule tests: the offline-plan
 * extension (exit 3, warnings, pack config), the CrossGuard policies, and the
 * allowances file that both honour.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allowancesFor, ALLOWANCES_FILE, loadAllowances, parseAllowances, stackMatches } from "../../src/policy/allowances";
import { crossGuardPolicies, CROSSGUARD_ENFORCEMENT } from "../../src/policy/crossguard";
import { crossGuardConfig } from "../../src/policy/crossguard-config";
import { RULES } from "../../src/policy";
import { evaluatePlan, policyConfigFor, policyExtension } from "../../src/policy/plan-extension";
import { planExtensions } from "../../src/cli/plan";
import { loadPlanConfig, PlanResult } from "../../src/plan/run";
import type { PlannedResource } from "../../src/plan/recorder";

const NSG = "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule";
const planned = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource => ({
  urn: `urn:pulumi:oci-staging::ci-infra::${type}::${name}`,
  type,
  name,
  custom: true,
  dependsOn: [],
  protect: false,
  retainOnDelete: false,
  deleteBeforeReplace: false,
  ignoreChanges: [],
  replaceOnChanges: [],
  inputs,
  ...extra,
});
const settings = {
  network: { adminCidrs: ["198.51.100.0/24"], nodeSubnetCidr: "10.20.1.0/24", lbSubnetCidr: "10.20.0.0/24" },
  ingress: { healthNodePort: 30254 },
};
const fakePlan = (resources: PlannedResource[], stack = "oci-staging") =>
  ({ stack, program: "oci-platform", config: { program: "oci-platform", stack, settings }, resources, outputs: {}, artifacts: {}, invokes: [], environments: [] }) as unknown as PlanResult;

const sshFromWorld = planned(NSG, "oci-staging-net-ssh", { direction: "INGRESS", protocol: "6", source: "0.0.0.0/0", sourceType: "CIDR_BLOCK", tcpOptions: { destinationPortRange: { min: 22, max: 22 } } });
const pvc = planned("kubernetes:core/v1:PersistentVolumeClaim", "grafana-data", { metadata: { name: "grafana" } }, { retainOnDelete: true });
const floating = planned("kubernetes:apps/v1:Deployment", "bot", { spec: { template: { spec: { containers: [{ image: "longhornio/github-bot:v0.3" }] } } } });

describe("offline plan extension", () => {
  it("is registered with the plan", () => {
    expect(planExtensions()).toContain(policyExtension);
  });

  it("derives the rules' config from the stack's settings", () => {
    expect(policyConfigFor(fakePlan([]), { publicBuckets: ["b"] })).toEqual({
      adminCidrs: ["198.51.100.0/24"],
      bastionCidrs: ["10.20.1.0/24"],
      lbSubnetCidrs: ["10.20.0.0/24"],
      kubeApiPort: 6443,
      healthNodePort: 30254,
      publicBuckets: ["b"],
    });
  });

  it("opens kops-ci buckets to the public only as its config says: the staging switch and the IRSA discovery bucket", () => {
    const publicBuckets = (publicRead: boolean) => {
      const { config } = loadPlanConfig({
        stack: "kops-ci",
        edit: (v) => {
          const b = JSON.parse(v["ci-infra:buckets"]);
          b.staging.publicRead = publicRead;
          v["ci-infra:buckets"] = JSON.stringify(b);
        },
      });
      if (config.program !== "kops-ci") throw new Error("kops-ci expected");
      return { got: policyConfigFor({ config }, { publicBuckets: [] }).publicBuckets, staging: config.settings.buckets.staging.name, discovery: config.settings.aws.discovery.bucket };
    };
    const on = publicBuckets(true);
    expect(on.got).toEqual([on.staging, on.discovery]);
    const off = publicBuckets(false);
    expect(off.got).toEqual([off.discovery]);
  });

  it("fails with exit 3 and one line per mandatory violation: rule, resource, why", () => {
    const findings = policyExtension.check!(fakePlan([sshFromWorld, pvc, floating]));
    expect(findings).toHaveLength(1);
    expect(findings[0].exitCode).toBe(3);
    expect(findings[0].problems).toEqual([
      "policy no-world-ingress (mandatory): oci-staging-net-ssh [oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule] allows TCP port 22 from 0.0.0.0/0; only TCP 80/443 may be open to the internet",
      expect.stringMatching(/^policy admin-ports-from-admin-cidrs \(mandatory\): oci-staging-net-ssh .* includes SSH \(22\)/),
    ]);
  });

  it("turns advisory violations into warnings and passes a clean plan", () => {
    const plan = fakePlan([pvc, floating]);
    expect(policyExtension.check!(plan)).toEqual([]);
    expect(policyExtension.warnings!(plan)).toEqual([expect.stringMatching(/^policy image-tag-precise \(advisory\): bot .*names only a release line/)]);
  });

  it("honours an exception from the allowances and reports expired ones", () => {
    const allowances = parseAllowances(`
exceptions:
  - rule: no-world-ingress
    stacks: ["oci-*"]
    resources: ["oci-staging-net-ssh"]
    reason: a test exception with a reason
    approvedBy: "@ci-infra/platform"
    expires: 2999-12-31
  - rule: admin-ports-from-admin-cidrs
    stacks: ["oci-staging"]
    resources: ["oci-staging-net-ssh"]
    reason: an exception that has run out
    approvedBy: "@ci-infra/platform"
    expires: 2000-01-01
`);
    const r = evaluatePlan(fakePlan([sshFromWorld]), allowancesFor(allowances, "oci-staging"));
    expect(r.excepted.map((v) => v.rule)).toEqual(["no-world-ingress"]);
    expect(r.mandatory.map((v) => v.rule)).toEqual(["admin-ports-from-admin-cidrs"]);
    expect(r.allowances.expired.map((e) => e.rule)).toEqual(["admin-ports-from-admin-cidrs"]);
    // An exception whose resource is gone is reported for removal.
    expect(evaluatePlan(fakePlan([]), allowancesFor(allowances, "oci-staging")).unused.map((e) => e.rule)).toEqual(["no-world-ingress"]);
  });

  it("writes the stack's CrossGuard config as an --out artifact", () => {
    const files = policyExtension.artifacts!(fakePlan([]));
    const cfg = JSON.parse(files["policy/pack-config.json"]);
    expect(cfg["lb-ingress-health-port"]).toEqual({ healthNodePort: 30254 });
    expect(cfg["admin-ports-from-admin-cidrs"]).toEqual({ adminCidrs: ["198.51.100.0/24"], bastionCidrs: ["10.20.1.0/24"], kubeApiPort: 6443 });
  });
});

describe("CrossGuard policies", () => {
  const policies = crossGuardPolicies();
  const byName = new Map(policies.map((p) => [p.name, p]));
  function validate(name: string, type: string, props: Record<string, unknown>, config: Record<string, unknown>, protect = false): string[] {
    const reported: string[] = [];
    const args = { type, props, urn: `urn:${name}`, name: "res", opts: { protect }, getConfig: () => config } as unknown as ResourceValidationArgs;
    const v = byName.get(name)!.validateResource;
    for (const f of Array.isArray(v) ? v : [v!]) void f(args, (m: string) => reported.push(m));
    return reported;
  }

  it("wrap every rule once, with its level, description, exception path and config schema", () => {
    expect(policies.map((p) => p.name)).toEqual(RULES.map((r) => r.name));
    for (const rule of RULES) {
      const p = byName.get(rule.name)!;
      expect(p.enforcementLevel).toBe(CROSSGUARD_ENFORCEMENT[rule.name] ?? rule.enforcement);
      expect(p.description).toContain(rule.exception);
      expect(Object.keys(p.configSchema!.properties).sort()).toEqual(["exceptions", ...(rule.config ?? [])].sort());
    }
    // The one blind spot (retainOnDelete) is advisory in the pack, mandatory in the plan.
    expect(byName.get("stateful-protected")!.enforcementLevel).toBe("advisory");
  });

  it("report the same reasons as the rule, read config from the pack config, and skip excepted resources", () => {
    const bs = { healthChecker: { protocol: "HTTP", port: 30080, urlPath: "/ping" } };
    expect(validate("lb-ingress-health-port", "oci:LoadBalancer/backendSet:BackendSet", bs, { healthNodePort: 30254 })).toEqual(["health checker probes port 30080; the ingress health NodePort is 30254"]);
    expect(validate("lb-ingress-health-port", "oci:LoadBalancer/backendSet:BackendSet", bs, { healthNodePort: 30254, exceptions: ["res"] })).toEqual([]);
    expect(validate("no-static-credentials", "aws:s3/bucket:Bucket", {}, {})).toEqual([]);
    expect(validate("stateful-protected", "gcp:storage/bucket:Bucket", { name: "b" }, {}, true)).toEqual([]);
    expect(validate("stateful-protected", "gcp:storage/bucket:Bucket", { name: "b" }, {})[0]).toContain("not visible to CrossGuard");
  });

  it("get per-policy config in the shape --policy-pack-config takes", () => {
    const cfg = crossGuardConfig({ healthNodePort: 30254, publicBuckets: [] }, [{ rule: "no-world-ingress", stacks: ["x"], resources: ["a", "b"], reason: "r".repeat(10), approvedBy: "me", expires: "2999-01-01" }]);
    expect(cfg).toEqual({ "lb-ingress-health-port": { healthNodePort: 30254 }, "no-world-ingress": { exceptions: ["a", "b"] }, "bucket-not-public": { publicBuckets: [] }, "gcs-public-access-prevention": { publicBuckets: [] } });
  });
});

describe("the pack folder", () => {
  const dir = resolve(__dirname, "../../policy");
  it("is a nodejs CrossGuard pack whose version @pulumi/policy can read, with no dependencies of its own installed", () => {
    expect(readFileSync(join(dir, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(dir, "index.ts"), "utf8")).toContain("crossGuardPolicies()");
    // Resolved by walking up: the same @pulumi/policy the tests use.
    expect(require.resolve("@pulumi/policy", { paths: [dir] })).toBe(require.resolve("@pulumi/policy"));
  });
});

describe("allowances", () => {
  it("the shipped file parses", () => {
    expect(() => loadAllowances(ALLOWANCES_FILE)).not.toThrow();
  });

  it("rejects an exception without reason, approver or expiry, naming the field", () => {
    expect(() => parseAllowances("exceptions:\n  - rule: x\n    stacks: [a]\n    resources: [r]\n")).toThrow(/exceptions\.0\.reason/);
  });

  it("matches stacks by name and * pattern", () => {
    expect(stackMatches(["pr-*"], "pr-42")).toBe(true);
    expect(stackMatches(["oci-prod"], "oci-prod-2")).toBe(false);
    expect(stackMatches(["kops-ci*"], "kops-ci-staging")).toBe(true);
  });
});
