/**
 * What a CI job needs to reach both clouds from one Kubernetes service account,
 * and what Boskos and the publisher read, rendered as text from config alone:
 * the same strings are stack outputs and `--out` artifacts. No key, token or
 * secret is in any of them; the tokens are projected by Kubernetes at run time.
 */
import { stringify } from "yaml";
import type { KopsCiSettings, ServiceAccountSubject } from "../config/kops-ci";
import { KUBEKINS_IMAGE } from "../versions";
import {
  AWS_AUDIENCE,
  AWS_SHARED_CREDENTIALS_PATH,
  AWS_TOKEN_PATH,
  GCP_CREDENTIALS_PATH,
  GCP_TOKEN_PATH,
  GCP_IDENTITY_KINDS,
  GcpIdentityKind,
  KopsNames,
  MARKER_CACHE_CONTROL,
  MARKER_FILES,
  markerUrls,
  STAGING_PREFIXES,
} from "./names";

/**
 * Boskos' config as the boskos Deployment reads it: ConfigMap `resources`, key
 * `config`, mounted at /etc/config and passed as --config=/etc/config/config
 * (kubernetes/k8s.io kubernetes/gke-prow-build/prow/boskos.yaml at 253fd7a3 and
 * boskos-resources-configmap.yaml at 56f43efe). Every pool project starts dirty,
 * so the janitor cleans it before its first job.
 */
export const BOSKOS_CONFIGMAP = { name: "resources", key: "config" } as const;

export function renderBoskosConfig(resourceType: string, projects: readonly string[]): string {
  return stringify({ resources: [{ type: resourceType, state: "dirty", names: [...projects] }] });
}

export function renderBoskosConfigMap(namespace: string, resourceType: string, projects: readonly string[]): string {
  return stringify(
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: BOSKOS_CONFIGMAP.name, namespace, labels: { "app.kubernetes.io/managed-by": "ci-infra" } },
      data: { [BOSKOS_CONFIGMAP.key]: renderBoskosConfig(resourceType, projects) },
    },
    { blockQuote: "literal" },
  );
}

/**
 * The GCP external-account credential configuration (workload identity
 * federation): the projected token is exchanged at Google STS, then the service
 * account is impersonated. Not a key: it holds no secret.
 */
export function credentialConfig(names: KopsNames, kind: GcpIdentityKind): Record<string, unknown> {
  return {
    universe_domain: "googleapis.com",
    type: "external_account",
    audience: names.gcp.providerResource,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${names.gcp.serviceAccountEmails[kind]}:generateAccessToken`,
    credential_source: { file: GCP_TOKEN_PATH, format: { type: "text" } },
  };
}

export function renderCredentialConfig(names: KopsNames, kind: GcpIdentityKind): string {
  return `${JSON.stringify(credentialConfig(names, kind), null, 2)}\n`;
}

/**
 * The AWS shared credentials file of the job identity: the web-identity role as the
 * default profile (see AWS_SHARED_CREDENTIALS_PATH for why kops needs it). No secret:
 * the token is the projected file it names.
 */
export function renderAwsCredentialsFile(names: KopsNames): string {
  return ["[default]", `role_arn = ${names.aws.roleArn}`, `web_identity_token_file = ${AWS_TOKEN_PATH}`, ""].join("\n");
}

/** Name of the ConfigMap holding the job identity's AWS shared credentials file. */
export function awsConfigMapName(s: KopsCiSettings): string {
  return `${s.name}-job-aws-credentials`;
}

/** Name of the ConfigMap holding one identity's credential configuration. */
export function credentialsConfigMapName(s: KopsCiSettings, kind: GcpIdentityKind): string {
  return `${s.name}-${kind}-gcp-credentials`;
}

/**
 * The ServiceAccounts the jobs run as, and per namespace the ConfigMap with the
 * credential configuration. Only job accounts carry the AWS role: publisher and
 * janitor need GCP alone. No API token is mounted; jobs read projected tokens.
 */
export function renderServiceAccounts(s: KopsCiSettings, names: KopsNames): string {
  const docs: object[] = [];
  for (const kind of GCP_IDENTITY_KINDS) {
    const namespaces = new Set<string>();
    for (const { namespace, name } of s.cluster.serviceAccounts[kind]) {
      namespaces.add(namespace);
      const annotations: Record<string, string> = { "ci-infra/gcp-service-account": names.gcp.serviceAccountEmails[kind] };
      if (kind === "job") Object.assign(annotations, { "eks.amazonaws.com/role-arn": names.aws.roleArn, "eks.amazonaws.com/audience": AWS_AUDIENCE });
      docs.push({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "ci-infra", "ci-infra/identity": kind }, annotations },
        automountServiceAccountToken: false,
      });
    }
    for (const namespace of namespaces) {
      const labels = { "app.kubernetes.io/managed-by": "ci-infra", "ci-infra/identity": kind };
      docs.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: credentialsConfigMapName(s, kind), namespace, labels },
        data: { "credentials.json": renderCredentialConfig(names, kind) },
      });
      if (kind === "job") {
        docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: awsConfigMapName(s), namespace, labels }, data: { credentials: renderAwsCredentialsFile(names) } });
      }
    }
  }
  return docs.map((d) => stringify(d, { blockQuote: "literal" })).join("---\n");
}

/** A volume and where a container mounts it. */
export interface MountedVolume {
  readonly volume: Record<string, unknown>;
  readonly mount: { readonly name: string; readonly mountPath: string; readonly readOnly: true };
}

const dirOf = (p: string) => p.slice(0, p.lastIndexOf("/"));
const fileOf = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/**
 * What a job pod needs to reach both clouds: two projected tokens (one per
 * audience, so a token meant for one cloud is useless at the other), the GCP
 * credential configuration and the AWS shared credentials file.
 */
export function jobVolumes(s: KopsCiSettings, names: KopsNames): MountedVolume[] {
  const token = (name: string, audience: string, path: string): MountedVolume => ({
    volume: { name, projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds: 3600, path: fileOf(path) } }] } },
    mount: { name, mountPath: dirOf(path), readOnly: true },
  });
  const configMap = (name: string, configMapName: string, path: string): MountedVolume => ({
    volume: { name, configMap: { name: configMapName } },
    mount: { name, mountPath: dirOf(path), readOnly: true },
  });
  return [
    token("aws-token", AWS_AUDIENCE, AWS_TOKEN_PATH),
    token("gcp-token", names.gcp.tokenAudience, GCP_TOKEN_PATH),
    configMap("gcp-credentials", credentialsConfigMapName(s, "job"), GCP_CREDENTIALS_PATH),
    configMap("aws-credentials", awsConfigMapName(s), AWS_SHARED_CREDENTIALS_PATH),
  ];
}

/** The ServiceAccount a job pod runs as: the first job subject in Prow's pod namespace (config guarantees one). */
export function jobServiceAccount(s: KopsCiSettings): ServiceAccountSubject {
  const subject = s.cluster.serviceAccounts.job.find((x) => x.namespace === s.prow.podNamespace);
  if (!subject) throw new Error(`no job service account in namespace ${s.prow.podNamespace}`);
  return subject;
}

/**
 * The pod-spec pieces a job adds, shown as a complete Pod so it validates: the
 * mounted credentials and the environment.
 */
export function renderExamplePod(s: KopsCiSettings, names: KopsNames, branch: string): string {
  const { namespace, name } = jobServiceAccount(s);
  const env = Object.entries(jobEnvironment(s, names, branch)).map(([k, value]) => ({ name: k, value }));
  const volumes = jobVolumes(s, names);
  return stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "kops-e2e-example", namespace },
    spec: {
      serviceAccountName: name,
      automountServiceAccountToken: false,
      restartPolicy: "Never",
      containers: [
        {
          name: "test",
          image: KUBEKINS_IMAGE,
          command: ["runner.sh"],
          env,
          volumeMounts: volumes.map((v) => v.mount),
        },
      ],
      volumes: volumes.map((v) => v.volume),
    },
  });
}

/**
 * The environment kubetest2-kops and kOps read, from the stack: the AWS role by web
 * identity (the SDKs' AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE for the processes
 * that inherit the environment, the shared credentials file for the kops that
 * kubetest2-kops starts), the GCP credential configuration, the state store and
 * discovery store (kubetest2-kops creates buckets of its own when KOPS_STATE_STORE
 * is empty or KOPS_DISCOVERY_STORE unset: deployer/common.go initialize at master
 * 268927e2), and the DNS domain of cluster names (KOPS_DNS_DOMAIN, defaultClusterName).
 */
export function identityEnvironment(s: KopsCiSettings, names: KopsNames): Record<string, string> {
  return {
    AWS_ROLE_ARN: names.aws.roleArn,
    AWS_WEB_IDENTITY_TOKEN_FILE: AWS_TOKEN_PATH,
    AWS_SHARED_CREDENTIALS_FILE: AWS_SHARED_CREDENTIALS_PATH,
    AWS_REGION: s.aws.region,
    AWS_STS_REGIONAL_ENDPOINTS: "regional",
    GOOGLE_APPLICATION_CREDENTIALS: GCP_CREDENTIALS_PATH,
    // gcloud ignores GOOGLE_APPLICATION_CREDENTIALS; this is its equivalent.
    CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: GCP_CREDENTIALS_PATH,
    KOPS_STATE_STORE: `s3://${s.aws.stateStore.bucket}`,
    KOPS_DISCOVERY_STORE: `s3://${s.aws.discovery.bucket}`,
    KOPS_DNS_DOMAIN: s.aws.clusterDomain,
  };
}

/**
 * The environment of an e2e job on `branch`: the identity environment, plus where
 * results, PR builds and the branch's markers live. The KOPS_CI_* names are ours,
 * for scripts; nothing upstream reads them.
 */
export function jobEnvironment(s: KopsCiSettings, names: KopsNames, branch: string): Record<string, string> {
  const markers = markerUrls(s.buckets.staging.name, branch);
  return {
    ...identityEnvironment(s, names),
    KOPS_CI_RESULTS: `gs://${s.buckets.results.name}`,
    KOPS_CI_PULLS: `gs://${s.buckets.staging.name}/${STAGING_PREFIXES.pulls}`,
    KOPS_CI_MARKER: markers["latest-ci.txt"],
    KOPS_CI_GREEN_MARKER: markers["latest-ci-updown-green.txt"],
  };
}

export function renderEnvFile(env: Record<string, string>): string {
  return `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n")}\n`;
}

/**
 * How the publisher writes a marker: the content is the full URL of the release,
 * and no cache may keep an old marker (upstream's Cache-Control).
 */
export function renderMarkerUpload(s: KopsCiSettings): string {
  const example = markerUrls(s.buckets.staging.name, s.markers.branches[0])["latest-ci.txt"];
  return [
    "#!/usr/bin/env bash",
    "# Publish a kOps version marker. Runs as the publisher identity, the only one",
    `# that may write gs://${s.buckets.staging.name}/${STAGING_PREFIXES.releases}.`,
    "# usage: upload-marker.sh <branch> <marker file> <release URL>",
    `#   e.g. upload-marker.sh ${s.markers.branches[0]} latest-ci.txt https://storage.googleapis.com/${s.buckets.staging.name}/${STAGING_PREFIXES.releases}<version>`,
    `#   writes ${example}`,
    "set -euo pipefail",
    'branch="$1" marker="$2" url="$3"',
    `case "$branch" in ${s.markers.branches.join("|")}) ;; *) echo "unknown branch $branch" >&2; exit 2 ;; esac`,
    `case "$marker" in ${MARKER_FILES.join("|")}) ;; *) echo "unknown marker $marker" >&2; exit 2 ;; esac`,
    `printf '%s' "$url" | gcloud storage cp - "gs://${s.buckets.staging.name}/${STAGING_PREFIXES.markers}$branch/$marker" \\`,
    `  --cache-control="${MARKER_CACHE_CONTROL}" --content-type=text/plain`,
    "",
  ].join("\n");
}
