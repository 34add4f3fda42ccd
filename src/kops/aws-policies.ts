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
import { AWS_AUDIENCE, KOPS_CLUSTER_TAG, KopsNames } from "./names";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: Record<string, string | string[]> | "*";
  readonly Condition?: Record<string, Record<string, string | readonly string[] | boolean>>;
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

/** Cluster names the jobs use: `<id>.<clusterDomain>`; every kOps resource carries one in KubernetesCluster. */
export const clusterNamePattern = (s: KopsCiSettings) => `*.${s.aws.clusterDomain}`;
const RESOURCE_TAG = `aws:ResourceTag/${KOPS_CLUSTER_TAG}`;
const REQUEST_TAG = `aws:RequestTag/${KOPS_CLUSTER_TAG}`;
/** In the allowed regions, and on a resource of one of this stack's clusters (another stack's clusters have another domain). */
const ownedInRegions = (s: KopsCiSettings) => ({ ...inRegions(s), StringLike: { [RESOURCE_TAG]: clusterNamePattern(s) } });

/*
 * What kOps calls. Listed from kubernetes/kops at v1.27.0 and master 268927e2 (the
 * oldest and newest kOps the jobs run): the cloudup tasks (upup/pkg/fi/cloudup/awstasks),
 * `kops delete cluster` (pkg/resources/aws) and the DNS provider. Create actions stop
 * at the regions: a create cannot touch what exists. Every action on an existing
 * resource also needs the resource to carry a cluster of this stack in KubernetesCluster,
 * which kOps puts on everything it creates (pkg/model/context.go CloudTags) and which
 * kOps' own policies use for the same actions (pkg/model/iam/iam_builder.go
 * clusterTaggedAction); so a staging job cannot touch prod's clusters in a shared account.
 */
const EC2_READ = ["ec2:Describe*", "ec2:GetConsoleOutput", "ec2:GetLaunchTemplateData", "ec2:GetInstanceTypesFromInstanceRequirements"];
/** Creates; kOps tags each at creation (TagSpecifications in its awstasks), except RunInstances, which ASGs do. */
const EC2_CREATE = [
  "ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway", "ec2:CreateEgressOnlyInternetGateway", "ec2:CreateNatGateway", "ec2:AllocateAddress",
  "ec2:CreateRouteTable", "ec2:CreateDhcpOptions", "ec2:CreateSecurityGroup", "ec2:ImportKeyPair", "ec2:CreateVolume", "ec2:CreateLaunchTemplate", "ec2:RunInstances",
];
/** The create actions whose tags kOps passes at creation: ec2:CreateTags is checked with ec2:CreateAction set to one of them. */
const EC2_TAGGED_CREATE_ACTIONS = EC2_CREATE.filter((a) => a !== "ec2:RunInstances").map((a) => a.slice("ec2:".length));
const EC2_CLUSTER_OWNED = [
  "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:AssociateVpcCidrBlock", "ec2:DisassociateVpcCidrBlock",
  "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
  "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteEgressOnlyInternetGateway",
  "ec2:DeleteNatGateway", "ec2:ReleaseAddress",
  "ec2:DeleteRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation",
  "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
  "ec2:DeleteDhcpOptions", "ec2:AssociateDhcpOptions",
  "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
  "ec2:DeleteKeyPair",
  "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute",
  "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:DeleteLaunchTemplateVersions",
  "ec2:DeleteVolume", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume",
];
const LOAD_BALANCING_READ = ["elasticloadbalancing:Describe*"];
const LOAD_BALANCING_CREATE = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener"];
/** Existing load balancers: the actions kOps' own policies scope by aws:ResourceTag/KubernetesCluster (AddCCMPermissions, AddAWSLoadbalancerControllerPermissions). */
const LOAD_BALANCING_CLUSTER_OWNED = [
  "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
  "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
  "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
  // Classic load balancers: what the AWS cloud provider creates for Services, and `kops delete cluster` removes.
  "elasticloadbalancing:ConfigureHealthCheck", "elasticloadbalancing:CreateLoadBalancerListeners", "elasticloadbalancing:DeleteLoadBalancerListeners",
  "elasticloadbalancing:RegisterInstancesWithLoadBalancer", "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
  "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer", "elasticloadbalancing:AttachLoadBalancerToSubnets", "elasticloadbalancing:DetachLoadBalancerFromSubnets",
  "elasticloadbalancing:CreateLoadBalancerPolicy", "elasticloadbalancing:SetLoadBalancerPoliciesOfListener", "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
];
const AUTOSCALING_READ = ["autoscaling:Describe*"];
/** Launch configurations carry no tags; kOps only deletes leftovers of old clusters (pkg/resources/aws). */
const AUTOSCALING_CREATE = ["autoscaling:CreateAutoScalingGroup", "autoscaling:DeleteLaunchConfiguration"];
const AUTOSCALING_CLUSTER_OWNED = [
  "autoscaling:UpdateAutoScalingGroup", "autoscaling:DeleteAutoScalingGroup",
  "autoscaling:DeleteTags",
  // AttachLoadBalancers/DetachLoadBalancers: the classic API load balancer (awstasks autoscalinggroup.go).
  "autoscaling:AttachLoadBalancers", "autoscaling:DetachLoadBalancers", "autoscaling:AttachLoadBalancerTargetGroups", "autoscaling:DetachLoadBalancerTargetGroups",
  "autoscaling:AttachInstances", "autoscaling:DetachInstances",
  "autoscaling:PutLifecycleHook", "autoscaling:DeleteLifecycleHook", "autoscaling:CompleteLifecycleAction",
  "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
  "autoscaling:EnableMetricsCollection", "autoscaling:DisableMetricsCollection", "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses",
  "autoscaling:PutWarmPool", "autoscaling:DeleteWarmPool",
];

/** EC2 of e2e clusters: create in the allowed regions, change and delete only what belongs to this stack's clusters. */
export function ec2Policy(s: KopsCiSettings): PolicyDocument {
  const pattern = clusterNamePattern(s);
  return doc(
    { Sid: "Ec2Read", Effect: "Allow", Action: EC2_READ, Resource: "*", Condition: inRegions(s) },
    { Sid: "Ec2Create", Effect: "Allow", Action: EC2_CREATE, Resource: "*", Condition: inRegions(s) },
    {
      Sid: "Ec2TagOnCreate",
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": [...s.aws.clusterRegions], "ec2:CreateAction": EC2_TAGGED_CREATE_ACTIONS }, StringLike: { [REQUEST_TAG]: pattern } },
    },
    { Sid: "Ec2ClusterOwned", Effect: "Allow", Action: EC2_CLUSTER_OWNED, Resource: "*", Condition: ownedInRegions(s) },
    // Re-tagging its own resources, never moving one to a cluster outside the domain.
    { Sid: "Ec2RetagClusterOwned", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: "*", Condition: { ...ownedInRegions(s), StringLikeIfExists: { [REQUEST_TAG]: pattern } } },
    // ENIs left by the CNI or a load balancer may carry only kubernetes.io/cluster/<name>,
    // a tag key that names the cluster; kOps deletes them by either tag (pkg/resources/aws/eni.go, filters.go).
    { Sid: "Ec2LeftoverEnis", Effect: "Allow", Action: ["ec2:DeleteNetworkInterface"], Resource: "*", Condition: inRegions(s) },
  );
}

/** Load balancers and autoscaling groups of e2e clusters, in the allowed regions, changed only when they are this stack's. */
export function loadBalancingPolicy(s: KopsCiSettings): PolicyDocument {
  const pattern = clusterNamePattern(s);
  return doc(
    { Sid: "Read", Effect: "Allow", Action: [...LOAD_BALANCING_READ, ...AUTOSCALING_READ], Resource: "*", Condition: inRegions(s) },
    { Sid: "Create", Effect: "Allow", Action: [...LOAD_BALANCING_CREATE, ...AUTOSCALING_CREATE], Resource: "*", Condition: inRegions(s) },
    { Sid: "LoadBalancersClusterOwned", Effect: "Allow", Action: LOAD_BALANCING_CLUSTER_OWNED, Resource: "*", Condition: ownedInRegions(s) },
    { Sid: "GroupsClusterOwned", Effect: "Allow", Action: AUTOSCALING_CLUSTER_OWNED, Resource: "*", Condition: ownedInRegions(s) },
    // kOps creates a group with its tags; tagging one that is not (yet) this stack's
    // is allowed only with a cluster tag of this stack, never over another stack's.
    { Sid: "GroupTags", Effect: "Allow", Action: ["autoscaling:CreateOrUpdateTags"], Resource: "*", Condition: { ...inRegions(s), StringLike: { [REQUEST_TAG]: pattern }, StringLikeIfExists: { [RESOURCE_TAG]: pattern } } },
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

/** kOps' instance roles and profiles: `<kind>.<cluster>` (pkg/model/names.go IAMName). */
export const KOPS_INSTANCE_KINDS = ["masters", "nodes", "bastions", "apiservers"] as const;

/**
 * The IAM names kOps gives a cluster's roles: instance roles `<kind>.<cluster>`
 * (whole: the domain length rule keeps them under 64 characters) and IRSA roles
 * `<sa>.<ns>.sa.<cluster>`, which kOps truncates with a hash past 64 characters
 * (pkg/model/iam/types.go IAMNameForServiceAccountRole), so they may lose the
 * domain; their tag (KubernetesCluster) keeps it.
 */
export function clusterRoleArns(s: KopsCiSettings): { instance: string[]; irsa: string; profiles: string[] } {
  const iam = `arn:aws:iam::${s.aws.accountId}`;
  return {
    instance: KOPS_INSTANCE_KINDS.map((k) => `${iam}:role/${k}.${clusterNamePattern(s)}`),
    irsa: `${iam}:role/*.sa.*`,
    profiles: KOPS_INSTANCE_KINDS.map((k) => `${iam}:instance-profile/${k}.${clusterNamePattern(s)}`),
  };
}

/**
 * IAM. `kops delete cluster` lists every role, instance profile and OIDC provider
 * of the account and reads each to find its cluster's (pkg/resources/aws/aws.go
 * ListIAMRoles, ListIAMInstanceProfiles, ListIAMOIDCProviders at v1.27.0 and master);
 * it skips one only on an error code "403", and IAM refuses with AccessDenied, so it
 * may read them all. It changes only its clusters' roles: created with the boundary
 * and a cluster tag of this stack, changed only when they carry both. Never users,
 * keys, itself or the boundary.
 */
export function iamPolicy(s: KopsCiSettings, names: KopsNames): PolicyDocument {
  const iam = `arn:aws:iam::${s.aws.accountId}`;
  const roles = clusterRoleArns(s);
  const clusterRoles = [...roles.instance, roles.irsa];
  const pattern = clusterNamePattern(s);
  const boundary = { "iam:PermissionsBoundary": names.aws.boundaryArn };
  return doc(
    { Sid: "ListIam", Effect: "Allow", Action: ["iam:ListRoles", "iam:ListInstanceProfiles", "iam:ListOpenIDConnectProviders"], Resource: "*" },
    {
      Sid: "ReadAnyForOwnership",
      Effect: "Allow",
      Action: ["iam:GetRole", "iam:GetInstanceProfile", "iam:GetOpenIDConnectProvider"],
      Resource: [`${iam}:role/*`, `${iam}:instance-profile/*`, `${iam}:oidc-provider/*`],
    },
    { Sid: "CreateClusterRoles", Effect: "Allow", Action: ["iam:CreateRole"], Resource: clusterRoles, Condition: { StringEquals: boundary, StringLike: { [REQUEST_TAG]: pattern } } },
    // Tags on creation (the new role has none yet) and re-tagging its own roles, with a cluster of this stack.
    { Sid: "TagClusterRoles", Effect: "Allow", Action: ["iam:TagRole"], Resource: clusterRoles, Condition: { StringLike: { [REQUEST_TAG]: pattern }, StringLikeIfExists: { [RESOURCE_TAG]: pattern } } },
    {
      Sid: "ClusterRolePolicies",
      Effect: "Allow",
      Action: ["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"],
      Resource: clusterRoles,
      Condition: { StringEquals: boundary, StringLike: { [RESOURCE_TAG]: pattern } },
    },
    {
      Sid: "ManageClusterRoles",
      Effect: "Allow",
      Action: ["iam:DeleteRole", "iam:UntagRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:UpdateAssumeRolePolicy"],
      Resource: clusterRoles,
      Condition: { StringLike: { [RESOURCE_TAG]: pattern } },
    },
    {
      Sid: "ManageClusterInstanceProfiles",
      Effect: "Allow",
      Action: ["iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile"],
      Resource: roles.profiles,
    },
    // Instance roles only, and only to EC2: no IRSA role can be put on an instance.
    { Sid: "PassClusterRolesToEc2", Effect: "Allow", Action: ["iam:PassRole"], Resource: roles.instance, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
    {
      Sid: "ClusterIrsaProvider",
      Effect: "Allow",
      Action: [
        "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
      ],
      // kOps' issuer on an S3 discovery store: https://<bucket>.s3.<region>.amazonaws.com/<cluster> (util/pkg/vfs/s3fs.go GetHTTPsUrl).
      Resource: `${iam}:oidc-provider/${s.aws.discovery.bucket}.s3.*`,
    },
    {
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: `${iam}:role/aws-service-role/*`,
      Condition: { StringEquals: { "iam:AWSServiceName": ["elasticloadbalancing.amazonaws.com", "autoscaling.amazonaws.com", "spot.amazonaws.com"] } },
    },
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
      Action: ["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole"],
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
 * The most any role kOps creates may do (control plane, nodes, IRSA add-ons): run
 * the cluster, never IAM. kOps' own policies for those roles stay as kOps writes
 * them; the boundary only caps them.
 *
 * IAM has no condition on what a trust policy names, so a job could create a role
 * (with this boundary) that trusts another account. The last statement makes such
 * a role worthless: a session gets nothing unless its credentials were issued to an
 * EC2 instance (aws:EC2InstanceSourceVPC is present only then: AWS Security Blog,
 * "How to use policies to restrict where EC2 instance credentials can be used from",
 * 2023-03), it is an AWS service acting for the role (aws:ViaAWSService), or the
 * role is an IRSA role, which only the cluster's OIDC provider should assume
 * (aws:PrincipalArn; both keys as aws-samples/data-perimeter-policy-examples@8e0d3c51
 * uses them). IRSA-named roles keep the gap (docs/kops-ci.md, "Residual risks").
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
        ...LOAD_BALANCING_READ, ...LOAD_BALANCING_CREATE, ...LOAD_BALANCING_CLUSTER_OWNED,
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
    {
      Sid: "OnlyClusterMachinesAndPods",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: {
        Null: { "aws:EC2InstanceSourceVPC": "true" },
        BoolIfExists: { "aws:ViaAWSService": "false" },
        ArnNotLike: { "aws:PrincipalArn": clusterRoleArns(s).irsa },
      },
    },
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
