/**
 * Every name, ARN, principal and URL of the kops-ci program, derived from config
 * alone. Resources and rendered artifacts both read them here, so an artifact
 * (the ServiceAccount annotation, the credential configuration) is plain text at
 * plan time and always names what the resources create.
 */
import type { KopsCiSettings } from "../config/kops-ci";
import { ownerTags } from "../components/naming";

/** The audience AWS STS expects in web-identity tokens (IRSA's default). */
export const AWS_AUDIENCE = "sts.amazonaws.com";
/** Where the AWS-audience token is projected; the path the EKS pod-identity webhook uses too. */
export const AWS_TOKEN_PATH = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";
/** Where the GCP-audience token is projected. */
export const GCP_TOKEN_PATH = "/var/run/secrets/gcp-workload-identity/token";
/** Where the credential configuration ConfigMap is mounted. */
export const GCP_CREDENTIALS_PATH = "/etc/gcp-workload-identity/credentials.json";
/**
 * Where the AWS shared credentials file is mounted. kubetest2-kops runs kops with a
 * fixed environment that keeps AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE but not
 * AWS_ROLE_ARN (kubernetes/kops tests/e2e/kubetest2-kops/deployer/common.go env(), at
 * release-1.31 81285e86 and master 268927e2); a `[default]` profile with `role_arn`
 * and `web_identity_token_file` there gives that kops the same role. Both SDKs read
 * these keys from the credentials file: aws-sdk-go-v2 config/shared_config.go merges
 * them from credentials files (mergeSections), and aws-sdk-go aws/session/shared_config.go
 * setFromIniFile reads them from either file when shared config is enabled, which
 * kOps does (upup/pkg/fi/cloudup/awsup/aws_cloud.go at v1.27.0: SharedConfigEnable).
 */
export const AWS_SHARED_CREDENTIALS_PATH = "/etc/aws-web-identity/credentials";
/** Provider id inside the pool: the one CI cluster it trusts. */
export const WIF_PROVIDER_ID = "ci-cluster";
/** IAM path of everything this program creates in AWS, so it is easy to list and to scope. */
export const AWS_IAM_PATH = "/ci-infra/";

/** Object prefixes of the staging bucket and who writes them (BRIEF §2). */
export const STAGING_PREFIXES = {
  /** PR builds, written by e2e jobs. */
  pulls: "pulls/",
  /** Everything under kops/ ages out after kopsAgeDays. */
  kops: "kops/",
  /** Release builds and markers: the publisher alone. */
  releases: "kops/releases/",
  markers: "kops/releases/markers/",
} as const;

export const MARKER_FILES = ["latest-ci.txt", "latest-ci-updown-green.txt"] as const;
/** Markers are read right after they change: no cache may serve an old one. */
export const MARKER_CACHE_CONTROL = "private, max-age=0, no-transform";

/** The tag kOps puts on every AWS resource of a cluster, value the cluster name (kubernetes/kops upup/pkg/fi/cloudup/awsup TagClusterName). */
export const KOPS_CLUSTER_TAG = "KubernetesCluster";

/** The CI identities, each with its own service accounts (keys of the config's `cluster.serviceAccounts`). */
export type GcpIdentityKind = keyof KopsCiSettings["cluster"]["serviceAccounts"];
export const GCP_IDENTITY_KINDS = ["job", "publisher", "janitor"] as const satisfies readonly GcpIdentityKind[];

export interface KopsNames {
  readonly gcp: {
    readonly serviceAccountIds: Readonly<Record<GcpIdentityKind, string>>;
    readonly serviceAccountEmails: Readonly<Record<GcpIdentityKind, string>>;
    readonly poolId: string;
    readonly providerId: string;
    /** `//iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<id>` */
    readonly providerResource: string;
    /** Audience of the GCP token: the provider's canonical name, which GCP accepts when allowedAudiences is empty. */
    readonly tokenAudience: string;
    readonly poolProjects: readonly string[];
    /**
     * Boskos resource type of the pool: the stack's own, so a Boskos shared with
     * other pools never hands these projects to another job, nor theirs to ours.
     */
    readonly boskosResourceType: string;
  };
  readonly aws: {
    readonly roleName: string;
    readonly roleArn: string;
    readonly boundaryName: string;
    readonly boundaryArn: string;
    /** `<issuer host><path>`: the IAM OIDC provider's id and its condition-key prefix. */
    readonly issuerHostPath: string;
    readonly oidcProviderArn: string;
  };
}

/** `https://oidc.example.org/id` → `oidc.example.org/id`. */
export function issuerHostPath(issuer: string): string {
  return issuer.replace(/^https:\/\//, "");
}

/** Project ids of the Boskos pool: `<prefix>-01` … zero-padded to at least two digits. */
export function poolProjectIds(prefix: string, count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(width, "0")}`);
}

export function kopsNames(s: KopsCiSettings): KopsNames {
  const ids = { job: `${s.name}-job`, publisher: `${s.name}-publisher`, janitor: `${s.name}-janitor` };
  const email = (id: string) => `${id}@${s.gcp.project}.iam.gserviceaccount.com`;
  const poolId = `${s.name}-pool`;
  const providerPath = `projects/${s.gcp.projectNumber}/locations/global/workloadIdentityPools/${poolId}/providers/${WIF_PROVIDER_ID}`;
  const iam = `arn:aws:iam::${s.aws.accountId}`;
  const roleName = `${s.name}-e2e`;
  const boundaryName = `${s.name}-kops-cluster-boundary`;
  const hostPath = issuerHostPath(s.cluster.issuer);
  return {
    gcp: {
      serviceAccountIds: ids,
      serviceAccountEmails: { job: email(ids.job), publisher: email(ids.publisher), janitor: email(ids.janitor) },
      poolId,
      providerId: WIF_PROVIDER_ID,
      providerResource: `//iam.googleapis.com/${providerPath}`,
      tokenAudience: `https://iam.googleapis.com/${providerPath}`,
      poolProjects: poolProjectIds(s.boskos.projectPrefix, s.boskos.count),
      boskosResourceType: `${s.name}-gce-project`,
    },
    aws: {
      roleName,
      roleArn: `${iam}:role${AWS_IAM_PATH}${roleName}`,
      boundaryName,
      boundaryArn: `${iam}:policy${AWS_IAM_PATH}${boundaryName}`,
      issuerHostPath: hostPath,
      oidcProviderArn: `${iam}:oidc-provider/${hostPath}`,
    },
  };
}

/** The IAM principal of one Kubernetes service account federated through the pool. */
export function federatedPrincipal(projectNumber: string, poolId: string, subject: string): string {
  return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}/subject/${subject}`;
}

/** `gs://<bucket>/kops/releases/markers/<branch>/<file>` for each marker file. */
export function markerUrls(stagingBucket: string, branch: string): Record<(typeof MARKER_FILES)[number], string> {
  const base = `gs://${stagingBucket}/${STAGING_PREFIXES.markers}${branch}`;
  return Object.fromEntries(MARKER_FILES.map((f) => [f, `${base}/${f}`])) as Record<(typeof MARKER_FILES)[number], string>;
}

/**
 * GCP labels: the owner tags, plus what writes the resource. Label values allow
 * lowercase letters, digits, '_' and '-' only, at most 63 characters.
 */
export function gcpLabels(stack: string, component: string, extra: Record<string, string> = {}): Record<string, string> {
  const clean = (v: string) => v.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
  return Object.fromEntries(Object.entries(ownerTags(stack, component, extra)).map(([k, v]) => [clean(k), clean(v)]));
}
