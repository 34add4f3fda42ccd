/**
 * Every rule with at least one resource that passes and one that fails, built by
 * hand in the shape the engine hands to the rule (type token + inputs).
 */
import { describe, expect, it } from "vitest";
import { evaluate, PolicyConfig, PolicyResource, Rule, RULES } from "../../src/policy";
import { BUCKET_RULES } from "../../src/policy/buckets";
import { CREDENTIAL_RULES } from "../../src/policy/credentials";
import { LOAD_BALANCER_RULES } from "../../src/policy/load-balancer";
import { NETWORK_RULES } from "../../src/policy/network";
import { STATEFUL_RULES } from "../../src/policy/stateful";
import { VERSION_RULES } from "../../src/policy/versions";

const CFG: PolicyConfig = {
  adminCidrs: ["198.51.100.0/24"],
  bastionCidrs: ["10.20.1.0/24"],
  lbSubnetCidrs: ["10.20.0.0/24"],
  kubeApiPort: 6443,
  healthNodePort: 30254,
  publicBuckets: ["k8s-staging-kops"],
  disposableProjects: ["kops-e2e-01"],
};

const res = (type: string, inputs: Record<string, unknown>, opts: Partial<PolicyResource> = {}): PolicyResource => ({ type, name: opts.name ?? "r", inputs, protect: false, retainOnDelete: false, ...opts });
const NSG = "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule";
const tcpIn = (source: string, port: number, extra: Record<string, unknown> = {}) =>
  res(NSG, { direction: "INGRESS", protocol: "6", source, sourceType: "CIDR_BLOCK", tcpOptions: { destinationPortRange: { min: port, max: port } }, ...extra });
const allIn = (source: string) => res(NSG, { direction: "INGRESS", protocol: "all", source, sourceType: "CIDR_BLOCK" });
const fromNsg = (port: number) => res(NSG, { direction: "INGRESS", protocol: "6", source: "ocid1.nsg.lb", sourceType: "NETWORK_SECURITY_GROUP", tcpOptions: { destinationPortRange: { min: port, max: port } } });
const healthChecker = (over: Record<string, unknown> = {}) => res("oci:LoadBalancer/backendSet:BackendSet", { name: "ingress-http", healthChecker: { protocol: "HTTP", port: 30254, urlPath: "/ping", returnCode: 200, ...over } });
const policyDoc = (Action: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource: "*", ...extra }] });
const pod = (image: string) => ({ spec: { template: { spec: { containers: [{ name: "c", image }] } } } });

/** A rule's cases, each named by what it shows: `[what, resource]` passes; `{ what, r, why }` is refused for `why`. */
interface Case {
  readonly rule: string;
  readonly pass: (readonly [what: string, r: PolicyResource])[];
  readonly fail: { what: string; r: PolicyResource; why: RegExp; cfg?: PolicyConfig }[];
}

const CASES: Case[] = [
  {
    rule: "no-world-ingress",
    pass: [
      ["HTTP 80 from anywhere", tcpIn("0.0.0.0/0", 80)],
      ["HTTPS 443 from anywhere", tcpIn("0.0.0.0/0", 443)],
      ["the API port from the admin range", tcpIn("198.51.100.0/24", 6443)],
      ["egress to anywhere", res(NSG, { direction: "EGRESS", protocol: "all", destination: "0.0.0.0/0" })],
    ],
    fail: [
      { what: "SSH from anywhere on an NSG rule", r: tcpIn("0.0.0.0/0", 22), why: /TCP port 22 from 0\.0\.0\.0\/0/ },
      { what: "all protocols from anywhere", r: allIn("0.0.0.0/0"), why: /all protocols all ports/ },
      { what: "SSH from anywhere on a security list", r: res("oci:Core/securityList:SecurityList", { ingressSecurityRules: [{ protocol: "6", source: "0.0.0.0/0", tcpOptions: { min: 22, max: 22 } }] }), why: /port 22/ },
      { what: "every TCP port from anywhere on an AWS security group", r: res("aws:ec2/securityGroup:SecurityGroup", { ingress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }] }), why: /ports 0-65535/ },
      { what: "the API port from anywhere on a GCP firewall", r: res("gcp:compute/firewall:Firewall", { sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["6443"] }] }), why: /port 6443/ },
    ],
  },
  {
    rule: "nodeports-from-lb-only",
    pass: [
      ["a NodePort from the load balancer's NSG", fromNsg(30080)],
      ["a NodePort from the LB subnet", tcpIn("10.20.0.0/24", 30443)],
      ["a non-NodePort port from the admin range", tcpIn("198.51.100.0/24", 22)],
    ],
    fail: [
      { what: "a NodePort from the admin range", r: tcpIn("198.51.100.0/24", 30080), why: /reaches NodePorts 30000-32767; only the load balancer/ },
      { what: "all protocols from the node subnet", r: allIn("10.20.1.0/24"), why: /all protocols/ },
      { what: "no lbSubnetCidrs configured to judge by", r: tcpIn("10.20.0.0/24", 30254), cfg: {}, why: /lbSubnetCidrs is not set/ },
    ],
  },
  {
    rule: "admin-ports-from-admin-cidrs",
    pass: [
      ["the API from the admin range", tcpIn("198.51.100.0/24", 6443)],
      ["SSH from one admin address", tcpIn("198.51.100.7/32", 22)],
      ["SSH from the bastion subnet", tcpIn("10.20.1.0/24", 22)],
      ["the API from the load balancer's NSG", fromNsg(6443)],
    ],
    fail: [
      { what: "SSH from outside the admin range", r: tcpIn("203.0.113.0/24", 22), why: /includes SSH \(22\)/ },
      { what: "the API from the bastion subnet", r: tcpIn("10.20.1.0/24", 6443), why: /Kubernetes API \(6443\); only 198\.51\.100\.0\/24 may/ },
      { what: "all protocols (SSH included) from 10/8", r: allIn("10.0.0.0/8"), why: /SSH/ },
      { what: "no kubeApiPort configured to judge by", r: tcpIn("198.51.100.0/24", 6443), cfg: { adminCidrs: ["198.51.100.0/24"] }, why: /kubeApiPort is not set/ },
    ],
  },
  {
    rule: "bastion-admin-only",
    pass: [
      ["a bastion for the admin range", res("oci:Bastion/bastion:Bastion", { clientCidrBlockAllowLists: ["198.51.100.0/24"] })],
    ],
    fail: [
      { what: "a bastion open to anywhere", r: res("oci:Bastion/bastion:Bastion", { clientCidrBlockAllowLists: ["0.0.0.0/0"] }), why: /lets 0\.0\.0\.0\/0 open sessions/ },
      { what: "a bastion with no allow list", r: res("oci:Bastion/bastion:Bastion", {}), why: /no clientCidrBlockAllowLists/ },
    ],
  },
  {
    rule: "lb-backend-set-health-checker",
    pass: [
      ["an HTTP check on the health NodePort", healthChecker()],
      ["a TCP check on the API port", res("oci:LoadBalancer/backendSet:BackendSet", { healthChecker: { protocol: "TCP", port: 6443 } })],
    ],
    fail: [
      { what: "a backend set with no health checker", r: res("oci:LoadBalancer/backendSet:BackendSet", { name: "x", policy: "ROUND_ROBIN" }), why: /has no healthChecker/ },
      { what: "a health checker with no port", r: res("oci:LoadBalancer/backendSet:BackendSet", { healthChecker: { protocol: "HTTP" } }), why: /no port/ },
    ],
  },
  {
    rule: "lb-ingress-health-port",
    pass: [
      ["an HTTP check on the health NodePort", healthChecker()],
      ["a TCP check on the API port", res("oci:LoadBalancer/backendSet:BackendSet", { healthChecker: { protocol: "TCP", port: 6443 } })],
    ],
    fail: [
      { what: "an HTTP check on the traffic NodePort", r: healthChecker({ port: 30080 }), why: /probes port 30080; the ingress health NodePort is 30254/ },
      { what: "an HTTP check expecting 404", r: healthChecker({ returnCode: 404 }), why: /expects 404/ },
      { what: "no healthNodePort configured to judge by", r: healthChecker(), cfg: {}, why: /healthNodePort is not set/ },
    ],
  },
  {
    rule: "no-static-credentials",
    pass: [
      ["an AWS role assumed by web identity", res("aws:iam/role:Role", { assumeRolePolicy: policyDoc("sts:AssumeRoleWithWebIdentity") })],
      ["a GCP service account without a key", res("gcp:serviceaccount/account:Account", { accountId: "ci" })],
    ],
    fail: [
      { what: "an AWS access key", r: res("aws:iam/accessKey:AccessKey", { user: "ci" }), why: /access key/ },
      { what: "an AWS IAM user", r: res("aws:iam/user:User", { name: "ci" }), why: /IAM user/ },
      { what: "an AWS console password", r: res("aws:iam/userLoginProfile:UserLoginProfile", { user: "ci" }), why: /console password/ },
      { what: "a GCP service account key", r: res("gcp:serviceaccount/key:Key", { serviceAccountId: "ci" }), why: /key file/ },
    ],
  },
  {
    rule: "no-wildcard-iam-actions",
    pass: [
      ["prefix wildcards and exact actions", res("aws:iam/policy:Policy", { policy: policyDoc(["ec2:Describe*", "s3:GetObject"]) })],
      ["a Deny of every action", res("aws:iam/policy:Policy", { policy: JSON.stringify({ Statement: { Effect: "Deny", Action: "*", Resource: "*" } }) })],
    ],
    fail: [
      { what: "Allow of every action", r: res("aws:iam/policy:Policy", { policy: policyDoc("*") }), why: /allows action "\*"/ },
      { what: "iam:* in a role policy", r: res("aws:iam/rolePolicy:RolePolicy", { policy: JSON.parse(policyDoc(["s3:GetObject", "iam:*"])) }), why: /"iam:\*"/ },
      { what: "NotAction in an inline role policy", r: res("aws:iam/role:Role", { assumeRolePolicy: policyDoc("sts:AssumeRole"), inlinePolicies: [{ name: "x", policy: policyDoc(undefined, { NotAction: "iam:*" }) }] }), why: /NotAction/ },
    ],
  },
  {
    rule: "iam-service-wildcards",
    pass: [
      ["one exact EC2 action", res("aws:iam/policy:Policy", { policy: policyDoc(["ec2:RunInstances"]) })],
    ],
    fail: [
      { what: "every EC2 action", r: res("aws:iam/policy:Policy", { policy: policyDoc(["ec2:*"]) }), why: /"ec2:\*"/ },
    ],
  },
  {
    rule: "no-admin-managed-policies",
    pass: [
      ["a customer policy attached to a role", res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "ci", policyArn: "arn:aws:iam::123456789012:policy/kops-e2e" })],
    ],
    fail: [
      { what: "AdministratorAccess attached to a role", r: res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "ci", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }), why: /AdministratorAccess/ },
      { what: "IAMFullAccess in a role's managed policies", r: res("aws:iam/role:Role", { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }), why: /IAMFullAccess/ },
    ],
  },
  {
    rule: "no-gcp-primitive-roles",
    pass: [
      ["a predefined role on a project", res("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/compute.admin", member: "serviceAccount:ci@p.iam.gserviceaccount.com" })],
    ],
    fail: [
      { what: "roles/editor on a project", r: res("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/editor", member: "serviceAccount:ci@p" }), why: /roles\/editor/ },
      { what: "roles/owner on a bucket", r: res("gcp:storage/bucketIAMBinding:BucketIAMBinding", { bucket: "b", role: "roles/owner", members: ["user:a@b"] }), why: /roles\/owner/ },
      { what: "roles/viewer in a folder policy", r: res("gcp:folder/iAMPolicy:IAMPolicy", { folder: "f", policyData: JSON.stringify({ bindings: [{ role: "roles/viewer", members: ["group:x"] }] }) }), why: /roles\/viewer/ },
    ],
  },
  {
    rule: "no-project-storage-roles",
    pass: [
      ["a storage role on one bucket", res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "b", role: "roles/storage.objectAdmin", member: "serviceAccount:ci@p" })],
      // A Boskos pool project is wiped between tests: project-wide storage is what e2e needs there.
      ["project-wide storage in a Boskos pool project", res("gcp:projects/iAMMember:IAMMember", { project: "kops-e2e-01", role: "roles/storage.admin", member: "serviceAccount:ci@p" })],
    ],
    fail: [
      { what: "project-wide storage.admin outside the pool", r: res("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/storage.admin", member: "serviceAccount:ci@p" }), why: /roles\/storage\.admin on a whole project/ },
    ],
  },
  {
    rule: "bucket-uniform-access",
    pass: [
      ["a GCS bucket with uniform access", res("gcp:storage/bucket:Bucket", { name: "b", uniformBucketLevelAccess: true })],
      ["an S3 bucket with owner-enforced objects", res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { bucket: "b", rule: { objectOwnership: "BucketOwnerEnforced" } })],
    ],
    fail: [
      { what: "a GCS bucket without uniform access", r: res("gcp:storage/bucket:Bucket", { name: "b" }), why: /uniformBucketLevelAccess/ },
      { what: "an S3 bucket whose writer owns objects", r: res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { bucket: "b", rule: { objectOwnership: "ObjectWriter" } }), why: /ObjectWriter/ },
      { what: "an S3 ACL", r: res("aws:s3/bucketAcl:BucketAcl", { bucket: "b", acl: "private" }), why: /S3 ACL/ },
    ],
  },
  {
    rule: "bucket-not-public",
    pass: [
      ["allUsers on a bucket listed in publicBuckets", res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "k8s-staging-kops", role: "roles/storage.objectViewer", member: "allUsers" })],
      ["a group on a private bucket", res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "results", role: "roles/storage.objectViewer", member: "group:ci@example.org" })],
      ["an S3 bucket blocking every public path", res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "state", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true })],
      ["an OCI bucket with no public access", res("oci:ObjectStorage/bucket:Bucket", { name: "backups", accessType: "NoPublicAccess" })],
    ],
    fail: [
      { what: "allUsers on a bucket not listed", r: res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "results", role: "roles/storage.objectViewer", member: "allUsers" }), why: /to allUsers, making bucket results public/ },
      { what: "an S3 policy for Principal *", r: res("aws:s3/bucketPolicy:BucketPolicy", { bucket: "state", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] }) }), why: /Principal "\*"/ },
      { what: "an S3 public access block that leaves policies open", r: res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "state", blockPublicAcls: true }), why: /blockPublicPolicy/ },
      { what: "an OCI bucket readable by anyone", r: res("oci:ObjectStorage/bucket:Bucket", { name: "backups", accessType: "ObjectRead" }), why: /accessType ObjectRead/ },
      { what: "no publicBuckets configured to judge by", r: res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "k8s-staging-kops", member: "allUsers" }), cfg: {}, why: /not in publicBuckets/ },
    ],
  },
  {
    rule: "gcs-public-access-prevention",
    pass: [
      ["a private bucket with prevention enforced", res("gcp:storage/bucket:Bucket", { name: "results", publicAccessPrevention: "enforced" })],
      ["the listed public bucket inheriting", res("gcp:storage/bucket:Bucket", { name: "k8s-staging-kops", publicAccessPrevention: "inherited" })],
    ],
    fail: [
      { what: "a private bucket without enforced prevention", r: res("gcp:storage/bucket:Bucket", { name: "results" }), why: /not "enforced"/ },
    ],
  },
  {
    rule: "stateful-protected",
    pass: [
      ["a protected bucket", res("gcp:storage/bucket:Bucket", { name: "b" }, { protect: true })],
      ["a claim retained on delete", res("kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "jenkins-home" } }, { retainOnDelete: true })],
      ["a volume with the Retain reclaim policy", res("kubernetes:core/v1:PersistentVolume", { spec: { persistentVolumeReclaimPolicy: "Retain" } })],
    ],
    fail: [
      { what: "a claim neither protected nor retained", r: res("kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "grafana" } }), why: /persistent volume claim with neither protect nor retainOnDelete: destroying/ },
      { what: "retainOnDelete not visible to CrossGuard", r: res("oci:ObjectStorage/bucket:Bucket", { name: "backups" }, { retainOnDelete: undefined }), why: /not visible to CrossGuard/ },
    ],
  },
  {
    rule: "helm-release-data",
    pass: [
      ["Jenkins on an existing claim", res("kubernetes:helm.sh/v3:Release", { chart: "jenkins", version: "5.9.53", values: { persistence: { existingClaim: "jenkins-home" } } })],
      ["a chart without its own PVC", res("kubernetes:helm.sh/v3:Release", { chart: "grafana", version: "12.11.1", values: {} })],
    ],
    fail: [
      { what: "Jenkins creating its own PVC", r: res("kubernetes:helm.sh/v3:Release", { chart: "jenkins", version: "5.9.53", values: {} }), why: /chart jenkins creates its own PVC/ },
    ],
  },
  {
    rule: "helm-chart-pinned",
    pass: [
      ["an exact chart version", res("kubernetes:helm.sh/v3:Release", { chart: "traefik", version: "41.3.0" })],
      ["an exact v-prefixed version", res("kubernetes:helm.sh/v3:Release", { chart: "cert-manager", version: "v1.21.1" })],
    ],
    fail: [
      { what: "no version", r: res("kubernetes:helm.sh/v3:Release", { chart: "traefik" }), why: /without a version/ },
      { what: "a semver range", r: res("kubernetes:helm.sh/v3:Release", { chart: "traefik", version: "^41.0.0" }), why: /not an exact version/ },
      { what: "latest", r: res("kubernetes:helm.sh/v4:Chart", { chart: "traefik", version: "latest" }), why: /"latest"/ },
    ],
  },
  {
    rule: "image-pinned",
    pass: [
      ["a tagged image", res("kubernetes:apps/v1:Deployment", pod("longhornio/github-bot:v0.3.1"))],
      ["a digest on a registry with a port", res("kubernetes:apps/v1:Deployment", pod("registry.example.org:5000/bot@sha256:0f3c"))],
      ["a chart image left to the chart's pinned tag", res("kubernetes:helm.sh/v3:Release", { chart: "grafana", version: "12.11.1", values: { image: { repository: "grafana/grafana", tag: "" } } })],
    ],
    fail: [
      { what: "no tag", r: res("kubernetes:apps/v1:Deployment", pod("longhornio/github-bot")), why: /has no tag/ },
      { what: "no tag on a registry with a port", r: res("kubernetes:apps/v1:Deployment", pod("registry.example.org:5000/bot")), why: /has no tag/ },
      { what: "latest in a CronJob", r: res("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: "busybox:latest" }] } } } } } }), why: /floating tag "latest"/ },
      { what: "a moving tag in chart values", r: res("kubernetes:helm.sh/v3:Release", { chart: "jenkins", version: "5.9.53", values: { agent: { image: { repository: "jenkins/inbound-agent", tag: "nightly" } } } }), why: /inbound-agent:nightly/ },
    ],
  },
  {
    rule: "image-tag-precise",
    pass: [
      ["a full patch version", res("kubernetes:apps/v1:Deployment", pod("busybox:1.36.1"))],
    ],
    fail: [
      { what: "a minor release line", r: res("kubernetes:apps/v1:Deployment", pod("busybox:1.36")), why: /only a release line/ },
    ],
  },
];

const byName = new Map(RULES.map((r) => [r.name, r]));

describe("policy rules", () => {
  it("every rule has a case, a description, an exception path, and a unique name", () => {
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    expect(CASES.map((c) => c.rule).sort()).toEqual(RULES.map((r) => r.name).sort());
    for (const r of RULES) {
      expect(r.description.length, r.name).toBeGreaterThan(40);
      expect(r.exception.length, r.name).toBeGreaterThan(10);
      expect(["mandatory", "advisory"]).toContain(r.enforcement);
    }
  });

  it("the pack enforces every family's rules, each family with at least one mandatory rule", () => {
    // Written out, not derived from RULES: a family left out of the pack, or a rule
    // left out of its family, shows here.
    const families: Record<string, [readonly Rule[], string[]]> = {
      network: [NETWORK_RULES, ["no-world-ingress", "nodeports-from-lb-only", "admin-ports-from-admin-cidrs", "bastion-admin-only"]],
      "load balancer": [LOAD_BALANCER_RULES, ["lb-backend-set-health-checker", "lb-ingress-health-port"]],
      credentials: [CREDENTIAL_RULES, ["no-static-credentials", "no-wildcard-iam-actions", "iam-service-wildcards", "no-admin-managed-policies", "no-gcp-primitive-roles", "no-project-storage-roles"]],
      buckets: [BUCKET_RULES, ["bucket-uniform-access", "bucket-not-public", "gcs-public-access-prevention"]],
      stateful: [STATEFUL_RULES, ["stateful-protected", "helm-release-data"]],
      versions: [VERSION_RULES, ["helm-chart-pinned", "image-pinned", "image-tag-precise"]],
    };
    const inPack = new Set(RULES.map((r) => r.name));
    for (const [family, [rules, names]] of Object.entries(families)) {
      expect(rules.map((r) => r.name), family).toEqual(names);
      for (const name of names) expect(inPack.has(name), `${family}: ${name}`).toBe(true);
      expect(rules.some((r) => r.enforcement === "mandatory"), family).toBe(true);
    }
    expect(RULES).toHaveLength(Object.values(families).reduce((n, [, names]) => n + names.length, 0));
  });

  describe.each(CASES)("$rule", ({ rule, pass, fail }) => {
    const r = byName.get(rule)!;
    it.each(pass)("allows %s", (_, p) => {
      expect(evaluate([p], CFG, [r])).toEqual([]);
    });
    it.each(fail.map((f) => [f.what, f] as const))("refuses %s, saying why", (_, f) => {
      const v = evaluate([f.r], f.cfg ?? CFG, [r]);
      expect(v.length).toBeGreaterThan(0);
      expect(v[0]).toMatchObject({ rule, enforcement: r.enforcement, resource: f.r.name, type: f.r.type });
      expect(v.map((x) => x.why).join("\n")).toMatch(f.why);
    });
  });
});
