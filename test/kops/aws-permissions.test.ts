/**
 * The e2e role's AWS permissions, asked as requests kOps makes (issue 11): the calls
 * `kops delete cluster` and `kops create cluster` make for the shapes we test are
 * allowed; writes outside the e2e clusters (another stack's, prod's) are not; the
 * boundary makes a role a job creates useless to anyone but the cluster's machines.
 * Sources of each call are in docs/kops-ci.md ("What kOps calls").
 */
import { describe, expect, it } from "vitest";
import type { KopsCiSettings } from "../../src/config/kops-ci";
import { clusterBoundaryPolicy, PolicyDocument, rolePolicies } from "../../src/kops/aws-policies";
import { kopsNames } from "../../src/kops/names";
import { parse, set } from "../helpers";
import { allows, decide } from "./iam-eval";

const settings = (stack: string, ...edits: Parameters<typeof parse>[1][]) => parse(stack, ...edits).settings as KopsCiSettings;
const prod = settings("kops-ci");
// Staging in the same account as prod: the case the tag scope exists for.
const staging = settings("kops-ci-staging", set("aws.accountId", "768319786644"));
const policiesOf = (s: KopsCiSettings): PolicyDocument[] => Object.values(rolePolicies(s, kopsNames(s)));

const ACCOUNT = "768319786644";
const iamArn = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const CLUSTER = "e2e-1a2b3c4d.tests-kops-aws.k8s.io";
const STG_CLUSTER = "e2e-1a2b3c4d.tests-kops-aws-stg.k8s.io";
const inRegion = (region = "us-east-2", extra: Record<string, string | boolean> = {}) => ({ "aws:RequestedRegion": region, ...extra });
const ownedBy = (cluster: string, region = "us-east-2") => inRegion(region, { "aws:ResourceTag/KubernetesCluster": cluster });

describe("kops delete cluster can run (pkg/resources/aws ListIAMRoles, ListIAMInstanceProfiles, ListIAMOIDCProviders)", () => {
  // kOps reads every role, profile and provider of the account and skips one only
  // on an error code "403"; IAM refuses with AccessDenied, so any refusal stops delete.
  it.each([
    ["iam:ListRoles", "*"],
    ["iam:ListInstanceProfiles", "*"],
    ["iam:ListOpenIDConnectProviders", "*"],
    ["iam:GetRole", iamArn("role", "some-team/unrelated-prod-role")],
    ["iam:GetInstanceProfile", iamArn("instance-profile", "unrelated-profile")],
    ["iam:GetOpenIDConnectProvider", iamArn("oidc-provider", "oidc.eks.us-east-1.amazonaws.com/id/ABC")],
  ])("%s on %s is allowed", (action, resource) => {
    expect(decide(policiesOf(prod), { action, resource })).toBe("allow");
  });

  it("reading is all it may do to roles that are not its clusters'", () => {
    for (const action of ["iam:DeleteRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:DeleteRolePolicy"]) {
      expect(allows(policiesOf(prod), { action, resource: iamArn("role", "unrelated-prod-role") })).toBe(false);
    }
  });

  it("deletes its clusters' roles, profiles and provider", () => {
    const owned = { "aws:ResourceTag/KubernetesCluster": CLUSTER };
    for (const [action, resource] of [
      ["iam:ListRolePolicies", iamArn("role", `nodes.${CLUSTER}`)],
      ["iam:ListAttachedRolePolicies", iamArn("role", `nodes.${CLUSTER}`)],
      ["iam:DeleteRolePolicy", iamArn("role", `nodes.${CLUSTER}`)],
      ["iam:DeleteRole", iamArn("role", `masters.${CLUSTER}`)],
      ["iam:RemoveRoleFromInstanceProfile", iamArn("instance-profile", `nodes.${CLUSTER}`)],
      ["iam:DeleteInstanceProfile", iamArn("instance-profile", `masters.${CLUSTER}`)],
      ["iam:DeleteOpenIDConnectProvider", iamArn("oidc-provider", `k8s-kops-ci-prow-discovery.s3.us-east-2.amazonaws.com/${CLUSTER}`)],
    ]) {
      expect(decide(policiesOf(prod), { action, resource, context: { ...owned, "iam:PermissionsBoundary": iamArn("policy", "ci-infra/kops-ci-kops-cluster-boundary") } }), `${action} ${resource}`).toBe("allow");
    }
  });

  it("deletes leftover ENIs (pkg/resources/aws/eni.go DeleteENI) in the cluster regions only", () => {
    expect(allows(policiesOf(prod), { action: "ec2:DeleteNetworkInterface", resource: "arn:aws:ec2:us-east-2:768319786644:network-interface/eni-1", context: inRegion() })).toBe(true);
    expect(allows(policiesOf(prod), { action: "ec2:DeleteNetworkInterface", resource: "arn:aws:ec2:ap-south-1:768319786644:network-interface/eni-1", context: inRegion("ap-south-1") })).toBe(false);
  });
});

describe("kops create cluster can run", () => {
  const boundary = iamArn("policy", "ci-infra/kops-ci-kops-cluster-boundary");

  it("creates the instance roles and the IRSA roles, also when kOps truncated the name to 64 characters", () => {
    // pkg/model/iam/types.go IAMNameForServiceAccountRole: <sa>.<ns>.sa.<cluster>, truncated with a hash (pkg/truncate).
    const irsa = "aws-cloud-controller-manager.kube-system.sa.e2e-1a2b3c4d.t-k3j9x2";
    for (const name of [`masters.${CLUSTER}`, `nodes.${CLUSTER}`, irsa]) {
      const ctx = { "iam:PermissionsBoundary": boundary, "aws:RequestTag/KubernetesCluster": CLUSTER };
      expect(decide(policiesOf(prod), { action: "iam:CreateRole", resource: iamArn("role", name), context: ctx }), name).toBe("allow");
      expect(decide(policiesOf(prod), { action: "iam:TagRole", resource: iamArn("role", name), context: ctx }), name).toBe("allow");
    }
  });

  it("refuses a role without the boundary, or tagged for a cluster outside its domain", () => {
    expect(allows(policiesOf(prod), { action: "iam:CreateRole", resource: iamArn("role", `nodes.${CLUSTER}`), context: { "aws:RequestTag/KubernetesCluster": CLUSTER } })).toBe(false);
    expect(allows(policiesOf(prod), { action: "iam:CreateRole", resource: iamArn("role", "x.kube-system.sa.other"), context: { "iam:PermissionsBoundary": boundary, "aws:RequestTag/KubernetesCluster": "other.example.org" } })).toBe(false);
  });

  it("attaches load balancers to groups with the classic API (awstasks autoscalinggroup.go AttachLoadBalancers)", () => {
    for (const action of ["autoscaling:AttachLoadBalancers", "autoscaling:DetachLoadBalancers"]) {
      expect(allows(policiesOf(prod), { action, resource: "arn:aws:autoscaling:us-east-2:768319786644:autoScalingGroup:1:autoScalingGroupName/nodes", context: ownedBy(CLUSTER) }), action).toBe(true);
    }
  });

  it("creates what a cluster is made of, in the allowed regions only", () => {
    for (const action of ["ec2:CreateVpc", "ec2:CreateSecurityGroup", "ec2:RunInstances", "elasticloadbalancing:CreateLoadBalancer", "autoscaling:CreateAutoScalingGroup"]) {
      expect(allows(policiesOf(prod), { action, resource: "*", context: inRegion() }), action).toBe(true);
      expect(allows(policiesOf(prod), { action, resource: "*", context: inRegion("ap-south-1") }), action).toBe(false);
    }
  });
});

describe("writes stop at the stack's own clusters (aws:ResourceTag/KubernetesCluster)", () => {
  const writes: [string, string][] = [
    ["ec2:TerminateInstances", "arn:aws:ec2:us-east-2:768319786644:instance/i-1"],
    ["ec2:DeleteVpc", "arn:aws:ec2:us-east-2:768319786644:vpc/vpc-1"],
    ["ec2:DeleteSecurityGroup", "arn:aws:ec2:us-east-2:768319786644:security-group/sg-1"],
    ["ec2:DeleteVolume", "arn:aws:ec2:us-east-2:768319786644:volume/vol-1"],
    ["elasticloadbalancing:DeleteLoadBalancer", "arn:aws:elasticloadbalancing:us-east-2:768319786644:loadbalancer/net/api/1"],
    ["autoscaling:DeleteAutoScalingGroup", "arn:aws:autoscaling:us-east-2:768319786644:autoScalingGroup:1:autoScalingGroupName/nodes"],
  ];

  it.each(writes)("%s: allowed on its own cluster's resource", (action, resource) => {
    expect(decide(policiesOf(staging), { action, resource, context: ownedBy(STG_CLUSTER) })).toBe("allow");
  });

  it.each(writes)("%s: refused on prod's cluster resource and on untagged resources, from the staging role in the same account", (action, resource) => {
    expect(allows(policiesOf(staging), { action, resource, context: ownedBy(CLUSTER) })).toBe(false);
    expect(allows(policiesOf(staging), { action, resource, context: inRegion() })).toBe(false);
  });

  it("tags: only on creation, or on resources already its own, and never re-labels another cluster's resource", () => {
    const sg = "arn:aws:ec2:us-east-2:768319786644:security-group/sg-1";
    expect(allows(policiesOf(staging), { action: "ec2:CreateTags", resource: sg, context: inRegion("us-east-2", { "ec2:CreateAction": "CreateSecurityGroup", "aws:RequestTag/KubernetesCluster": STG_CLUSTER }) })).toBe(true);
    expect(allows(policiesOf(staging), { action: "ec2:CreateTags", resource: sg, context: { ...ownedBy(STG_CLUSTER), "aws:RequestTag/KubernetesCluster": STG_CLUSTER } })).toBe(true);
    expect(allows(policiesOf(staging), { action: "ec2:CreateTags", resource: sg, context: { ...ownedBy(CLUSTER), "aws:RequestTag/KubernetesCluster": STG_CLUSTER } })).toBe(false);
    expect(allows(policiesOf(staging), { action: "ec2:CreateTags", resource: sg, context: { ...inRegion(), "aws:RequestTag/KubernetesCluster": STG_CLUSTER } })).toBe(false);
  });
});

describe("the boundary: a role a job creates is useful to the cluster's machines and pods only", () => {
  const b = (s: KopsCiSettings) => clusterBoundaryPolicy(s);
  const vol = "arn:aws:ec2:us-east-2:768319786644:volume/vol-1";
  const attach = (principal: string, extra: Record<string, string | boolean> = {}) => ({
    action: "ec2:AttachVolume",
    resource: vol,
    context: { ...ownedBy(CLUSTER), "aws:PrincipalArn": iamArn("role", principal), ...extra },
  });

  it("instance roles work from their instances", () => {
    expect(decide(b(prod), attach(`masters.${CLUSTER}`, { "aws:EC2InstanceSourceVPC": "vpc-1" }))).toBe("allow");
  });

  it("the same role assumed from anywhere else (a trust policy changed to another account) gets nothing", () => {
    expect(decide(b(prod), attach(`masters.${CLUSTER}`))).toBe("deny");
  });

  it("IRSA roles (web identity from the cluster's OIDC provider) keep working", () => {
    expect(decide(b(prod), attach("aws-cloud-controller-manager.kube-system.sa.e2e-1a2b3c4d.t-k3j9x2"))).toBe("allow");
  });

  it("grants no IAM and no STS", () => {
    for (const action of ["iam:CreateRole", "iam:PassRole", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]) {
      expect(allows(b(prod), { action, resource: "*", context: { "aws:EC2InstanceSourceVPC": "vpc-1" } }), action).toBe(false);
    }
  });
});
