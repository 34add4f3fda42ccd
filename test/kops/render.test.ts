/**
 * The pure renderers of kops-ci, without mocks: AWS policy documents, and the
 * artifacts a job, Boskos and the publisher read.
 */
import { ConfigMap, Pod, ServiceAccount } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import type { KopsCiSettings } from "../../src/config/kops-ci";
import {
  allowedActions,
  clusterBoundaryPolicy,
  discoveryBucketPolicy,
  iamPolicy,
  MANAGED_POLICY_MAX_CHARS,
  PolicyDocument,
  rolePolicies,
  stateStoreBucketPolicy,
  trustPolicy,
} from "../../src/kops/aws-policies";
import { subjectCondition } from "../../src/kops/gcp-identity";
import { kopsNames, poolProjectIds } from "../../src/kops/names";
import { credentialConfig, jobEnvironment, renderBoskosConfigMap, renderExamplePod, renderMarkerUpload, renderServiceAccounts } from "../../src/kops/render";
import { parse } from "../helpers";

const settings = (stack = "kops-ci"): KopsCiSettings => {
  const c = parse(stack);
  if (c.program !== "kops-ci") throw new Error("wrong program");
  return c.settings;
};
const s = settings();
const names = kopsNames(s);
const all = (): [string, PolicyDocument][] => [
  ...Object.entries(rolePolicies(s, names)),
  ["boundary", clusterBoundaryPolicy(s)],
  ["trust", trustPolicy(names, s.cluster.jobServiceAccounts)],
  ["state-store bucket", stateStoreBucketPolicy(s)],
  ["discovery bucket", discoveryBucketPolicy(s)],
];
// kubernetes-models ships ESM with an exports map; under this repo's "node" module
// resolution tsc sees the classes but not their inherited validate().
const valid = (model: object) => () => (model as { validate(): void }).validate();
const actionsOf = (st: PolicyDocument["Statement"][number]) => (Array.isArray(st.Action) ? st.Action : [st.Action]);

describe("AWS policies", () => {
  it("trust: web identity only, from the CI issuer, for the named service accounts and the STS audience", () => {
    const t = trustPolicy(names, s.cluster.jobServiceAccounts);
    expect(t.Statement).toEqual([
      {
        Sid: "CiJobServiceAccounts",
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::768319786644:oidc-provider/container.googleapis.com/v1/projects/k8s-infra-prow-build/locations/us-central1/clusters/prow-build" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "container.googleapis.com/v1/projects/k8s-infra-prow-build/locations/us-central1/clusters/prow-build:aud": "sts.amazonaws.com",
            "container.googleapis.com/v1/projects/k8s-infra-prow-build/locations/us-central1/clusters/prow-build:sub": ["system:serviceaccount:test-pods:kops-e2e"],
          },
        },
      },
    ]);
  });

  it.each(all())("%s: no Action \"*\", no whole-service wildcard granted, no NotAction", (_name, d) => {
    for (const st of d.Statement) {
      expect(st).not.toHaveProperty("NotAction");
      // A Deny may cover everything (the boundary's guard); an Allow never does.
      if (st.Effect === "Allow") {
        expect(actionsOf(st)).not.toContain("*");
        for (const a of actionsOf(st)) expect(a).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
  });

  it("permission policies fit the managed-policy size quota, and there are few enough to attach", () => {
    const policies = Object.entries(rolePolicies(s, names));
    expect(policies.length).toBeLessThanOrEqual(10);
    for (const [, d] of [...policies, ["boundary", clusterBoundaryPolicy(s)] as const]) {
      expect(JSON.stringify(d).replace(/\s/g, "").length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    }
  });

  it("covers what kOps needs: EC2, VPC, load balancers, Route53, S3, IAM, SQS and EventBridge", () => {
    const granted = Object.values(rolePolicies(s, names)).flatMap(allowedActions);
    for (const a of ["ec2:RunInstances", "ec2:CreateVpc", "elasticloadbalancing:CreateLoadBalancer", "autoscaling:CreateAutoScalingGroup", "route53:ChangeResourceRecordSets", "s3:PutObject", "iam:CreateRole", "iam:PassRole", "sqs:CreateQueue", "events:PutRule"]) {
      expect(granted).toContain(a);
    }
  });

  it("EC2, SQS and EventBridge stop at the allowed regions; records at the e2e zone; S3 at the two stores", () => {
    const p = rolePolicies(s, names);
    for (const key of ["ec2", "load-balancing", "messaging"]) {
      for (const st of p[key].Statement) expect((st.Condition?.StringEquals as Record<string, unknown>)["aws:RequestedRegion"]).toEqual(["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1"]);
    }
    expect(p.dns.Statement.find((st) => actionsOf(st).includes("route53:ChangeResourceRecordSets"))?.Resource).toBe("arn:aws:route53:::hostedzone/Z06627532U4ZWKQ1GQJZ7");
    const s3Resources = p.storage.Statement.flatMap((st) => [st.Resource].flat());
    expect(new Set(s3Resources)).toEqual(
      new Set(["arn:aws:s3:::k8s-kops-ci-prow-state-store", "arn:aws:s3:::k8s-kops-ci-prow-discovery", "arn:aws:s3:::k8s-kops-ci-prow-state-store/*", "arn:aws:s3:::k8s-kops-ci-prow-discovery/*"]),
    );
  });

  it("IAM: only kOps-named roles, created with the boundary and a cluster tag of the domain, never users, keys, itself or the boundary", () => {
    const d = iamPolicy(s, names);
    const by = (sid: string) => d.Statement.find((st) => st.Sid === sid)!;
    expect(by("CreateClusterRoles")).toMatchObject({
      Effect: "Allow",
      Action: ["iam:CreateRole"],
      Resource: [...["masters", "nodes", "bastions", "apiservers"].map((k) => `arn:aws:iam::768319786644:role/${k}.*.tests-kops-aws.k8s.io`), "arn:aws:iam::768319786644:role/*.sa.*"],
      Condition: {
        StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::768319786644:policy/ci-infra/kops-ci-kops-cluster-boundary" },
        StringLike: { "aws:RequestTag/KubernetesCluster": "*.tests-kops-aws.k8s.io" },
      },
    });
    // Every write Allow on roles or instance profiles names kOps' names; reading any is for kops delete.
    for (const st of d.Statement.filter((x) => x.Effect === "Allow" && x.Sid !== "ReadAnyForOwnership")) {
      for (const r of [st.Resource].flat()) {
        if (/:(role|instance-profile)\//.test(String(r)) && !String(r).includes("aws-service-role")) expect(r).toMatch(/(\*\.tests-kops-aws\.k8s\.io|\*\.sa\.\*)$/);
      }
    }
    expect(by("PassClusterRolesToEc2")).toMatchObject({ Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } });
    expect([by("PassClusterRolesToEc2").Resource].flat().some((r) => String(r).includes(".sa."))).toBe(false);
    expect(by("NeverUsersOrKeys")).toMatchObject({ Effect: "Deny", Action: expect.arrayContaining(["iam:CreateUser", "iam:CreateAccessKey"]), Resource: "*" });
    expect(by("NeverChangeItself")).toMatchObject({ Effect: "Deny", Resource: "arn:aws:iam::768319786644:role/ci-infra/kops-ci-e2e" });
    expect(by("NeverDropBoundary")).toMatchObject({ Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"] });
    const granted = allowedActions(d);
    for (const a of ["iam:CreateUser", "iam:CreateAccessKey", "iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion"]) expect(granted).not.toContain(a);
  });

  it("the boundary grants no IAM at all: nothing kOps creates can escalate", () => {
    expect(allowedActions(clusterBoundaryPolicy(s)).filter((a) => a.startsWith("iam:") || a.startsWith("sts:"))).toEqual([]);
  });

  it("buckets: TLS only; the discovery bucket lets anyone read objects, nobody list", () => {
    const d = discoveryBucketPolicy(s);
    expect(d.Statement[0]).toEqual({ Sid: "PublicOidcDocuments", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::k8s-kops-ci-prow-discovery/*" });
    for (const p of [d, stateStoreBucketPolicy(s)]) expect(p.Statement.find((st) => st.Sid === "TlsOnly")).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } });
    expect(stateStoreBucketPolicy(s).Statement.filter((st) => st.Effect === "Allow")).toEqual([]);
  });
});

describe("GCP federation", () => {
  it("the provider admits exactly the configured subjects", () => {
    expect(subjectCondition(["system:serviceaccount:a:b", "system:serviceaccount:c:d"])).toBe("assertion.sub in ['system:serviceaccount:a:b', 'system:serviceaccount:c:d']");
  });

  it("credential configuration is an external account, impersonating the job account, with no key material", () => {
    const c = credentialConfig(names, "job");
    expect(c).toEqual({
      universe_domain: "googleapis.com",
      type: "external_account",
      audience: "//iam.googleapis.com/projects/480235681042/locations/global/workloadIdentityPools/kops-ci-pool/providers/ci-cluster",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: "https://sts.googleapis.com/v1/token",
      service_account_impersonation_url: "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/kops-ci-job@k8s-infra-kops-ci.iam.gserviceaccount.com:generateAccessToken",
      credential_source: { file: "/var/run/secrets/gcp-workload-identity/token", format: { type: "text" } },
    });
    expect(JSON.stringify(c)).not.toMatch(/private_key|client_secret/);
  });
});

describe("rendered artifacts", () => {
  it("Boskos resources: one pool of the stack's own type, every project dirty so the janitor goes first, as the ConfigMap boskos mounts", () => {
    const cm = parseYaml(renderBoskosConfigMap("test-pods", names.gcp.boskosResourceType, names.gcp.poolProjects));
    expect(valid(new ConfigMap(cm))).not.toThrow();
    expect(parseYaml(cm.data.config)).toEqual({
      resources: [{ type: "kops-ci-gce-project", state: "dirty", names: Array.from({ length: 10 }, (_, i) => `kops-e2e-${String(i + 1).padStart(2, "0")}`) }],
    });
  });

  it("pool project ids stay within GCP's 30 characters at the largest pool", () => {
    const ids = poolProjectIds("abcdefghijklmnopqrstuvwxyz", 100);
    expect(ids[0]).toBe("abcdefghijklmnopqrstuvwxyz-001");
    expect(Math.max(...ids.map((i) => i.length))).toBe(30);
  });

  it("ServiceAccounts and ConfigMaps are valid Kubernetes objects; only job accounts carry the AWS role", () => {
    const docs = parseAllDocuments(renderServiceAccounts(s, names)).map((d) => d.toJS());
    const sas = docs.filter((d) => d.kind === "ServiceAccount");
    const cms = docs.filter((d) => d.kind === "ConfigMap");
    for (const d of sas) expect(valid(new ServiceAccount(d))).not.toThrow();
    for (const d of cms) expect(valid(new ConfigMap(d))).not.toThrow();
    expect(sas.map((d) => [d.metadata.namespace, d.metadata.name])).toEqual([["test-pods", "kops-e2e"], ["test-pods", "kops-publisher"], ["test-pods", "boskos-janitor"]]);
    const job = sas[0];
    expect(job.metadata.annotations).toEqual({
      "ci-infra/gcp-service-account": "kops-ci-job@k8s-infra-kops-ci.iam.gserviceaccount.com",
      "eks.amazonaws.com/role-arn": "arn:aws:iam::768319786644:role/ci-infra/kops-ci-e2e",
      "eks.amazonaws.com/audience": "sts.amazonaws.com",
    });
    expect(job.automountServiceAccountToken).toBe(false);
    for (const other of sas.slice(1)) expect(Object.keys(other.metadata.annotations)).not.toContain("eks.amazonaws.com/role-arn");
    // The mounted file lets a job's pod act as the job account, through its projected token.
    expect(JSON.parse(cms[0].data["credentials.json"])).toMatchObject({
      type: "external_account",
      audience: "//iam.googleapis.com/projects/480235681042/locations/global/workloadIdentityPools/kops-ci-pool/providers/ci-cluster",
      service_account_impersonation_url: "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/kops-ci-job@k8s-infra-kops-ci.iam.gserviceaccount.com:generateAccessToken",
      credential_source: { file: "/var/run/secrets/gcp-workload-identity/token", format: { type: "text" } },
    });
  });

  it("the validator can fail: a broken ServiceAccount is refused", () => {
    expect(valid(new ServiceAccount({ metadata: { name: "x" }, automountServiceAccountToken: "no" as unknown as boolean }))).toThrow(/automountServiceAccountToken must be boolean/);
  });

  it("the example pod validates and projects one token per cloud, each with its own audience", () => {
    const pod = parseYaml(renderExamplePod(s, names, "master"));
    expect(valid(new Pod(pod))).not.toThrow();
    const audiences = pod.spec.volumes.flatMap((v: { projected?: { sources: { serviceAccountToken: { audience: string } }[] } }) => v.projected?.sources.map((x) => x.serviceAccountToken.audience) ?? []);
    expect(audiences).toEqual(["sts.amazonaws.com", "https://iam.googleapis.com/projects/480235681042/locations/global/workloadIdentityPools/kops-ci-pool/providers/ci-cluster"]);
    expect(pod.spec.serviceAccountName).toBe("kops-e2e");
  });

  it("the job environment reaches both clouds through files, never keys", () => {
    const env = jobEnvironment(s, names, "release-1.34");
    expect(env).toMatchObject({
      AWS_ROLE_ARN: "arn:aws:iam::768319786644:role/ci-infra/kops-ci-e2e",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
      GOOGLE_APPLICATION_CREDENTIALS: "/etc/gcp-workload-identity/credentials.json",
      KOPS_STATE_STORE: "s3://k8s-kops-ci-prow-state-store",
      KOPS_CI_MARKER: "gs://k8s-staging-kops/kops/releases/markers/release-1.34/latest-ci.txt",
      KOPS_CI_GREEN_MARKER: "gs://k8s-staging-kops/kops/releases/markers/release-1.34/latest-ci-updown-green.txt",
    });
    expect(Object.keys(env).filter((k) => /SECRET|ACCESS_KEY|PRIVATE/.test(k))).toEqual([]);
  });

  it("markers are uploaded uncacheable, by the publisher, under kops/releases/markers/", () => {
    const script = renderMarkerUpload(s);
    expect(script).toContain('--cache-control="private, max-age=0, no-transform"');
    expect(script).toContain('gcloud storage cp - "gs://k8s-staging-kops/kops/releases/markers/$branch/$marker"');
    expect(script).toContain("case \"$branch\" in master|release-1.34|release-1.33|release-1.32)");
  });
});
