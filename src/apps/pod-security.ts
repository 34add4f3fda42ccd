/**
 * The Pod Security Admission level of every namespace the platform creates, with
 * the reason. `restricted` wherever the chart's pods (with our values) meet it;
 * `privileged` only where a chart's pods need the host. Kubernetes' built-in
 * admission enforces the `pod-security.kubernetes.io/enforce` label (k3s runs it).
 * A namespace missing here cannot be created: `namespace()` asks this table.
 */
import { K3S } from "../versions";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export const NAMESPACE_POD_SECURITY: Readonly<Record<string, { readonly level: PodSecurityLevel; readonly why: string }>> = {
  traefik: {
    level: "restricted",
    why: "non-root 65532, seccomp RuntimeDefault, all capabilities dropped (traefik/values.yaml podSecurityContext and securityContext @v41.3.0); ports 8000/8443 need no NET_BIND_SERVICE",
  },
  "ingress-nginx": {
    level: "restricted",
    why: "the controller runs as 101 with seccomp RuntimeDefault and adds only NET_BIND_SERVICE, which restricted allows; the webhook jobs are non-root (charts/ingress-nginx _helpers.tpl controller.containerSecurityContext and values.yaml admissionWebhooks @helm-chart-4.15.1)",
  },
  "cert-manager": {
    level: "restricted",
    why: "every component is non-root with seccomp RuntimeDefault and capabilities dropped (deploy/charts/cert-manager/values.yaml @v1.21.1)",
  },
  "cattle-system": {
    level: "privileged",
    why: "Rancher deploys its webhook and the system-upgrade-controller (which runs privileged host jobs) here; Rancher's own restricted template exempts cattle-system (rancher/rancher pkg/data/management/podadmissionconfigurationtemplate_data.go @v2.15.0)",
  },
  jenkins: {
    level: "restricted",
    why: "the controller runs as 1000 with the pod and container security contexts set in jenkinsValues (src/apps/jenkins.ts); the chart alone lacks seccomp and the capability drop",
  },
  monitoring: {
    level: "restricted",
    why: "Prometheus (65534), kube-state-metrics and Grafana (472) run non-root with the security contexts set in src/apps/monitoring.ts; Grafana's root chown init container is off; node-exporter lives in its own namespace",
  },
  "node-exporter": {
    level: "privileged",
    why: "node-exporter needs hostNetwork, hostPID and the host's / mounted (prometheus-community/helm-charts charts/prometheus-node-exporter/values.yaml @prometheus-node-exporter-4.56.1)",
  },
  "github-bot": {
    level: "restricted",
    why: "our own Deployment: non-root 65534, seccomp RuntimeDefault, no privilege escalation, all capabilities dropped (src/apps/github-bot.ts)",
  },
  "longhorn-system": {
    level: "privileged",
    why: "the manager, instance managers and CSI plugin run privileged with host paths and mount propagation (longhorn/longhorn chart/templates @v1.12.1); Rancher's restricted template exempts it too",
  },
};

/** The Kubernetes minor the policy is read against: the cluster's, so a k3s bump shows in the plan diff. */
export const POD_SECURITY_VERSION = `v${/^v(\d+\.\d+)\./.exec(K3S.version)![1]}`;

/** The labels of namespace `name`; an unknown namespace is a programming error. */
export function podSecurityLabels(name: string): Record<string, string> {
  const entry = NAMESPACE_POD_SECURITY[name];
  if (!entry) throw new Error(`namespace ${name} has no Pod Security Admission level: add it, with the reason, to src/apps/pod-security.ts`);
  return {
    "pod-security.kubernetes.io/enforce": entry.level,
    "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
  };
}
