/**
 * The kOps upgrade jobs the kops-ci stack renders (issue 11): what test-infra's own
 * kOps jobs carry and its job config tests require, wired to the identities and
 * stores the same plan creates. Field names are Prow's (sigs.k8s.io/prow JobBase);
 * the checks mirror kubernetes/test-infra config/tests/jobs/jobs_test.go.
 */
import { Pod } from "kubernetes-models/v1";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { KopsCiSettings } from "../../src/config/kops-ci";
import type { PlanResult } from "../../src/plan/run";
import { ofType, plan, set } from "../helpers";

interface Container {
  name?: string;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Periodic {
  name: string;
  cluster?: string;
  decorate?: boolean;
  extra_refs: { org: string; repo: string; base_ref: string }[];
  spec: { serviceAccountName?: string; containers: Container[]; volumes?: Record<string, unknown>[] };
  annotations: Record<string, string>;
}

const JOBS = "prow/kops-upgrade-jobs.yaml";
let prod: PlanResult;
let staging: PlanResult;
beforeAll(async () => {
  prod = await plan("kops-ci");
  staging = await plan("kops-ci-staging");
});

const periodics = (p: PlanResult): Periodic[] => {
  expect(Object.keys(p.artifacts)).toContain(JOBS);
  return parseYaml(p.artifacts[JOBS]).periodics;
};
const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));
const settingsOf = (p: PlanResult) => p.config.settings as KopsCiSettings;
const quantity = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 ** 3 : q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));

describe("what test-infra's job config tests require (config/tests/jobs/jobs_test.go)", () => {
  it("TestClusterName: every job names its build cluster, the one config gives", () => {
    for (const p of [prod, staging]) {
      for (const j of periodics(p)) {
        expect(j.cluster, j.name).toBeTruthy();
        expect(j.cluster).toBe(settingsOf(p).prow.cluster);
      }
    }
    expect(periodics(prod)[0].cluster).toBe("k8s-infra-kops-prow-build");
  });

  it("TestKubernetesProwJobsShouldUsePodUtils: decorate is true", () => {
    for (const j of periodics(prod)) expect(j.decorate).toBe(true);
  });

  it("TestK8sInfraProwBuildJobsCIPolicy: Guaranteed QoS, requests equal limits, at most 7 CPU and 27Gi", () => {
    for (const j of periodics(prod)) {
      for (const c of j.spec.containers) {
        for (const r of ["cpu", "memory"]) {
          const limit = c.resources?.limits?.[r];
          const request = c.resources?.requests?.[r];
          expect(limit, `${j.name} ${r}`).toBeTruthy();
          expect(request).toBe(limit);
          expect(quantity(String(limit))).toBeGreaterThan(0);
        }
        expect(quantity(c.resources!.limits!.cpu)).toBeLessThanOrEqual(7);
        expect(quantity(c.resources!.limits!.memory)).toBeLessThanOrEqual(27 * 1024 ** 3);
      }
    }
  });
});

describe("the job runs as the stack's identity, with the stack's stores", () => {
  it("each job's pod spec is a valid Kubernetes PodSpec", () => {
    for (const j of periodics(prod)) {
      const pod = new Pod({ metadata: { name: "x" }, spec: j.spec } as ConstructorParameters<typeof Pod>[0]);
      expect(() => (pod as unknown as { validate(): void }).validate(), j.name).not.toThrow();
    }
  });

  it("runs as the job ServiceAccount of Prow's pod namespace, which the role trusts", () => {
    const role = ofType(prod, "aws:iam/role:Role")[0];
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0];
    const subjects = Object.entries(trust.Condition.StringEquals as Record<string, string[]>).find(([k]) => k.endsWith(":sub"))![1];
    for (const j of periodics(prod)) {
      expect(j.spec.serviceAccountName).toBe("kops-e2e");
      expect(subjects).toContain(`system:serviceaccount:${settingsOf(prod).prow.podNamespace}:${j.spec.serviceAccountName}`);
    }
  });

  it("assumes the planned role with a projected token of audience sts.amazonaws.com", () => {
    for (const j of periodics(prod)) {
      const [c] = j.spec.containers;
      const env = envOf(c);
      expect(env.AWS_ROLE_ARN).toBe(prod.outputs.awsRoleArn);
      const mount = c.volumeMounts!.find((m) => env.AWS_WEB_IDENTITY_TOKEN_FILE.startsWith(`${m.mountPath}/`))!;
      const volume = j.spec.volumes!.find((v) => v.name === mount.name) as { projected: { sources: { serviceAccountToken: { audience: string; path: string } }[] } };
      expect(volume.projected.sources[0].serviceAccountToken).toMatchObject({ audience: "sts.amazonaws.com" });
      expect(`${mount.mountPath}/${volume.projected.sources[0].serviceAccountToken.path}`).toBe(env.AWS_WEB_IDENTITY_TOKEN_FILE);
    }
  });

  it("kOps started by kubetest2-kops gets the role too: a shared credentials file with role_arn and web_identity_token_file", () => {
    // kubetest2-kops runs kops with a fixed environment; for AWS it passes on only
    // AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE and the pod-identity variables (deployer/common.go env()).
    const [c] = periodics(prod)[0].spec.containers;
    const env = envOf(c);
    expect(env.AWS_SHARED_CREDENTIALS_FILE).toBeTruthy();
    const mount = c.volumeMounts!.find((m) => env.AWS_SHARED_CREDENTIALS_FILE.startsWith(`${m.mountPath}/`))!;
    const volume = periodics(prod)[0].spec.volumes!.find((v) => v.name === mount.name) as { configMap: { name: string } };
    const manifests = String(prod.artifacts["kubernetes/serviceaccounts.yaml"]);
    expect(manifests).toContain(`name: ${volume.configMap.name}`);
    expect(manifests).toContain(`role_arn = ${String(prod.outputs.awsRoleArn)}`);
    expect(manifests).toContain(`web_identity_token_file = ${env.AWS_WEB_IDENTITY_TOKEN_FILE}`);
  });

  it("names the planned state store and discovery store, so kubetest2-kops creates no bucket of its own", () => {
    const buckets = prod.outputs.buckets as Record<string, string>;
    for (const j of periodics(prod)) {
      const env = envOf(j.spec.containers[0]);
      expect(env.KOPS_STATE_STORE).toBe(`s3://${buckets.stateStore}`);
      expect(env.KOPS_DISCOVERY_STORE).toBe(`s3://${buckets.discoveryStore}`);
      expect(env.KOPS_DNS_DOMAIN).toBe("tests-kops-aws.k8s.io");
      expect(env.GOOGLE_APPLICATION_CREDENTIALS).toBe("/etc/gcp-workload-identity/credentials.json");
    }
  });

  it("renders from the same data as the outputs: another name renames the role in every job", async () => {
    const renamed = await plan("kops-ci-staging", set("name", "kops-ci-blue"));
    for (const j of periodics(renamed)) expect(envOf(j.spec.containers[0]).AWS_ROLE_ARN).toBe("arn:aws:iam::209476550831:role/ci-infra/kops-ci-blue-e2e");
  });
});

describe("create works under the scoped policy", () => {
  it("cluster names sit under the test domain and keep kOps' instance role names whole (64 characters)", () => {
    for (const p of [prod, staging]) {
      const domain = settingsOf(p).aws.clusterDomain;
      for (const j of periodics(p)) {
        const name = envOf(j.spec.containers[0]).CLUSTER_NAME;
        expect(name.endsWith(`.${domain}`), name).toBe(true);
        expect(`apiservers.${name}`.length).toBeLessThanOrEqual(64);
      }
    }
  });

  it("every job passes the permissions boundary and pins one zone inside the allowed regions", () => {
    for (const p of [prod, staging]) {
      const s = settingsOf(p);
      for (const j of periodics(p)) {
        const flags = envOf(j.spec.containers[0]).KOPS_EXTRA_FLAGS.split(" ");
        expect(flags).toContain(`--set=cluster.spec.iam.permissionsBoundary=${String(p.outputs.awsPermissionsBoundaryArn)}`);
        const zones = flags.filter((f) => f.startsWith("--zones=")).map((f) => f.slice("--zones=".length));
        expect(zones).toHaveLength(1);
        expect(s.aws.clusterRegions).toContain(zones[0].slice(0, -1));
      }
    }
  });
});

describe("the old-SDK skip is real", () => {
  it("no job sets a variable nobody reads; jobs ending on Kubernetes <= 1.26 check out the kOps tester that applies the skip", () => {
    for (const j of periodics(prod)) {
      const env = envOf(j.spec.containers[0]);
      expect(env.SKIP_REGEX).toBeUndefined();
      const to = Number(env.K8S_VERSION_B.split(".")[1]);
      const kops = j.extra_refs.find((r) => r.repo === "kops")!;
      if (to <= 26) expect(kops.base_ref).toBe("release-1.31");
    }
  });
});
