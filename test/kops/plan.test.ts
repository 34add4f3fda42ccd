/**
 * The kops-ci program as the offline plan sees it: the real program under mocked
 * providers, both shipped stacks planned once, asserting the properties the
 * design rests on (keyless, scoped, expiring, public only where documented).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../src/base/errors";
import { main } from "../../src/cli/plan";
import { PlanMocks } from "../../src/plan/mocks";
import { recordRegistrations } from "../../src/plan/recorder";
import type { PlannedResource } from "../../src/plan/recorder";
import type { PlanResult } from "../../src/plan/run";
import { stackFilePath } from "../../src/plan/stack-file";
import { planWarnings } from "../../src/plan/warnings";
import { runProgram } from "../../src/programs";
import { ofType, parse, plan, set } from "../helpers";
import { swapMocks } from "../runtime";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const BUCKET = "gcp:storage/bucket:Bucket";
const BUCKET_IAM = "gcp:storage/bucketIAMMember:BucketIAMMember";
const PROJECT_IAM = "gcp:projects/iAMMember:IAMMember";
const SA_IAM = "gcp:serviceaccount/iAMMember:IAMMember";
const PROJECT = "gcp:organizations/project:Project";
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const S3 = "aws:s3/bucket:Bucket";

let prod: PlanResult;
let staging: PlanResult;
beforeAll(async () => {
  prod = await plan("kops-ci");
  staging = await plan("kops-ci-staging");
});
afterEach(() => vi.restoreAllMocks());

type Inputs = Record<string, unknown>;
const one = (p: PlanResult, type: string, pred: (r: PlannedResource) => boolean = () => true) => {
  const found = ofType(p, type).filter(pred);
  expect(found).toHaveLength(1);
  return found[0];
};
const byInput = (key: string, value: unknown) => (r: PlannedResource) => r.inputs[key] === value;
const doc = (text: unknown) => JSON.parse(String(text)) as { Statement: Inputs[] };
const actions = (st: Inputs) => [st.Action].flat() as string[];

describe("no static credentials, anywhere", () => {
  it.each(["kops-ci", "kops-ci-staging"])("%s creates no IAM user, access key or service-account key", (stack) => {
    const p = stack === "kops-ci" ? prod : staging;
    const types = new Set(p.resources.map((r) => r.type));
    for (const t of ["aws:iam/accessKey:AccessKey", "aws:iam/user:User", "aws:iam/userLoginProfile:UserLoginProfile", "gcp:serviceaccount/key:Key", "gcp:storage/hmacKey:HmacKey"]) expect(types).not.toContain(t);
    expect(JSON.stringify(p.artifacts)).not.toMatch(/private_key|aws_secret_access_key|AWS_SECRET_ACCESS_KEY|BEGIN [A-Z ]*PRIVATE KEY/);
  });
});

describe("GCS buckets", () => {
  it("staging: uniform access, public only by its switch, pulls/ after 30 days and kops/ after 365, says who writes it", () => {
    const b = one(prod, BUCKET, byInput("name", "k8s-staging-kops"));
    expect(b.inputs).toMatchObject({ project: "k8s-infra-kops-ci", location: "US", uniformBucketLevelAccess: true, publicAccessPrevention: "inherited" });
    expect(b.inputs.lifecycleRules).toEqual([
      { action: { type: "Delete" }, condition: { age: 30, matchesPrefixes: ["pulls/"] } },
      { action: { type: "Delete" }, condition: { age: 365, matchesPrefixes: ["kops/"] } },
    ]);
    expect(b.inputs.labels).toMatchObject({ "written-by": "kops-ci-jobs-pulls-and-kops-publisher-releases", stack: "kops-ci", "managed-by": "pulumi" });
    expect(b.retainOnDelete).toBe(true);
    const publicGrants = ofType(prod, BUCKET_IAM).filter((r) => r.inputs.member === "allUsers");
    expect(publicGrants.map((r) => [r.inputs.bucket, r.inputs.role])).toEqual([["k8s-staging-kops", "roles/storage.objectViewer"]]);
  });

  it("staging stack: the switch is off, so public access prevention is enforced and nobody is public", () => {
    expect(one(staging, BUCKET, byInput("name", "k8s-staging-kops-stg")).inputs).toMatchObject({ publicAccessPrevention: "enforced", uniformBucketLevelAccess: true });
    expect(ofType(staging, BUCKET_IAM).filter((r) => ["allUsers", "allAuthenticatedUsers"].includes(String(r.inputs.member)))).toEqual([]);
  });

  it("results: never public, every object deleted after the configured age, says who writes it", () => {
    for (const [p, name, age] of [[prod, "k8s-infra-kops-ci-results", 90], [staging, "k8s-infra-kops-ci-results-stg", 14]] as const) {
      const b = one(p, BUCKET, byInput("name", name));
      expect(b.inputs).toMatchObject({ uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", lifecycleRules: [{ action: { type: "Delete" }, condition: { age } }] });
      expect(b.inputs.labels).toMatchObject({ purpose: "kops-ci-results", "written-by": "kops-ci-e2e-jobs" });
    }
  });
});

describe("GCP identities and IAM", () => {
  const JOB = "serviceAccount:kops-ci-job@k8s-infra-kops-ci.iam.gserviceaccount.com";
  const PUBLISHER = "serviceAccount:kops-ci-publisher@k8s-infra-kops-ci.iam.gserviceaccount.com";
  const JANITOR = "serviceAccount:kops-ci-janitor@k8s-infra-kops-ci.iam.gserviceaccount.com";

  it("bucket IAM is exactly: job writes results, pulls/ and its branches' green markers, publisher alone writes the rest of kops/releases/, both read", () => {
    const grants = ofType(prod, BUCKET_IAM)
      .filter((r) => r.inputs.member !== "allUsers")
      .map((r) => [r.inputs.bucket, r.inputs.member, r.inputs.role, (r.inputs.condition as Inputs | undefined)?.expression ?? null]);
    expect(grants.sort()).toEqual(
      [
        ["k8s-infra-kops-ci-results", JOB, "roles/storage.objectUser", null],
        ["k8s-infra-kops-ci-results", JOB, "roles/storage.objectViewer", null],
        ["k8s-staging-kops", JOB, "roles/storage.objectUser", 'resource.name.startsWith("projects/_/buckets/k8s-staging-kops/objects/pulls/")'],
        [
          "k8s-staging-kops",
          JOB,
          "roles/storage.objectUser",
          ["master", "release-1.34", "release-1.33", "release-1.32"]
            .map((b) => `(resource.name.startsWith("projects/_/buckets/k8s-staging-kops/objects/kops/releases/markers/${b}/latest-ci-updown-green.txt") && resource.name.endsWith("/latest-ci-updown-green.txt"))`)
            .join(" || "),
        ],
        ["k8s-staging-kops", JOB, "roles/storage.objectViewer", null],
        ["k8s-staging-kops", PUBLISHER, "roles/storage.objectUser", 'resource.name.startsWith("projects/_/buckets/k8s-staging-kops/objects/kops/releases/")'],
        ["k8s-staging-kops", PUBLISHER, "roles/storage.objectViewer", null],
      ].sort(),
    );
    // Version markers live under kops/releases/markers/: the publisher's condition covers them; the job's only the green ones.
    const writers = ofType(prod, BUCKET_IAM).filter((r) => r.inputs.bucket === "k8s-staging-kops" && r.inputs.role !== "roles/storage.objectViewer");
    const holds = (expression: string, name: string) =>
      expression.split(" || ").some((clause) =>
        [...clause.matchAll(/resource\.name\.(startsWith|endsWith)\("([^"]*)"\)/g)].every(([, op, arg]) => (op === "startsWith" ? name.startsWith(arg) : name.endsWith(arg))),
      );
    const canWrite = (object: string) =>
      writers.filter((w) => holds(String((w.inputs.condition as Inputs).expression), `projects/_/buckets/k8s-staging-kops/objects/${object}`)).map((w) => w.inputs.member);
    expect(canWrite("kops/releases/markers/master/latest-ci.txt")).toEqual([PUBLISHER]);
    expect(canWrite("kops/releases/markers/master/latest-ci-updown-green.txt").sort()).toEqual([JOB, PUBLISHER].sort());
    expect(canWrite("pulls/kops/pull-123/kops")).toEqual([JOB]);
    expect(canWrite("kops/ci/1.34.0/kops")).toEqual([]);
  });

  it("no primitive role anywhere, and no project-level role on the CI host project", () => {
    const iam = prod.resources.filter((r) => /IAMMember|iAMMember/.test(r.type));
    for (const r of iam) expect(["roles/owner", "roles/editor", "roles/viewer"]).not.toContain(r.inputs.role);
    const projectGrants = ofType(prod, PROJECT_IAM);
    const pool = prod.outputs.boskosProjects as string[];
    expect(new Set(projectGrants.map((r) => r.inputs.project))).toEqual(new Set(pool));
  });

  it("each pool project: e2e roles for the job account, what the Boskos janitor deletes for the janitor, nothing else", () => {
    const grants = ofType(prod, PROJECT_IAM).filter((r) => r.inputs.project === "kops-e2e-07");
    const of = (member: string) => grants.filter((g) => g.inputs.member === member).map((g) => g.inputs.role).sort();
    expect(of(JOB)).toEqual(["roles/compute.admin", "roles/dns.admin", "roles/iam.serviceAccountUser", "roles/storage.admin"]);
    expect(of(JANITOR)).toEqual(["roles/compute.admin", "roles/iam.serviceAccountKeyAdmin", "roles/logging.configWriter", "roles/serviceusage.serviceUsageViewer"]);
    expect(grants).toHaveLength(of(JOB).length + of(JANITOR).length);
    expect(ofType(prod, PROJECT_IAM).some((g) => g.inputs.member === PUBLISHER)).toBe(false);
  });

  it("workload identity: the provider trusts the CI issuer and only the configured subjects", () => {
    const provider = one(prod, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    expect(provider.inputs).toMatchObject({
      project: "k8s-infra-kops-ci",
      workloadIdentityPoolId: "kops-ci-pool",
      workloadIdentityPoolProviderId: "ci-cluster",
      attributeMapping: { "google.subject": "assertion.sub" },
      attributeCondition: "assertion.sub in ['system:serviceaccount:test-pods:kops-e2e', 'system:serviceaccount:test-pods:kops-publisher', 'system:serviceaccount:test-pods:boskos-janitor']",
      oidc: { issuerUri: "https://container.googleapis.com/v1/projects/k8s-infra-prow-build/locations/us-central1/clusters/prow-build" },
    });
    expect((provider.inputs.oidc as Inputs).allowedAudiences).toBeUndefined();
  });

  it("roles/iam.workloadIdentityUser goes only to federated principals, each on its own service account", () => {
    const principal = (sub: string) => `principal://iam.googleapis.com/projects/480235681042/locations/global/workloadIdentityPools/kops-ci-pool/subject/system:serviceaccount:test-pods:${sub}`;
    const sa = (id: string) => `projects/k8s-infra-kops-ci/serviceAccounts/${id}@k8s-infra-kops-ci.iam.gserviceaccount.com`;
    expect(ofType(prod, SA_IAM).map((r) => [r.inputs.serviceAccountId, r.inputs.role, r.inputs.member]).sort()).toEqual(
      [
        [sa("kops-ci-job"), "roles/iam.workloadIdentityUser", principal("kops-e2e")],
        [sa("kops-ci-publisher"), "roles/iam.workloadIdentityUser", principal("kops-publisher")],
        [sa("kops-ci-janitor"), "roles/iam.workloadIdentityUser", principal("boskos-janitor")],
      ].sort(),
    );
  });
});

describe("Boskos pool", () => {
  it("N projects under the folder, billed, no default network, deleted when the pool shrinks, APIs enabled", () => {
    const projects = ofType(prod, PROJECT);
    expect(projects.map((p) => p.inputs.projectId)).toEqual(prod.outputs.boskosProjects);
    expect(projects).toHaveLength(10);
    for (const p of projects) {
      expect(p.inputs).toMatchObject({ folderId: "396521612403", billingAccount: "018801-93540E-22A20E", autoCreateNetwork: false, deletionPolicy: "DELETE", labels: { "boskos-type": "kops-ci-gce-project" } });
      expect(p.inputs.orgId).toBeUndefined();
    }
    const services = ofType(prod, "gcp:projects/service:Service").filter((s) => s.inputs.project === "kops-e2e-01").map((s) => s.inputs.service);
    expect(services).toEqual(["compute.googleapis.com", "iam.googleapis.com", "storage.googleapis.com", "dns.googleapis.com", "cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com", "logging.googleapis.com"]);
  });

  it("the Boskos config lists exactly the pool's projects, under the stack's own resource type", () => {
    const cm = parseYaml(staging.artifacts["boskos/resources-configmap.yaml"]);
    expect(parseYaml(cm.data.config)).toEqual({ resources: [{ type: "kops-ci-stg-gce-project", state: "dirty", names: ["kops-e2e-stg-01", "kops-e2e-stg-02"] }] });
    expect(staging.outputs.boskosResources).toBe(staging.artifacts["boskos/resources-configmap.yaml"]);
    expect(staging.outputs.boskosResourceType).toBe("kops-ci-stg-gce-project");
  });
});

describe("AWS role", () => {
  it("an OIDC provider for the CI issuer with the STS audience", () => {
    expect(one(prod, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs).toMatchObject({
      url: "https://container.googleapis.com/v1/projects/k8s-infra-prow-build/locations/us-central1/clusters/prow-build",
      clientIdLists: ["sts.amazonaws.com"],
    });
  });

  it("assumable by web identity only, by the named service accounts with the STS audience; sessions within 12 h", () => {
    for (const [p, seconds] of [[prod, 14400], [staging, 14400]] as const) {
      const role = one(p, ROLE);
      expect(role.inputs.maxSessionDuration).toBe(seconds);
      expect(Number(role.inputs.maxSessionDuration)).toBeLessThanOrEqual(12 * 3600);
      const trust = doc(role.inputs.assumeRolePolicy);
      expect(trust.Statement).toHaveLength(1);
      const [st] = trust.Statement;
      expect(st.Action).toBe("sts:AssumeRoleWithWebIdentity");
      const cond = (st.Condition as { StringEquals: Record<string, unknown> }).StringEquals;
      const keys = Object.keys(cond);
      expect(keys.filter((k) => k.endsWith(":aud")).map((k) => cond[k])).toEqual(["sts.amazonaws.com"]);
      expect(keys.filter((k) => k.endsWith(":sub")).map((k) => cond[k])).toEqual([["system:serviceaccount:test-pods:kops-e2e"]]);
      expect(role.dependsOn.some((u) => u.includes("OpenIdConnectProvider"))).toBe(true);
    }
    expect(one(prod, ROLE).inputs).toMatchObject({ name: "kops-ci-e2e", path: "/ci-infra/" });
  });

  it("scoped policies only: no \"*\" action allowed, no AdministratorAccess, every attachment one of ours", () => {
    const policies = ofType(prod, POLICY);
    expect(policies.map((p) => p.inputs.name).sort()).toEqual(
      ["kops-ci-e2e-dns", "kops-ci-e2e-ec2", "kops-ci-e2e-iam", "kops-ci-e2e-load-balancing", "kops-ci-e2e-messaging", "kops-ci-e2e-storage", "kops-ci-kops-cluster-boundary"].sort(),
    );
    for (const p of policies) for (const st of doc(p.inputs.policy).Statement) if (st.Effect === "Allow") expect(actions(st)).not.toContain("*");
    const attached = ofType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
    expect(attached).toHaveLength(6);
    for (const arn of attached) expect(arn).toMatch(/^arn:aws:iam::768319786644:policy\/ci-infra\/kops-ci-e2e-[a-z0-9-]+$/);
    expect(JSON.stringify(prod.resources.map((r) => r.inputs))).not.toContain("AdministratorAccess");
  });

  it("explicit providers: AWS refuses any account but the configured one; GCP does not depend on the ambient project", () => {
    expect(one(prod, "pulumi:providers:aws").inputs).toMatchObject({ allowedAccountIds: '["768319786644"]', region: "us-east-2" });
    expect(one(prod, "pulumi:providers:gcp").inputs).toMatchObject({ project: "k8s-infra-kops-ci" });
  });
});

describe("kOps stores in S3", () => {
  const sub = (p: PlanResult, type: string, bucket: string) => one(p, type, byInput("bucket", bucket)).inputs;

  it("state store: private, versioned, encrypted, expiring, TLS only, retained on delete", () => {
    const b = "k8s-kops-ci-prow-state-store";
    expect(one(prod, S3, byInput("bucket", b)).retainOnDelete).toBe(true);
    expect(sub(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b)).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(sub(prod, "aws:s3/bucketVersioning:BucketVersioning", b)).toMatchObject({ versioningConfiguration: { status: "Enabled" } });
    expect(sub(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b)).toMatchObject({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    expect(sub(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b)).toMatchObject({ rule: { objectOwnership: "BucketOwnerEnforced" } });
    const rules = sub(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", b).rules as Inputs[];
    expect(rules.find((r) => r.id === "expire-leftover-state")).toMatchObject({ status: "Enabled", expiration: { days: 30 } });
    expect(rules.find((r) => r.id === "expire-old-versions")).toMatchObject({ noncurrentVersionExpiration: { noncurrentDays: 7 } });
    expect(doc(sub(prod, "aws:s3/bucketPolicy:BucketPolicy", b).policy).Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  it("discovery: the documented public exception, objects readable by anyone, ACLs off, nothing listable", () => {
    const b = "k8s-kops-ci-prow-discovery";
    expect(sub(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b)).toMatchObject({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false });
    expect(sub(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b)).toMatchObject({ rule: { objectOwnership: "BucketOwnerEnforced" } });
    const allows = doc(sub(prod, "aws:s3/bucketPolicy:BucketPolicy", b).policy).Statement.filter((s) => s.Effect === "Allow");
    expect(allows).toEqual([{ Sid: "PublicOidcDocuments", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${b}/*` }]);
    expect(one(prod, "aws:s3/bucketPolicy:BucketPolicy", byInput("bucket", b)).dependsOn.some((u) => u.includes("discovery-public"))).toBe(true);
  });
});

describe("one job, both clouds", () => {
  it("outputs and artifacts carry the same rendered text", () => {
    expect(Object.keys(prod.artifacts).sort()).toEqual(
      [
        "boskos/resources-configmap.yaml",
        "gcp/janitor-credentials.json",
        "gcp/job-credentials.json",
        "gcp/publisher-credentials.json",
        "job/master.env",
        "job/release-1.32.env",
        "job/release-1.33.env",
        "job/release-1.34.env",
        "kubernetes/e2e-pod-example.yaml",
        "kubernetes/serviceaccounts.yaml",
        "prow/kops-upgrade-jobs.yaml",
        "publisher/upload-marker.sh",
      ].sort(),
    );
    expect(prod.outputs.serviceAccountManifests).toBe(prod.artifacts["kubernetes/serviceaccounts.yaml"]);
    expect((prod.outputs.gcpCredentialConfigs as Record<string, string>).job).toBe(prod.artifacts["gcp/job-credentials.json"]);
    expect(prod.outputs.awsRoleArn).toBe("arn:aws:iam::768319786644:role/ci-infra/kops-ci-e2e");
    // The role ARN the ServiceAccount announces is the role the plan creates.
    const role = one(prod, ROLE).inputs;
    expect(prod.outputs.awsRoleArn).toBe(`arn:aws:iam::768319786644:role${String(role.path)}${String(role.name)}`);
    expect(prod.artifacts["job/release-1.34.env"]).toContain("KOPS_CI_MARKER=gs://k8s-staging-kops/kops/releases/markers/release-1.34/latest-ci.txt\n");
  });

  it("the credential configuration names the pool and provider the plan creates", () => {
    const cfg = JSON.parse(staging.artifacts["gcp/job-credentials.json"]);
    const provider = one(staging, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider").inputs;
    expect(cfg.audience).toBe(`//iam.googleapis.com/projects/731904266127/locations/global/workloadIdentityPools/${String(provider.workloadIdentityPoolId)}/providers/${String(provider.workloadIdentityPoolProviderId)}`);
    const account = one(staging, "gcp:serviceaccount/account:Account", byInput("accountId", "kops-ci-stg-job")).inputs;
    expect(cfg.service_account_impersonation_url).toContain(`/serviceAccounts/${String(account.accountId)}@${String(account.project)}.iam.gserviceaccount.com:`);
  });
});

describe("the host project number", () => {
  it("is checked against the project before anything is created", async () => {
    const cfg = parse("kops-ci-staging", set("gcp.projectNumber", "731904266128"));
    onTestFinished(await swapMocks(new PlanMocks(), "ci-infra", "kops-ci-staging"));
    const recording = recordRegistrations();
    const err = await runProgram(cfg).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['ci-infra:gcp.projectNumber must be the number of project k8s-infra-kops-ci-stg, 731904266127 (got "731904266128")']);
    expect(recording.resources).toEqual([]);
  });

  it("is looked up once per plan, by project id", () => {
    expect(staging.invokes).toEqual([{ token: "gcp:organizations/getProject:getProject", inputs: { projectId: "k8s-infra-kops-ci-stg" } }]);
  });
});

describe("offline plan CLI", () => {
  it("warns when the staging bucket is private, since AWS e2e clusters then cannot download from it", () => {
    expect(planWarnings(staging)).toEqual(["buckets.staging.publicRead is false: kOps e2e clusters on AWS cannot download staged builds from gs://k8s-staging-kops-stg anonymously"]);
    expect(planWarnings(prod)).toEqual([]);
  });

  it("exits 2 with the key named on an invalid kops-ci stack, before anything is planned", async () => {
    const err: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const file = join(tempDir("kops-plan-"), "Pulumi.bad.yaml");
    writeFileSync(file, readFileSync(stackFilePath("kops-ci-staging"), "utf8").replace("sessionDurationSeconds", "x").replace("    stateStore:", "    sessionDurationSeconds: 86400\n    stateStore:"));
    expect(await main(["--config-file", file])).toBe(2);
    expect(err).toEqual(["ci-infra:aws.sessionDurationSeconds must be within 3600-43200 (got 86400)"]);
  });
});
