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

interface Case {
  readonly rule: string;
  readonly pass: PolicyResource[];
  readonly fail: { r: PolicyResource; why: RegExp; cfg?: PolicyConfig }[];
}

const CASES: Case[] = [
  {
    rule: "no-world-ingress",
    pass: [tcpIn("0.0.0.0/0", 80), tcpIn("0.0.0.0/0", 443), tcpIn("198.51.100.0/24", 6443), res(NSG, { direction: "EGRESS", protocol: "all", destination: "0.0.0.0/0" })],
    fail: [
      { r: tcpIn("0.0.0.0/0", 22), why: /TCP port 22 from 0\.0\.0\.0\/0/ },
      { r: allIn("0.0.0.0/0"), why: /all protocols all ports/ },
      { r: res("oci:Core/securityList:SecurityList", { ingressSecurityRules: [{ protocol: "6", source: "0.0.0.0/0", tcpOptions: { min: 22, max: 22 } }] }), why: /port 22/ },
      { r: res("aws:ec2/securityGroup:SecurityGroup", { ingress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }] }), why: /ports 0-65535/ },
      { r: res("gcp:compute/firewall:Firewall", { sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["6443"] }] }), why: /port 6443/ },
    ],
  },
  {
    rule: "nodeports-from-lb-only",
    pass: [fromNsg(30080), tcpIn("10.20.0.0/24", 30443), tcpIn("198.51.100.0/24", 22)],
    fail: [
      { r: tcpIn("198.51.100.0/24", 30080), why: /reaches NodePorts 30000-32767; only the load balancer/ },
      { r: allIn("10.20.1.0/24"), why: /all protocols/ },
      { r: tcpIn("10.20.0.0/24", 30254), cfg: {}, why: /lbSubnetCidrs is not set/ },
    ],
  },
  {
    rule: "admin-ports-from-admin-cidrs",
    pass: [tcpIn("198.51.100.0/24", 6443), tcpIn("198.51.100.7/32", 22), tcpIn("10.20.1.0/24", 22), fromNsg(6443)],
    fail: [
      { r: tcpIn("203.0.113.0/24", 22), why: /includes SSH \(22\)/ },
      { r: tcpIn("10.20.1.0/24", 6443), why: /Kubernetes API \(6443\); only 198\.51\.100\.0\/24 may/ },
      { r: allIn("10.0.0.0/8"), why: /SSH/ },
      { r: tcpIn("198.51.100.0/24", 6443), cfg: { adminCidrs: ["198.51.100.0/24"] }, why: /kubeApiPort is not set/ },
    ],
  },
  {
    rule: "bastion-admin-only",
    pass: [res("oci:Bastion/bastion:Bastion", { clientCidrBlockAllowLists: ["198.51.100.0/24"] })],
    fail: [
      { r: res("oci:Bastion/bastion:Bastion", { clientCidrBlockAllowLists: ["0.0.0.0/0"] }), why: /lets 0\.0\.0\.0\/0 open sessions/ },
      { r: res("oci:Bastion/bastion:Bastion", {}), why: /no clientCidrBlockAllowLists/ },
    ],
  },
  {
    rule: "lb-backend-set-health-checker",
    pass: [healthChecker(), res("oci:LoadBalancer/backendSet:BackendSet", { healthChecker: { protocol: "TCP", port: 6443 } })],
    fail: [
      { r: res("oci:LoadBalancer/backendSet:BackendSet", { name: "x", policy: "ROUND_ROBIN" }), why: /has no healthChecker/ },
      { r: res("oci:LoadBalancer/backendSet:BackendSet", { healthChecker: { protocol: "HTTP" } }), why: /no port/ },
    ],
  },
  {
    rule: "lb-ingress-health-port",
    pass: [healthChecker(), res("oci:LoadBalancer/backendSet:BackendSet", { healthChecker: { protocol: "TCP", port: 6443 } })],
    fail: [
      { r: healthChecker({ port: 30080 }), why: /probes port 30080; the ingress health NodePort is 30254/ },
      { r: healthChecker({ returnCode: 404 }), why: /expects 404/ },
      { r: healthChecker(), cfg: {}, why: /healthNodePort is not set/ },
    ],
  },
  {
    rule: "no-static-credentials",
    pass: [res("aws:iam/role:Role", { assumeRolePolicy: policyDoc("sts:AssumeRoleWithWebIdentity") }), res("gcp:serviceaccount/account:Account", { accountId: "ci" })],
    fail: [
      { r: res("aws:iam/accessKey:AccessKey", { user: "ci" }), why: /access key/ },
      { r: res("aws:iam/user:User", { name: "ci" }), why: /IAM user/ },
      { r: res("aws:iam/userLoginProfile:UserLoginProfile", { user: "ci" }), why: /console password/ },
      { r: res("gcp:serviceaccount/key:Key", { serviceAccountId: "ci" }), why: /key file/ },
    ],
  },
  {
    rule: "no-wildcard-iam-actions",
    pass: [res("aws:iam/policy:Policy", { policy: policyDoc(["ec2:Describe*", "s3:GetObject"]) }), res("aws:iam/policy:Policy", { policy: JSON.stringify({ Statement: { Effect: "Deny", Action: "*", Resource: "*" } }) })],
    fail: [
      { r: res("aws:iam/policy:Policy", { policy: policyDoc("*") }), why: /allows action "\*"/ },
      { r: res("aws:iam/rolePolicy:RolePolicy", { policy: JSON.parse(policyDoc(["s3:GetObject", "iam:*"])) }), why: /"iam:\*"/ },
      { r: res("aws:iam/role:Role", { assumeRolePolicy: policyDoc("sts:AssumeRole"), inlinePolicies: [{ name: "x", policy: policyDoc(undefined, { NotAction: "iam:*" }) }] }), why: /NotAction/ },
    ],
  },
  {
    rule: "iam-service-wildcards",
    pass: [res("aws:iam/policy:Policy", { policy: policyDoc(["ec2:RunInstances"]) })],
    fail: [{ r: res("aws:iam/policy:Policy", { policy: policyDoc(["ec2:*"]) }), why: /"ec2:\*"/ }],
  },
  {
    rule: "no-admin-managed-policies",
    pass: [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "ci", policyArn: "arn:aws:iam::123456789012:policy/kops-e2e" })],
    fail: [
      { r: res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "ci", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }), why: /AdministratorAccess/ },
      { r: res("aws:iam/role:Role", { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }), why: /IAMFullAccess/ },
    ],
  },
  {
    rule: "no-gcp-primitive-roles",
    pass: [res("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/compute.admin", member: "serviceAccount:ci@p.iam.gserviceaccount.com" })],
    fail: [
      { r: res("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/editor", member: "serviceAccount:ci@p" }), why: /roles\/editor/ },
      { r: res("gcp:storage/bucketIAMBinding:BucketIAMBinding", { bucket: "b", role: "roles/owner", members: ["user:a@b"] }), why: /roles\/owner/ },
      { r: res("gcp:folder/iAMPolicy:IAMPolicy", { folder: "f", policyData: JSON.stringify({ bindings: [{ role: "roles/viewer", members: ["group:x"] }] }) }), why: /roles\/viewer/ },
    ],
  },
  {
    rule: "no-project-storage-roles",
    pass: [
      res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "b", role: "roles/storage.objectAdmin", member: "serviceAccount:ci@p" }),
      // A Boskos pool project is wiped between tests: project-wide storage is what e2e needs there.
      res("gcp:projects/iAMMember:IAMMember", { project: "kops-e2e-01", role: "roles/storage.admin", member: "serviceAccount:ci@p" }),
    ],
    fail: [{ r: res("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/storage.admin", member: "serviceAccount:ci@p" }), why: /roles\/storage\.admin on a whole project/ }],
  },
  {
    rule: "bucket-uniform-access",
    pass: [res("gcp:storage/bucket:Bucket", { name: "b", uniformBucketLevelAccess: true }), res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { bucket: "b", rule: { objectOwnership: "BucketOwnerEnforced" } })],
    fail: [
      { r: res("gcp:storage/bucket:Bucket", { name: "b" }), why: /uniformBucketLevelAccess/ },
      { r: res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { bucket: "b", rule: { objectOwnership: "ObjectWriter" } }), why: /ObjectWriter/ },
      { r: res("aws:s3/bucketAcl:BucketAcl", { bucket: "b", acl: "private" }), why: /S3 ACL/ },
    ],
  },
  {
    rule: "bucket-not-public",
    pass: [
      res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "k8s-staging-kops", role: "roles/storage.objectViewer", member: "allUsers" }),
      res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "results", role: "roles/storage.objectViewer", member: "group:ci@example.org" }),
      res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "state", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
      res("oci:ObjectStorage/bucket:Bucket", { name: "backups", accessType: "NoPublicAccess" }),
    ],
    fail: [
      { r: res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "results", role: "roles/storage.objectViewer", member: "allUsers" }), why: /to allUsers, making bucket results public/ },
      { r: res("aws:s3/bucketPolicy:BucketPolicy", { bucket: "state", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] }) }), why: /Principal "\*"/ },
      { r: res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "state", blockPublicAcls: true }), why: /blockPublicPolicy/ },
      { r: res("oci:ObjectStorage/bucket:Bucket", { name: "backups", accessType: "ObjectRead" }), why: /accessType ObjectRead/ },
      { r: res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "k8s-staging-kops", member: "allUsers" }), cfg: {}, why: /not in publicBuckets/ },
    ],
  },
  {
    rule: "gcs-public-access-prevention",
    pass: [res("gcp:storage/bucket:Bucket", { name: "results", publicAccessPrevention: "enforced" }), res("gcp:storage/bucket:Bucket", { name: "k8s-staging-kops", publicAccessPrevention: "inherited" })],
    fail: [{ r: res("gcp:storage/bucket:Bucket", { name: "results" }), why: /not "enforced"/ }],
  },
  {
    rule: "stateful-protected",
    pass: [
      res("gcp:storage/bucket:Bucket", { name: "b" }, { protect: true }),
      res("kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "jenkins-home" } }, { retainOnDelete: true }),
      res("kubernetes:core/v1:PersistentVolume", { spec: { persistentVolumeReclaimPolicy: "Retain" } }),
    ],
    fail: [
      { r: res("kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "grafana" } }), why: /persistent volume claim with neither protect nor retainOnDelete: destroying/ },
      { r: res("oci:ObjectStorage/bucket:Bucket", { name: "backups" }, { retainOnDelete: undefined }), why: /not visible to CrossGuard/ },
    ],
  },
  {
    rule: "helm-release-data",
    pass: [
      res("kubernetes:helm.sh/v3:Release", { chart: "jenkins", version: "5.9.53", values: { persistence: { existingClaim: "jenkins-home" } } }),
      res("kubernetes:helm.sh/v3:Release", { chart: "grafana", version: "12.11.1", values: {} }),
    ],
    fail: [{ r: res("kubernetes:helm.sh/v3:Release", { chart: "jenkins", version: "5.9.53", values: {} }), why: /chart jenkins creates its own PVC/ }],
  },
  {
    rule: "helm-chart-pinned",
    pass: [res("kubernetes:helm.sh/v3:Release", { chart: "traefik", version: "41.3.0" }), res("kubernetes:helm.sh/v3:Release", { chart: "cert-manager", version: "v1.21.1" })],
    fail: [
      { r: res("kubernetes:helm.sh/v3:Release", { chart: "traefik" }), why: /without a version/ },
      { r: res("kubernetes:helm.sh/v3:Release", { chart: "traefik", version: "^41.0.0" }), why: /not an exact version/ },
      { r: res("kubernetes:helm.sh/v4:Chart", { chart: "traefik", version: "latest" }), why: /"latest"/ },
    ],
  },
  {
    rule: "image-pinned",
    pass: [
      res("kubernetes:apps/v1:Deployment", pod("longhornio/github-bot:v0.3.1")),
      res("kubernetes:apps/v1:Deployment", pod("registry.example.org:5000/bot@sha256:0f3c")),
      res("kubernetes:helm.sh/v3:Release", { chart: "grafana", version: "12.11.1", values: { image: { repository: "grafana/grafana", tag: "" } } }),
    ],
    fail: [
      { r: res("kubernetes:apps/v1:Deployment", pod("longhornio/github-bot")), why: /has no tag/ },
      { r: res("kubernetes:apps/v1:Deployment", pod("registry.example.org:5000/bot")), why: /has no tag/ },
      { r: res("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: "busybox:latest" }] } } } } } }), why: /floating tag "latest"/ },
      { r: res("kubernetes:helm.sh/v3:Release", { chart: "jenkins", version: "5.9.53", values: { agent: { image: { repository: "jenkins/inbound-agent", tag: "nightly" } } } }), why: /inbound-agent:nightly/ },
    ],
  },
  {
    rule: "image-tag-precise",
    pass: [res("kubernetes:apps/v1:Deployment", pod("busybox:1.36.1"))],
    fail: [{ r: res("kubernetes:apps/v1:Deployment", pod("busybox:1.36")), why: /only a release line/ }],
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

  it("covers every rule family", () => {
    const families: readonly Rule[][] = [NETWORK_RULES, LOAD_BALANCER_RULES, CREDENTIAL_RULES, BUCKET_RULES, STATEFUL_RULES, VERSION_RULES].map((f) => [...f]);
    expect(families.flat()).toHaveLength(RULES.length);
    expect(families.every((f) => f.some((r) => r.enforcement === "mandatory"))).toBe(true);
  });

  describe.each(CASES)("$rule", ({ rule, pass, fail }) => {
    const r = byName.get(rule)!;
    it.each(pass.map((p, i) => [i, p] as const))("passes resource %i", (_, p) => {
      expect(evaluate([p], CFG, [r])).toEqual([]);
    });
    it.each(fail.map((f, i) => [i, f] as const))("fails resource %i with a reason", (_, f) => {
      const v = evaluate([f.r], f.cfg ?? CFG, [r]);
      expect(v.length).toBeGreaterThan(0);
      expect(v[0]).toMatchObject({ rule, enforcement: r.enforcement, resource: f.r.name, type: f.r.type });
      expect(v.map((x) => x.why).join("\n")).toMatch(f.why);
    });
  });
});
