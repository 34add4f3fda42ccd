/**
 * What to verify on a deployed stack, read from what the stack itself recorded: its
 * outputs (kubeconfig, load balancer, node addresses, app URLs, backup schedules), its
 * state (the Helm releases Pulumi installed and the values it gave them, whether any
 * resource is protected) and its config (`program`, `tls`). Pure: the CLI hands in what
 * the Automation API returned.
 */
import { parse } from "yaml";
import type { BackendSetRef } from "../roll/lb-health";
import { backendSetsOf } from "../roll/cli";
import type { StateResource } from "../roll/stack";
import { CHARTS } from "../versions";
import { BackupSchedules, readBackupSchedules } from "./backups";
import type { AppName } from "./facts";

/** The type token of a `k8s.helm.v3.Release` in Pulumi state (@pulumi/kubernetes 4.34.2 helm/v3/release.js). */
export const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";
/** How the Pulumi engine marks a secret value in exported state (@pulumi/pulumi runtime/rpc.js specialSigKey). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface ReleaseRef {
  readonly namespace: string;
  readonly name: string;
}

export interface VerifyPlan {
  readonly stack: string;
  /**
   * The stack protects resources (`ci-infra:protect`, true in prod): a missing backup
   * schedule fails instead of being skipped. Read from the state, where Pulumi records
   * `protect` on each resource, rather than restating the config's default.
   */
  readonly prod: boolean;
  /** Secret: never printed. */
  readonly kubeconfig: string;
  readonly loadBalancerId: string;
  readonly lbNodes: readonly { readonly node: string; readonly ip: string; readonly sets: readonly BackendSetRef[] }[];
  readonly apps: readonly { readonly app: AppName; readonly url: string }[];
  readonly jenkins?: {
    readonly url: string;
    readonly agents: readonly string[];
    readonly admin: { readonly namespace: string; readonly secret: string; readonly userKey: string; readonly passwordKey: string };
  };
  readonly releases: readonly ReleaseRef[];
  readonly longhorn?: { readonly namespace: string; readonly orphanAutoDeletion: string; readonly gracePeriodSeconds: string };
  /** A public name a pod must be able to resolve (the Jenkins host). */
  readonly dnsName: string;
  readonly schedules: BackupSchedules;
  /** Let's Encrypt staging certificates: not trusted by design (see the URL checks). */
  readonly acmeStaging: boolean;
  /** What the stack's record does not let us check; each becomes a failed line. */
  readonly problems: readonly { readonly name: string; readonly detail: string }[];
}

export interface StackView {
  readonly outputs: Readonly<Record<string, unknown>>;
  /** `pulumi config --json` values: full key → string (JSON for structured values). */
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly StateResource[];
}

/** Why this stack cannot be verified at all (not an oci-platform stack), or undefined. */
export function notVerifiable(stack: string, view: StackView): string | undefined {
  const program = view.config["ci-infra:program"];
  if (program !== undefined && program !== "oci-platform") return `stack ${stack} runs program ${program}: it has no cluster to verify`;
  if (typeof view.outputs.kubeconfig !== "string") return `stack ${stack} has no kubeconfig output: has it been deployed (pulumi up) with the oci-platform program?`;
  return undefined;
}

const isSecretWrapped = (v: unknown) => v !== null && typeof v === "object" && SECRET_SIG in (v as object);
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);

export function verifyPlan(stack: string, view: StackView): VerifyPlan {
  const o = view.outputs;
  const problems: { name: string; detail: string }[] = [];
  const ports = o.ports as { http: number; https: number } | undefined;
  const nodeIps = (o.nodeIps ?? {}) as Record<string, string[] | undefined>;
  const lbNodes = (["server", "agent"] as const).flatMap((pool) =>
    (nodeIps[pool] ?? []).map((ip, i) => ({ node: `${pool}-${i}`, ip, sets: ports ? backendSetsOf(pool, ports) : [] })),
  );
  if (!ports) problems.push({ name: "load balancer", detail: "the stack has no ports output, so the backends' ports are unknown" });

  const urls: [AppName, string][] = [["rancher", "rancherUrl"], ["jenkins", "jenkinsUrl"], ["grafana", "grafanaUrl"], ["bot", "botUrl"]];
  const apps = urls.filter(([, key]) => typeof o[key] === "string").map(([app, key]) => ({ app, url: String(o[key]) }));

  const releases = view.resources.filter((r) => r.type === RELEASE_TYPE);
  const refs = releases.map((r) => ({ namespace: String(r.inputs?.namespace ?? "default"), name: String(r.inputs?.name ?? "") })).filter((r) => r.name);
  const valuesOf = (chart: string) => {
    const r = releases.find((x) => x.inputs?.chart === chart);
    if (!r) return undefined;
    const values = r.inputs?.values;
    if (isSecretWrapped(values)) {
      problems.push({ name: `${chart} values`, detail: `the ${chart} release's values are a secret in the stack state; verify cannot read them` });
      return undefined;
    }
    return { namespace: String(r.inputs?.namespace ?? "default"), values };
  };

  let jenkins: VerifyPlan["jenkins"];
  const jv = valuesOf(CHARTS.jenkins.chart);
  if (jv && typeof o.jenkinsUrl === "string") {
    const admin = get(jv.values, "controller", "admin") as { existingSecret?: string; userKey?: string; passwordKey?: string } | undefined;
    const agents = jenkinsAgentNames(get(jv.values, "controller", "JCasC", "configScripts"));
    if (admin?.existingSecret && admin.userKey && admin.passwordKey) {
      jenkins = { url: o.jenkinsUrl, agents, admin: { namespace: jv.namespace, secret: admin.existingSecret, userKey: admin.userKey, passwordKey: admin.passwordKey } };
    } else problems.push({ name: "jenkins agents", detail: "the jenkins release sets no controller.admin.existingSecret/userKey/passwordKey, so verify has no credentials for the Jenkins API" });
  }

  let longhorn: VerifyPlan["longhorn"];
  const lv = valuesOf(CHARTS.longhorn.chart);
  if (lv) {
    const d = get(lv.values, "defaultSettings") as { orphanResourceAutoDeletion?: unknown; orphanResourceAutoDeletionGracePeriod?: unknown } | undefined;
    if (d?.orphanResourceAutoDeletion !== undefined && d.orphanResourceAutoDeletionGracePeriod !== undefined) {
      longhorn = { namespace: lv.namespace, orphanAutoDeletion: String(d.orphanResourceAutoDeletion), gracePeriodSeconds: String(d.orphanResourceAutoDeletionGracePeriod) };
    } else problems.push({ name: "longhorn settings", detail: "the longhorn release sets no defaultSettings.orphanResourceAutoDeletion(GracePeriod)" });
  }

  const tls = parseJson(view.config["ci-infra:tls"]) as { mode?: string; acmeServer?: string } | undefined;
  return {
    stack,
    prod: view.resources.some((r) => (r as { protect?: boolean }).protect === true),
    kubeconfig: String(o.kubeconfig),
    loadBalancerId: String(o.loadBalancerId ?? ""),
    lbNodes,
    apps,
    jenkins,
    releases: refs,
    longhorn,
    dnsName: typeof o.jenkinsUrl === "string" ? new URL(o.jenkinsUrl).hostname : "kubernetes.default.svc.cluster.local",
    schedules: readBackupSchedules(o.backupSchedules),
    // The schema's default server is production, so only an explicit staging counts.
    acmeStaging: tls?.mode !== "secret" && tls?.acmeServer === "staging",
    problems,
  };
}

/** The permanent agents our JCasC (src/apps/jenkins-casc.ts agentsCasc) declares. */
export function jenkinsAgentNames(configScripts: unknown): string[] {
  const scripts = (configScripts ?? {}) as Record<string, unknown>;
  return Object.values(scripts).flatMap((text) => {
    if (typeof text !== "string") return [];
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      return [];
    }
    const nodes = get(doc, "jenkins", "nodes");
    return Array.isArray(nodes) ? nodes.map((n) => get(n, "permanent", "name")).filter((n): n is string => typeof n === "string") : [];
  });
}

function parseJson(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}
