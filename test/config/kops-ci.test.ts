import { describe, expect, it } from "vitest";
import type { StackConfig } from "../../src/config";
import { DEFAULT_SESSION_SECONDS, KopsCiSettings, MAX_SESSION_SECONDS } from "../../src/config/kops-ci";
import { kopsNames } from "../../src/kops/names";
import { parse, problems, set } from "../helpers";

const STACKS = ["kops-ci", "kops-ci-staging"] as const;

function kops(c: StackConfig): KopsCiSettings {
  if (c.program !== "kops-ci") throw new Error(`wrong program ${c.program}`);
  return c.settings;
}

describe("shipped stacks", () => {
  it.each(STACKS)("%s is valid", (stack) => {
    expect(problems(() => parse(stack))).toEqual([]);
  });

  it("no globally unique name is shared by the two stacks", () => {
    const unique = (s: KopsCiSettings) => {
      const n = kopsNames(s);
      return [
        `gcs:${s.buckets.staging.name}`,
        `gcs:${s.buckets.results.name}`,
        `s3:${s.aws.stateStore.bucket}`,
        `s3:${s.aws.discovery.bucket}`,
        ...n.gcp.poolProjects.map((p) => `project:${p}`),
        // Unique per project/account; distinct so both stacks may share one.
        `pool:${n.gcp.poolId}`,
        ...Object.values(n.gcp.serviceAccountIds).map((id) => `sa:${id}`),
        `role:${n.aws.roleName}`,
        `policy:${n.aws.boundaryName}`,
      ];
    };
    const prod = unique(kops(parse("kops-ci")));
    const staging = unique(kops(parse("kops-ci-staging")));
    expect(new Set(prod).size).toBe(prod.length);
    expect(prod.filter((n) => staging.includes(n))).toEqual([]);
  });

  it("production keeps upstream's bucket names, ages and public staging bucket", () => {
    const s = kops(parse("kops-ci"));
    expect(s.buckets).toEqual({
      // The community bucket exists: adopted, not created; the results bucket was deleted upstream.
      staging: { name: "k8s-staging-kops", publicRead: true, pullsAgeDays: 30, kopsAgeDays: 365, adopt: true },
      results: { name: "k8s-infra-kops-ci-results", ageDays: 90, adopt: false },
    });
  });

  it("defaults: upstream ages, private staging bucket, a session long enough for an e2e run", () => {
    const s = kops(parse("kops-ci-staging", set("buckets", {}), set("aws.sessionDurationSeconds", undefined), (v) => void delete v["ci-infra:markers"]));
    expect(s.buckets.staging).toEqual({ name: "k8s-staging-kops", publicRead: false, pullsAgeDays: 30, kopsAgeDays: 365, adopt: false });
    expect(s.buckets.results.ageDays).toBe(90);
    expect(s.aws.sessionDurationSeconds).toBe(DEFAULT_SESSION_SECONDS);
    expect(DEFAULT_SESSION_SECONDS).toBeGreaterThanOrEqual(3 * 3600);
    expect(DEFAULT_SESSION_SECONDS).toBeLessThanOrEqual(MAX_SESSION_SECONDS);
    expect(s.markers.branches).toEqual(["master"]);
    expect(s.boskos.e2eRoles).toContain("roles/compute.admin");
    expect(s.gcp.location).toBe("US");
    // test-infra's own kOps upgrade jobs: 4 CPU, 6Gi; Prow's pod namespace test-pods.
    expect(s.prow).toEqual({ cluster: "k8s-infra-kops-prow-build-stg", podNamespace: "test-pods", resources: { cpu: "4", memory: "6Gi" } });
  });

  it("keeps numeric ids as strings, whether YAML made them numbers or strings", () => {
    const s = kops(parse("kops-ci-staging", set("gcp.projectNumber", 731904266127), set("aws.accountId", 209476550831)));
    expect(s.gcp.projectNumber).toBe("731904266127");
    expect(s.aws.accountId).toBe("209476550831");
  });
});

const GCS_RULE =
  'must be a GCS bucket name: 3-63 lowercase letters, digits, \'-\' or \'_\', starting and ending with a letter or digit, not starting with "goog" nor containing "google"';
const SUBJECT_RULE = "must be a Kubernetes service-account subject system:serviceaccount:<namespace>:<name>";
const ISSUER_RULE = "must be the https URL of the cluster's token issuer, exactly as in the tokens' iss claim, with no query, fragment or trailing slash";

// One bad value each; the exact line a user sees.
const BAD: [string, ReturnType<typeof set>, string][] = [
  ["uppercase bucket", set("buckets.staging.name", "K8s-Staging"), `ci-infra:buckets.staging.name ${GCS_RULE} (got "K8s-Staging")`],
  ["dotted bucket", set("buckets.results.name", "results.example.org"), `ci-infra:buckets.results.name ${GCS_RULE} (got "results.example.org")`],
  ["reserved bucket prefix", set("buckets.results.name", "goog-results"), `ci-infra:buckets.results.name ${GCS_RULE} (got "goog-results")`],
  ["bucket too short", set("buckets.staging.name", "ab"), `ci-infra:buckets.staging.name ${GCS_RULE} (got "ab")`],
  ["same bucket twice", set("buckets.results.name", "k8s-staging-kops-stg"), 'ci-infra:buckets.results.name must differ from staging.name: the buckets have different writers and public access (got "k8s-staging-kops-stg")'],
  ["public switch not a boolean", set("buckets.staging.publicRead", "yes"), 'ci-infra:buckets.staging.publicRead must be true or false (got "yes")'],
  ["zero-day lifecycle", set("buckets.staging.pullsAgeDays", 0), "ci-infra:buckets.staging.pullsAgeDays must be within 1-3650 (got 0)"],
  ["fractional age", set("buckets.results.ageDays", 1.5), "ci-infra:buckets.results.ageDays must be a whole number (got 1.5)"],
  ["http issuer", set("cluster.issuer", "http://oidc.example.org"), `ci-infra:cluster.issuer ${ISSUER_RULE} (got "http://oidc.example.org")`],
  ["issuer with trailing slash", set("cluster.issuer", "https://oidc.example.org/"), `ci-infra:cluster.issuer ${ISSUER_RULE} (got "https://oidc.example.org/")`],
  ["bare service-account name", set("cluster.jobServiceAccounts", ["kops-e2e"]), `ci-infra:cluster.jobServiceAccounts[0] ${SUBJECT_RULE} (got "kops-e2e")`],
  ["wildcard subject", set("cluster.jobServiceAccounts", ["system:serviceaccount:test-pods:*"]), `ci-infra:cluster.jobServiceAccounts[0] ${SUBJECT_RULE} (got "system:serviceaccount:test-pods:*")`],
  ["no job subject", set("cluster.jobServiceAccounts", []), "ci-infra:cluster.jobServiceAccounts must list at least one service-account subject (got [])"],
  [
    "publisher shared with jobs",
    set("cluster.publisherServiceAccounts", ["system:serviceaccount:test-pods:kops-e2e"]),
    'ci-infra:cluster.publisherServiceAccounts[0] must not also be in jobServiceAccounts: each identity keeps its own service accounts (got "system:serviceaccount:test-pods:kops-e2e")',
  ],
  ["short deployment name", set("name", "k"), 'ci-infra:name must be 3-20 lowercase letters, digits or \'-\', starting with a letter (it prefixes service-account ids of at most 30 characters) (got "k")'],
  ["project id with uppercase", set("gcp.project", "K8s-Infra"), 'ci-infra:gcp.project must be a GCP project id: 6-30 lowercase letters, digits or \'-\', starting with a letter, not ending with \'-\' (got "K8s-Infra")'],
  ["project number with letters", set("gcp.projectNumber", "12ab"), 'ci-infra:gcp.projectNumber must be a project number, 6-20 digits (got "12ab")'],
  ["bad billing account", set("boskos.billingAccount", "0123-4567"), 'ci-infra:boskos.billingAccount must be a billing account id such as 012345-6789AB-CDEF01 (got "0123-4567")'],
  ["no parent", set("boskos.folderId", undefined), "ci-infra:boskos.folderId is required: it or orgId must be set: the pool's projects need a parent (a folder keeps them apart from the rest of the organization)"],
  ["two parents", set("boskos.orgId", "123456789012"), 'ci-infra:boskos.orgId must not be set together with folderId: a project has one parent (got "123456789012")'],
  ["empty pool", set("boskos.count", 0), "ci-infra:boskos.count must be within 1-100 (got 0)"],
  ["project prefix too long", set("boskos.projectPrefix", "kops-e2e-staging-pool-abcde"), 'ci-infra:boskos.projectPrefix must be 4-26 lowercase letters, digits or \'-\', starting with a letter (project ids are <prefix>-<nn>, at most 30 characters) (got "kops-e2e-staging-pool-abcde")'],
  ["primitive role", set("boskos.e2eRoles", ["roles/editor"]), 'ci-infra:boskos.e2eRoles[0] must not be a primitive role (owner, editor, viewer): grant the predefined roles e2e needs (got "roles/editor")'],
  ["not a role", set("boskos.janitorRoles", ["compute.admin"]), 'ci-infra:boskos.janitorRoles[0] must be a predefined role such as roles/compute.admin (got "compute.admin")'],
  ["not an API", set("boskos.apis", ["compute"]), 'ci-infra:boskos.apis[0] must be a service name such as compute.googleapis.com (got "compute")'],
  ["account id too short", set("aws.accountId", "1234"), 'ci-infra:aws.accountId must be a 12-digit AWS account id (got "1234")'],
  ["bad region", set("aws.clusterRegions", ["us-east"]), 'ci-infra:aws.clusterRegions[0] must be an AWS region such as us-east-2 (got "us-east")'],
  ["session over 12 h", set("aws.sessionDurationSeconds", 86400), "ci-infra:aws.sessionDurationSeconds must be within 3600-43200 (got 86400)"],
  ["session under 1 h", set("aws.sessionDurationSeconds", 900), "ci-infra:aws.sessionDurationSeconds must be within 3600-43200 (got 900)"],
  ["dotted S3 bucket", set("aws.stateStore.bucket", "kops.state"), 'ci-infra:aws.stateStore.bucket must be an S3 bucket name: 3-63 lowercase letters, digits or \'-\', starting and ending with a letter or digit, no dots (they break HTTPS virtual-hosted URLs) (got "kops.state")'],
  ["state store public", set("aws.discovery.bucket", "k8s-kops-ci-prow-state-store-stg"), 'ci-infra:aws.discovery.bucket must differ from stateStore.bucket: the discovery bucket is public, the state store holds cluster secrets (got "k8s-kops-ci-prow-state-store-stg")'],
  ["bad hosted zone", set("aws.hostedZoneId", "zone-1"), 'ci-infra:aws.hostedZoneId must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ (got "zone-1")'],
  ["bad branch", set("markers.branches", ["feature/x"]), 'ci-infra:markers.branches[0] must be master, main or release-<major>.<minor> (got "feature/x")'],
  ["typo in a key", set("buckets.staging.publicread", true), "ci-infra:buckets.staging.publicread is not a known key (known keys here: name, publicRead, pullsAgeDays, kopsAgeDays, adopt)"],
  ["zone outside the regions", set("aws.clusterZones", ["us-east-2a", "eu-west-1a"]), 'ci-infra:aws.clusterZones[1] must be a zone of one of clusterRegions (us-east-2): the role\'s EC2 rights stop at those regions (got "eu-west-1a")'],
  ["region as a zone", set("aws.clusterZones", ["us-east-2"]), 'ci-infra:aws.clusterZones[0] must be an availability zone such as us-east-2a (got "us-east-2")'],
  [
    "cluster domain too long for kOps role names",
    set("aws.clusterDomain", "tests-kops-aws-staging.ci.example-project.org"),
    'ci-infra:aws.clusterDomain must be at most 38 characters: kOps truncates role names past 64 (apiservers.e2e-<10 hex>.<domain>), and a truncated name leaves the role\'s IAM scope (got "tests-kops-aws-staging.ci.example-project.org")',
  ],
  ["no build cluster", set("prow.cluster", ""), 'ci-infra:prow.cluster must be a Prow build cluster name: lowercase letters, digits and \'-\', as in Prow\'s kubeconfig contexts (got "")'],
  ["job account outside Prow's namespace", set("prow.podNamespace", "prow-jobs"), 'ci-infra:prow.podNamespace must be the namespace of one of cluster.jobServiceAccounts: Prow runs the job pods there, as that ServiceAccount (got "prow-jobs")'],
  ["job larger than a build node", set("prow.resources.cpu", "8"), 'ci-infra:prow.resources.cpu must be more than 0 and at most 7 CPUs (kubernetes/test-infra job policy: the job must fit an 8-core node) (got "8")'],
  ["memory over the node", set("prow.resources.memory", "32Gi"), 'ci-infra:prow.resources.memory must be more than 0 and at most 27Gi (kubernetes/test-infra job policy: the job must fit a 30G node) (got "32Gi")'],
  [
    "role that grants roles",
    set("boskos.e2eRoles", ["roles/iam.securityAdmin"]),
    'ci-infra:boskos.e2eRoles[0] must not be a role that can grant roles (it carries setIamPolicy: a job holding it can make itself owner of the project) (got "roles/iam.securityAdmin")',
  ],
  [
    "organization-level role",
    set("boskos.janitorRoles", ["roles/orgpolicy.policyAdmin"]),
    'ci-infra:boskos.janitorRoles[0] must not be an organization-level role (organization, folder, org policy, billing): pool identities act on their projects only (got "roles/orgpolicy.policyAdmin")',
  ],
  ["missing issuer", set("cluster.issuer", undefined), "ci-infra:cluster.issuer is required: it must be an https URL"],
];

describe("invalid config", () => {
  it.each(BAD)("%s", (_name, edit, message) => {
    expect(problems(() => parse("kops-ci-staging", edit))).toEqual([message]);
  });

  it("reports every problem at once", () => {
    expect(problems(() => parse("kops-ci-staging", set("boskos.count", 0), set("aws.sessionDurationSeconds", 86400)))).toHaveLength(2);
  });
});
