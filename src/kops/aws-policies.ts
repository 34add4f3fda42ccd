/**
 * The AWS policy documents of kops-ci, as pure functions of config: the e2e
 * role's trust policy, the scoped policies that replace the AdministratorAccess
 * upstream jobs ran with (BRIEF §2), the permissions boundary every role kOps
 * creates must carry, and the two bucket policies. Tested without mocks.
 *
 * kOps documents its needs only as the EC2, Route53, S3, IAM, VPC, SQS and
 * EventBridge *FullAccess managed policies (BRIEF §5); the lists here are what
 * `kops create/update/delete cluster` and the e2e log dump call, each limited to
 * the resources an e2e cluster owns.
 */
import type { KopsCiSettings } from "../config/kops-ci";
import { AWS_AUDIENCE, KopsNames } from "./names";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: Record<string, string | string[]> | "*";
  readonly Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

/** Managed-policy size quota, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Only the named Kubernetes service accounts of the CI cluster, with tokens minted
 * for STS, may assume the role, and only through web identity (no other action,
 * so no role chaining from elsewhere).
 */
export function trustPolicy(names: KopsNames, subjects: readonly string[]): PolicyDocument {
  const hp = names.aws.issuerHostPath;
  return doc({
    Sid: "CiJobServiceAccounts",
    Effect: "Allow",
    Principal: { Federated: names.aws.oidcProviderArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: { StringEquals: { [`${hp}:aud`]: AWS_AUDIENCE, [`${hp}:sub`]: [...subjects] } },
  });
}

const inRegions = (s: KopsCiSettings) => ({ StringEquals: { "aws:RequestedRegion": [...s.aws.clusterRegions] } });

const EC2_READ = ["ec2:Describe*", "ec2:GetConsoleOutput", "ec2:GetLaunchTemplateData"];
const EC2_NETWORK = [
  "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:AssociateVpcCidrBlock", "ec2:DisassociateVpcCidrBlock",
  "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
  "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
  "ec2:CreateEgressOnlyInternetGateway", "ec2:DeleteEgressOnlyInternetGateway",
  "ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:AssociateAddress", "ec2:DisassociateAddress",
  "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation",
  "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
  "ec2:CreateDhcpOptions", "ec2:DeleteDhcpOptions", "ec2:AssociateDhcpOptions",
  "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
  "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
  "ec2:CreateTags", "ec2:DeleteTags",
];
const EC2_INSTANCES = [
  "ec2:RunInstances", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute",
  "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:DeleteLaunchTemplateVersions",
  "ec2:ImportKeyPair", "ec2:DeleteKeyPair",
  "ec2:CreateVolume", "ec2:DeleteVolume", "ec2:AttachVolume", "ec2:DetachVolume",
];
const LOAD_BALANCING = [
  "elasticloadbalancing:Describe*",
  "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
  "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
  // Classic load balancers: what the AWS cloud provider creates for Services, and `kops delete cluster` removes.
  "elasticloadbalancing:ConfigureHealthCheck", "elasticloadbalancing:CreateLoadBalancerListeners", "elasticloadbalancing:DeleteLoadBalancerListeners",
  "elasticloadbalancing:RegisterInstancesWithLoadBalancer", "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
  "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer", "elasticloadbalancing:AttachLoadBalancerToSubnets", "elasticloadbalancing:DetachLoadBalancerFromSubnets",
  "elasticloadbalancing:CreateLoadBalancerPolicy", "elasticloadbalancing:SetLoadBalancerPoliciesOfListener", "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
];
const AUTOSCALING = [
  "autoscaling:Describe*",
  "autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup", "autoscaling:DeleteAutoScalingGroup",
  "autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags",
  "autoscaling:AttachLoadBalancerTargetGroups", "autoscaling:DetachLoadBalancerTargetGroups",
  "autoscaling:PutLifecycleHook", "autoscaling:DeleteLifecycleHook", "autoscaling:CompleteLifecycleAction",
  "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
  "autoscaling:EnableMetricsCollection", "autoscaling:DisableMetricsCollection", "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses",
  "autoscaling:PutWarmPool", "autoscaling:DeleteWarmPool",
];

/** EC2: the VPC, instances and volumes of e2e clusters, in the allowed regions only. */
export function ec2Policy(s: KopsCiSettings): PolicyDocument {
  const where = inRegions(s);
  return doc(
    { Sid: "Ec2Read", Effect: "Allow", Action: EC2_READ, Resource: "*", Condition: where },
    { Sid: "Ec2ClusterNetwork", Effect: "Allow", Action: EC2_NETWORK, Resource: "*", Condition: where },
    { Sid: "Ec2ClusterInstances", Effect: "Allow", Action: EC2_INSTANCES, Resource: "*", Condition: where },
  );
}

/** Load balancers and autoscaling groups of e2e clusters, in the allowed regions only. */
export function loadBalancingPolicy(s: KopsCiSettings): PolicyDocument {
  const where = inRegions(s);
  return doc(
    { Sid: "LoadBalancers", Effect: "Allow", Action: LOAD_BALANCING, Resource: "*", Condition: where },
    { Sid: "AutoScalingGroups", Effect: "Allow", Action: AUTOSCALING, Resource: "*", Condition: where },
  );
}

/** Route53: records in the e2e zone only; listing zones has no resource-level form. */
export function dnsPolicy(s: KopsCiSettings): PolicyDocument {
  return doc(
    { Sid: "E2eZoneRecords", Effect: "Allow", Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone"], Resource: `arn:aws:route53:::hostedzone/${s.aws.hostedZoneId}` },
    { Sid: "RecordChanges", Effect: "Allow", Action: ["route53:GetChange"], Resource: "arn:aws:route53:::change/*" },
    { Sid: "FindZones", Effect: "Allow", Action: ["route53:ListHostedZones", "route53:ListHostedZonesByName"], Resource: "*" },
  );
}

/** S3: the state store and the discovery bucket, nothing else. */
export function storagePolicy(s: KopsCiSettings): PolicyDocument {
  const state = `arn:aws:s3:::${s.aws.stateStore.bucket}`;
  const discovery = `arn:aws:s3:::${s.aws.discovery.bucket}`;
  return doc(
    { Sid: "StoreBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetEncryptionConfiguration", "s3:GetBucketVersioning"], Resource: [state, discovery] },
    // kOps writes the OIDC documents without an ACL once it sees the bucket is public.
    { Sid: "DiscoveryIsPublic", Effect: "Allow", Action: ["s3:GetBucketPolicyStatus"], Resource: discovery },
    { Sid: "StoreObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${state}/*`, `${discovery}/*`] },
  );
}

/**
 * IAM: kOps creates roles and instance profiles named `<kind>.<cluster name>`,
 * and for IRSA an OIDC provider on the discovery bucket. The role may touch only
 * those names, only create roles that carry the boundary (so nothing it creates
 * can do more than the boundary allows, IAM included), never remove a boundary,
 * never touch itself, and never create users or keys.
 */
export function iamPolicy(s: KopsCiSettings, names: KopsNames): PolicyDocument {
  const iam = `arn:aws:iam::${s.aws.accountId}`;
  const clusterRoles = `${iam}:role/*.${s.aws.clusterDomain}`;
  const clusterProfiles = `${iam}:instance-profile/*.${s.aws.clusterDomain}`;
  const withBoundary = { StringEquals: { "iam:PermissionsBoundary": names.aws.boundaryArn } };
  return doc(
    { Sid: "CreateClusterRolesWithBoundary", Effect: "Allow", Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy"], Resource: clusterRoles, Condition: withBoundary },
    {
      Sid: "ManageClusterRoles",
      Effect: "Allow",
      Action: ["iam:GetRole", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:UpdateAssumeRolePolicy"],
      Resource: clusterRoles,
    },
    {
      Sid: "ManageClusterInstanceProfiles",
      Effect: "Allow",
      Action: ["iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile"],
      Resource: clusterProfiles,
    },
    { Sid: "PassClusterRolesToEc2", Effect: "Allow", Action: ["iam:PassRole"], Resource: clusterRoles, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
    {
      Sid: "ClusterIrsaProvider",
      Effect: "Allow",
      Action: ["iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint"],
      Resource: `${iam}:oidc-provider/${s.aws.discovery.bucket}.s3.*`,
    },
    {
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: `${iam}:role/aws-service-role/*`,
      Condition: { StringEquals: { "iam:AWSServiceName": ["elasticloadbalancing.amazonaws.com", "autoscaling.amazonaws.com", "spot.amazonaws.com"] } },
    },
    { Sid: "ListIam", Effect: "Allow", Action: ["iam:ListInstanceProfiles", "iam:ListOpenIDConnectProviders"], Resource: "*" },
    {
      Sid: "NeverUsersOrKeys",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup"],
      Resource: "*",
    },
    { Sid: "NeverDropBoundary", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
    {
      Sid: "NeverChangeItself",
      Effect: "Deny",
      Action: ["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRole", "iam:UpdateRole"],
      Resource: names.aws.roleArn,
    },
    { Sid: "NeverChangeBoundary", Effect: "Deny", Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion"], Resource: names.aws.boundaryArn },
  );
}

/** SQS (Node Termination Handler queues `<cluster>-nth`) and its EventBridge rules (kOps docs/addons.md). */
export function messagingPolicy(s: KopsCiSettings): PolicyDocument {
  const where = inRegions(s);
  return doc(
    {
      Sid: "NthQueues",
      Effect: "Allow",
      Action: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:GetQueueUrl", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags"],
      Resource: `arn:aws:sqs:*:${s.aws.accountId}:*-nth`,
      Condition: where,
    },
    {
      Sid: "NthRules",
      Effect: "Allow",
      Action: ["events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource"],
      Resource: `arn:aws:events:*:${s.aws.accountId}:rule/*`,
      Condition: where,
    },
    { Sid: "ListRules", Effect: "Allow", Action: ["events:ListRules", "sqs:ListQueues"], Resource: "*", Condition: where },
  );
}

/**
 * The most any role kOps creates may do (control plane, nodes, IRSA add-ons):
 * run the cluster, never IAM. kOps' own policies for those roles stay as kOps
 * writes them; the boundary only caps them.
 */
export function clusterBoundaryPolicy(s: KopsCiSettings): PolicyDocument {
  const where = inRegions(s);
  const state = `arn:aws:s3:::${s.aws.stateStore.bucket}`;
  return doc(
    {
      Sid: "RunClusterCompute",
      Effect: "Allow",
      Action: [
        ...EC2_READ, "ec2:CreateTags", "ec2:DeleteTags", "ec2:CreateVolume", "ec2:DeleteVolume", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume",
        "ec2:ModifyInstanceAttribute", "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
        "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
        "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AttachNetworkInterface", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:TerminateInstances",
        ...LOAD_BALANCING,
        "autoscaling:Describe*", "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:CompleteLifecycleAction",
      ],
      Resource: "*",
      Condition: where,
    },
    { Sid: "ClusterDns", Effect: "Allow", Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone"], Resource: `arn:aws:route53:::hostedzone/${s.aws.hostedZoneId}` },
    { Sid: "ClusterDnsRead", Effect: "Allow", Action: ["route53:GetChange", "route53:ListHostedZones", "route53:ListHostedZonesByName"], Resource: "*" },
    { Sid: "StateStoreRead", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetEncryptionConfiguration"], Resource: state },
    // etcd-manager writes backups into the state store.
    { Sid: "StateStoreObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${state}/*` },
    { Sid: "PullImages", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: "*" },
    { Sid: "NthQueueConsume", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], Resource: `arn:aws:sqs:*:${s.aws.accountId}:*-nth`, Condition: where },
  );
}

/** Deny plain-HTTP access to a bucket (the state store holds cluster secrets). */
function tlsOnly(bucket: string): PolicyStatement {
  const arn = `arn:aws:s3:::${bucket}`;
  return { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": false } } };
}

export function stateStoreBucketPolicy(s: KopsCiSettings): PolicyDocument {
  return doc(tlsOnly(s.aws.stateStore.bucket));
}

/**
 * The documented public exception: AWS STS and every IRSA client fetch the
 * e2e clusters' OIDC documents anonymously. Objects only; listing stays private.
 */
export function discoveryBucketPolicy(s: KopsCiSettings): PolicyDocument {
  return doc(
    { Sid: "PublicOidcDocuments", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${s.aws.discovery.bucket}/*` },
    tlsOnly(s.aws.discovery.bucket),
  );
}

/** The role's permission policies, by short name (each becomes one managed policy). */
export function rolePolicies(s: KopsCiSettings, names: KopsNames): Record<string, PolicyDocument> {
  return { ec2: ec2Policy(s), "load-balancing": loadBalancingPolicy(s), dns: dnsPolicy(s), storage: storagePolicy(s), iam: iamPolicy(s, names), messaging: messagingPolicy(s) };
}

/** Every action a document allows, flattened (for checks and tests). */
export function allowedActions(d: PolicyDocument): string[] {
  return d.Statement.filter((st) => st.Effect === "Allow").flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
}
