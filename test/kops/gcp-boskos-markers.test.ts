/**
 * Issue 11 on the GCP side: the green marker the e2e job publishes, Boskos as
 * the boskos Deployment reads it, no grant-capable roles in the pool, and the
 * community buckets adopted instead of created.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { parse as parseYaml } from "yaml";
import { PlanMocks } from "../../src/plan/mocks";
import type { PlanResult } from "../../src/plan/run";
import { runProgram } from "../../src/programs";
import { ofType, parse, plan, problems, set } from "../helpers";
import { swapMocks } from "../runtime";

const BUCKET_IAM = "gcp:storage/bucketIAMMember:BucketIAMMember";
const JOB = "serviceAccount:kops-ci-job@k8s-infra-kops-ci.iam.gserviceaccount.com";

let prod: PlanResult;
beforeAll(async () => {
  prod = await plan("kops-ci");
});

/** Evaluates the startsWith/endsWith/&&/|| CEL our bucket conditions use. */
function celAllows(expression: string, name: string): boolean {
  return expression.split("||").some((clause) =>
    clause
      .trim()
      .replace(/^\((.*)\)$/, "$1")
      .split("&&")
      .every((term) => {
        const m = /resource\.name\.(startsWith|endsWith)\("([^"]*)"\)/.exec(term);
        if (!m) throw new Error(`unsupported CEL term: ${term}`);
        return m[1] === "startsWith" ? name.startsWith(m[2]) : name.endsWith(m[2]);
      }),
  );
}
const object = (name: string) => `projects/_/buckets/k8s-staging-kops/objects/${name}`;

describe("the green marker (kubetest2-kops --publish-version-marker, deployer/publish.go)", () => {
  const jobWriters = () =>
    ofType(prod, BUCKET_IAM).filter((r) => r.inputs.bucket === "k8s-staging-kops" && r.inputs.member === JOB && r.inputs.role === "roles/storage.objectUser");
  const jobCanWrite = (name: string) => jobWriters().some((w) => celAllows(String((w.inputs.condition as { expression: string }).expression), object(name)));

  it("the e2e identity may write latest-ci-updown-green.txt of every configured branch", () => {
    for (const branch of ["master", "release-1.34", "release-1.33", "release-1.32"]) expect(jobCanWrite(`kops/releases/markers/${branch}/latest-ci-updown-green.txt`), branch).toBe(true);
  });

  it("and nothing else under kops/releases/: not latest-ci.txt, not releases, not other branches", () => {
    for (const name of [
      "kops/releases/markers/master/latest-ci.txt",
      "kops/releases/markers/release-1.20/latest-ci-updown-green.txt",
      "kops/releases/1.34.0/linux/amd64/kops",
      "kops/releases/markers/master/latest-ci-updown-green.txt.bak",
    ]) {
      expect(jobCanWrite(name), name).toBe(false);
    }
    expect(jobCanWrite("pulls/kops/pull-1/kops")).toBe(true);
  });
});

describe("Boskos", () => {
  it("is rendered as the ConfigMap boskos mounts (name resources, key config), with a resource type of this stack's own", () => {
    const cm = parseYaml(prod.artifacts["boskos/resources-configmap.yaml"]);
    expect(cm).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "resources", namespace: "test-pods" } });
    const config = parseYaml(cm.data.config);
    expect(config.resources).toHaveLength(1);
    expect(config.resources[0]).toMatchObject({ type: "kops-ci-gce-project", state: "dirty" });
    expect(config.resources[0].names).toEqual(prod.outputs.boskosProjects);
    for (const p of ofType(prod, "gcp:organizations/project:Project")) expect((p.inputs.labels as Record<string, string>)["boskos-type"]).toBe("kops-ci-gce-project");
  });

  it("no role on the pool projects lets anyone grant roles; the janitor gets no storage admin", () => {
    const grants = ofType(prod, "gcp:projects/iAMMember:IAMMember").map((g) => String(g.inputs.role));
    for (const role of ["roles/resourcemanager.projectIamAdmin", "roles/iam.securityAdmin", "roles/owner", "roles/editor"]) expect(grants).not.toContain(role);
    const janitor = ofType(prod, "gcp:projects/iAMMember:IAMMember").filter((g) => String(g.inputs.member).includes("janitor")).map((g) => g.inputs.role);
    expect(janitor).not.toContain("roles/storage.admin");
  });

  it("config refuses a grant-capable role and an organization-level role, naming key, value and rule", () => {
    expect(problems(() => parse("kops-ci", set("boskos.e2eRoles", ["roles/compute.admin", "roles/resourcemanager.projectIamAdmin"])))).toEqual([
      expect.stringMatching(/^ci-infra:boskos\.e2eRoles\[1\] must not .*grant.* \(got "roles\/resourcemanager\.projectIamAdmin"\)$/),
    ]);
    expect(problems(() => parse("kops-ci", set("boskos.janitorRoles", ["roles/resourcemanager.organizationAdmin"])))).toEqual([
      expect.stringMatching(/^ci-infra:boskos\.janitorRoles\[0\] must not .*organization.* \(got "roles\/resourcemanager\.organizationAdmin"\)$/),
    ]);
  });
});

describe("adopting the community buckets", () => {
  class ImportRecorder extends PlanMocks {
    readonly imports = new Map<string, string | undefined>();
    override newResource(args: pulumi.runtime.MockResourceArgs) {
      if (args.type === "gcp:storage/bucket:Bucket") this.imports.set(String(args.inputs.name), args.id || undefined);
      return super.newResource(args);
    }
  }

  it("buckets.<kind>.adopt imports the existing bucket instead of creating it, and the plan says which", async () => {
    const cfg = parse("kops-ci", set("buckets.staging.adopt", true));
    const mocks = new ImportRecorder();
    onTestFinished(await swapMocks(mocks, "ci-infra", "kops-ci"));
    const result = await runProgram(cfg);
    expect(result.outputs.adoptedBuckets).toEqual(["k8s-infra-kops-ci/k8s-staging-kops"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(mocks.imports.get("k8s-staging-kops")).toBe("k8s-infra-kops-ci/k8s-staging-kops");
    expect(mocks.imports.get("k8s-infra-kops-ci-results")).toBeUndefined();
  });
});
