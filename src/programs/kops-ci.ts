/**
 * The `kops-ci` program: GCS buckets and version markers of kOps CI, keyless job
 * identities in GCP (workload identity federation) and AWS (web identity), a
 * Boskos pool of GCP projects, and the kOps state and discovery stores in S3.
 * Every artifact is rendered from config alone, so it is plain text at plan time.
 */
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import { ConfigError } from "../base/errors";
import { keyOf } from "../base/format";
import type { KopsCiSettings } from "../config/kops-ci";
import { clusterBoundaryPolicy, discoveryBucketPolicy, rolePolicies, stateStoreBucketPolicy, trustPolicy } from "../kops/aws-policies";
import { AwsCiRole } from "../kops/aws-role";
import { KopsStores } from "../kops/aws-stores";
import { BoskosPool } from "../kops/boskos-pool";
import { BucketAccess } from "../kops/bucket-access";
import { CiIdentity } from "../kops/gcp-identity";
import { KopsBuckets } from "../kops/gcs-buckets";
import { kopsNames, MARKER_FILES, markerUrls, STAGING_PREFIXES } from "../kops/names";
import { kopsJobBinding } from "../kops/prow-binding";
import { jobEnvironment, renderBoskosConfigMap, renderCredentialConfig, renderEnvFile, renderExamplePod, renderMarkerUpload, renderServiceAccounts } from "../kops/render";
import { KOPS_JOBS_ARTIFACT, renderBoundKopsUpgradeJobs } from "../matrix/render/prow";
import type { ProgramResult } from "./types";

export async function kopsCi(stack: string, s: KopsCiSettings): Promise<ProgramResult> {
  // Federated principals and the credential configuration are named by the project
  // number; a wrong one would fail only at run time, in every job. Check it against
  // the project itself before anything exists.
  const host = await gcp.organizations.getProject({ projectId: s.gcp.project });
  if (host.number !== s.gcp.projectNumber) {
    throw new ConfigError([`${keyOf(["gcp", "projectNumber"])} must be the number of project ${s.gcp.project}, ${host.number} (got "${s.gcp.projectNumber}")`]);
  }

  const names = kopsNames(s);

  // Explicit providers: nothing depends on the ambient gcloud project, and the AWS
  // one refuses any account but the configured one.
  const gcpOpts = { providers: { gcp: new gcp.Provider(`${stack}-gcp`, { project: s.gcp.project }) } };
  const awsOpts = { providers: { aws: new aws.Provider(`${stack}-aws`, { region: s.aws.region, allowedAccountIds: [s.aws.accountId] }) } };

  const buckets = new KopsBuckets(`${stack}-buckets`, {
    project: s.gcp.project,
    location: s.gcp.location,
    staging: s.buckets.staging,
    results: s.buckets.results,
  }, gcpOpts);

  // The e2e job publishes the green marker of its branch after a passing run
  // (kubetest2-kops --publish-version-marker); the other marker stays the publisher's.
  const greenMarker = MARKER_FILES.find((f) => f.includes("green"))!;

  const identity = new CiIdentity(`${stack}-gcp-identity`, {
    project: s.gcp.project,
    projectNumber: s.gcp.projectNumber,
    poolId: names.gcp.poolId,
    providerId: names.gcp.providerId,
    issuer: s.cluster.issuer,
    accountIds: names.gcp.serviceAccountIds,
    subjects: s.cluster.serviceAccounts,
  }, gcpOpts);

  new BucketAccess(`${stack}-bucket-access`, {
    stagingBucket: buckets.stagingBucket,
    resultsBucket: buckets.resultsBucket,
    jobMember: identity.members.job,
    publisherMember: identity.members.publisher,
    jobMarkerObjects: s.markers.branches.map((b) => `${STAGING_PREFIXES.markers}${b}/${greenMarker}`),
  }, gcpOpts);

  const pool = new BoskosPool(`${stack}-boskos`, {
    projectIds: names.gcp.poolProjects,
    resourceType: names.gcp.boskosResourceType,
    folderId: s.boskos.folderId,
    orgId: s.boskos.orgId,
    billingAccount: s.boskos.billingAccount,
    apis: s.boskos.apis,
    jobMember: identity.members.job,
    e2eRoles: s.boskos.e2eRoles,
    janitorMember: identity.members.janitor,
    janitorRoles: s.boskos.janitorRoles,
  }, gcpOpts);

  const role = new AwsCiRole(`${stack}-aws-role`, {
    issuer: s.cluster.issuer,
    accountId: s.aws.accountId,
    roleName: names.aws.roleName,
    roleArn: names.aws.roleArn,
    trustPolicy: trustPolicy(names, s.cluster.jobServiceAccounts),
    maxSessionDuration: s.aws.sessionDurationSeconds,
    policies: rolePolicies(s, names),
    boundaryName: names.aws.boundaryName,
    boundaryPolicy: clusterBoundaryPolicy(s),
  }, awsOpts);

  const stores = new KopsStores(`${stack}-kops-stores`, {
    region: s.aws.region,
    stateStore: { ...s.aws.stateStore, policy: stateStoreBucketPolicy(s) },
    discovery: { ...s.aws.discovery, policy: discoveryBucketPolicy(s) },
  }, awsOpts);

  const boskosYaml = renderBoskosConfigMap(s.prow.podNamespace, names.gcp.boskosResourceType, names.gcp.poolProjects);
  const serviceAccounts = renderServiceAccounts(s, names);
  const credentials = { job: renderCredentialConfig(names, "job"), publisher: renderCredentialConfig(names, "publisher"), janitor: renderCredentialConfig(names, "janitor") };
  const envs = Object.fromEntries(s.markers.branches.map((b) => [b, jobEnvironment(s, names, b)]));
  const markerUpload = renderMarkerUpload(s);

  const artifacts: Record<string, string> = {
    "boskos/resources-configmap.yaml": boskosYaml,
    [KOPS_JOBS_ARTIFACT]: renderBoundKopsUpgradeJobs(kopsJobBinding(s, names)),
    "kubernetes/serviceaccounts.yaml": serviceAccounts,
    "kubernetes/e2e-pod-example.yaml": renderExamplePod(s, names, s.markers.branches[0]),
    "gcp/job-credentials.json": credentials.job,
    "gcp/publisher-credentials.json": credentials.publisher,
    "gcp/janitor-credentials.json": credentials.janitor,
    "publisher/upload-marker.sh": markerUpload,
  };
  for (const [branch, env] of Object.entries(envs)) artifacts[`job/${branch}.env`] = renderEnvFile(env);

  return {
    outputs: {
      buckets: { staging: buckets.stagingBucket, results: buckets.resultsBucket, stateStore: stores.stateStore, discoveryStore: stores.discoveryStore },
      // Buckets imported (`import` resource option) rather than created, by import id.
      adoptedBuckets: buckets.adopted,
      gcpServiceAccounts: identity.emails,
      workloadIdentityProvider: names.gcp.providerResource,
      awsRoleArn: role.roleArn,
      awsPermissionsBoundaryArn: role.boundaryArn,
      boskosProjects: pool.projectIds,
      boskosResourceType: names.gcp.boskosResourceType,
      markers: Object.fromEntries(s.markers.branches.map((b) => [b, markerUrls(s.buckets.staging.name, b)])),
      boskosResources: boskosYaml,
      serviceAccountManifests: serviceAccounts,
      gcpCredentialConfigs: credentials,
      jobEnvironment: envs,
      markerUpload,
    },
    artifacts,
  };
}
