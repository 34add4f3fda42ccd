/**
 * `npm run verify`: what the checks read, as interfaces (like src/roll/roll.ts), so the
 * checks are pure functions over injected clients. The CLI wires the real ones
 * (kube.ts, web.ts, lb.ts); test/verify/ wires fakes and local servers.
 */

export type CheckStatus = "pass" | "fail" | "skip";

/** One line of the report. `detail` never holds a secret. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, status: "pass", detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, status: "fail", detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: "skip", detail });

/** The OCI load balancer's health of one backend (`<ip>:<port>`) in one backend set. */
export interface LoadBalancerHealth {
  /** OK, WARNING, CRITICAL or UNKNOWN (oci-loadbalancer BackendHealth.Status). */
  backendStatus(backendSet: string, backend: string): Promise<string>;
}

/** The served certificate's leaf. */
export interface PeerCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

export interface WebResponse {
  readonly status: number;
  readonly body: string;
  readonly certificate?: PeerCertificate;
  /** Whether the chain verified against the trusted roots and the name matched. */
  readonly trusted: boolean;
  /** Why not, when not (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  readonly trustError?: string;
  /** Whether the certificate names the host, checked even when the chain is not. */
  readonly nameMatched: boolean;
}

export interface WebRequest {
  readonly method: "GET" | "POST";
  /** Sent only when `requireTrust` is set: credentials never go over an unverified connection. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Refuse (throw) instead of answering when the chain does not verify. */
  readonly requireTrust: boolean;
}

/** HTTPS to the apps' public URLs. */
export interface WebClient {
  request(url: string, req: WebRequest): Promise<WebResponse>;
}

/** A Kubernetes object as the API returns it; the checks read only the fields named in facts.ts. */
export type KubeObject = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string } };

/** The few Kubernetes API calls verify makes. */
export interface KubeReader {
  /** Secrets labelled owner=helm in every namespace (Helm's release records). */
  helmReleaseSecrets(): Promise<KubeObject[]>;
  /** A Secret's data, base64-decoded, or undefined when it does not exist. */
  secretData(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A Longhorn setting object, or undefined when it does not exist. */
  longhornSetting(namespace: string, name: string): Promise<KubeObject | undefined>;
  etcdSnapshotFiles(): Promise<KubeObject[]>;
  longhornBackups(namespace: string): Promise<KubeObject[]>;
  persistentVolumes(): Promise<KubeObject[]>;
  /** Runs a pod to completion (or its deadline), returns its phase and log, and deletes it. */
  runPod(pod: ProbePod): Promise<{ phase: string; log: string }>;
}

export interface ProbePod {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly script: string;
  readonly timeoutMs: number;
}

export interface VerifyClients {
  readonly lb: LoadBalancerHealth;
  readonly web: WebClient;
  readonly kube: KubeReader;
  readonly now: () => number;
}
