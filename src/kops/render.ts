/**
 * What a CI job needs to reach both clouds from one Kubernetes service account,
 * and what Boskos and the publisher read, rendered as text from config alone:
 * the same strings are stack outputs and `--out` artifacts. No key, token or
 * secret is in any of them; the tokens are projected by Kubernetes at run time.
 */
import { stringify } from "yaml";
import { KopsCiSettings, parseSubject } from "../config/kops-ci";
import { KUBEKINS_IMAGE } from "../versions";
import {
  AWS_AUDIENCE,
  AWS_TOKEN_PATH,
  GCP_CREDENTIALS_PATH,
  GCP_TOKEN_PATH,
  GcpIdentityKind,
  KopsNames,
  MARKER_CACHE_CONTROL,
  MARKER_FILES,
  markerUrls,
  STAGING_PREFIXES,
} from "./names";

/** The Boskos resource type of the pool (upstream's). */
export const BOSKOS_RESOURCE_TYPE = "gce-project";

/** Boskos' `resources:` config: every pool project starts dirty, so the janitor cleans it first. */
export function renderBoskosResources(projects: readonly string[]): string {
  return stringify({ resources: [{ type: BOSKOS_RESOURCE_TYPE, state: "dirty", names: [...projects] }] });
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

const SUBJECT_KEYS: Readonly<Record<GcpIdentityKind, "jobServiceAccounts" | "publisherServiceAccounts" | "janitorServiceAccounts">> = {
  job: "jobServiceAccounts",
  publisher: "publisherServiceAccounts",
  janitor: "janitorServiceAccounts",
};

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
  for (const kind of ["job", "publisher", "janitor"] as const) {
    const namespaces = new Set<string>();
    for (const subject of s.cluster[SUBJECT_KEYS[kind]]) {
      const { namespace, name } = parseSubject(subject);
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
      docs.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: credentialsConfigMapName(s, kind), namespace, labels: { "app.kubernetes.io/managed-by": "ci-infra", "ci-infra/identity": kind } },
        data: { "credentials.json": renderCredentialConfig(names, kind) },
      });
    }
  }
  return docs.map((d) => stringify(d, { blockQuote: "literal" })).join("---\n");
}

/**
 * The pod-spec pieces a job adds: two projected tokens (one per audience, so a
 * token meant for one cloud is useless at the other), the credential
 * configuration, and the environment. Shown as a complete Pod so it validates.
 */
export function renderExamplePod(s: KopsCiSettings, names: KopsNames, branch: string): string {
  const { namespace, name } = parseSubject(s.cluster.jobServiceAccounts[0]);
  const env = Object.entries(jobEnvironment(s, names, branch)).map(([k, value]) => ({ name: k, value }));
  const token = (volume: string, audience: string, path: string) => ({
    name: volume,
    projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds: 3600, path: path.split("/").pop()! } }] },
  });
  const dir = (p: string) => p.slice(0, p.lastIndexOf("/"));
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
          volumeMounts: [
            { name: "aws-token", mountPath: dir(AWS_TOKEN_PATH), readOnly: true },
            { name: "gcp-token", mountPath: dir(GCP_TOKEN_PATH), readOnly: true },
            { name: "gcp-credentials", mountPath: dir(GCP_CREDENTIALS_PATH), readOnly: true },
          ],
        },
      ],
      volumes: [
        token("aws-token", AWS_AUDIENCE, AWS_TOKEN_PATH),
        token("gcp-token", names.gcp.tokenAudience, GCP_TOKEN_PATH),
        { name: "gcp-credentials", configMap: { name: credentialsConfigMapName(s, "job") } },
      ],
    },
  });
}

/** The environment of an e2e job on `branch`: both clouds, the stores, the markers. */
export function jobEnvironment(s: KopsCiSettings, names: KopsNames, branch: string): Record<string, string> {
  const markers = markerUrls(s.buckets.staging.name, branch);
  return {
    AWS_ROLE_ARN: names.aws.roleArn,
    AWS_WEB_IDENTITY_TOKEN_FILE: AWS_TOKEN_PATH,
    AWS_REGION: s.aws.region,
    AWS_STS_REGIONAL_ENDPOINTS: "regional",
    GOOGLE_APPLICATION_CREDENTIALS: GCP_CREDENTIALS_PATH,
    // gcloud ignores GOOGLE_APPLICATION_CREDENTIALS; this is its equivalent.
    CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: GCP_CREDENTIALS_PATH,
    KOPS_STATE_STORE: `s3://${s.aws.stateStore.bucket}`,
    KOPS_DISCOVERY_STORE: `s3://${s.aws.discovery.bucket}`,
    KOPS_CI_RESULTS: `gs://${s.buckets.results.name}`,
    KOPS_CI_PULLS: `gs://${s.buckets.staging.name}/${STAGING_PREFIXES.pulls}`,
    KOPS_CI_MARKER: markers["latest-ci.txt"],
    KOPS_CI_GREEN_MARKER: markers["latest-ci-updown-green.txt"],
    BOSKOS_RESOURCE_TYPE,
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
