/**
 * Grafana-managed alert rules, provisioned as files (Grafana's alerting
 * provisioning format): each a PromQL query, reduced to one value per series and
 * compared with a threshold. Longhorn's team asked for better monitoring and
 * alerting; these are the failures that stopped their CI before.
 */
export const PROMETHEUS_DS_UID = "prometheus";

/**
 * Unavailable ingress controller pods, whichever workload runs them. Metric names:
 * kube-state-metrics internal/store/deployment.go and daemonset.go @v2.20.0 (the
 * app of the kube-state-metrics 8.4.0 chart the prometheus chart 29.27.0 locks).
 * Workload names are the releases' (`traefik`; ingress-nginx's `ingress-nginx-controller`).
 */
export const INGRESS_UNAVAILABLE =
  '(sum(kube_deployment_status_replicas_unavailable{deployment=~"traefik|ingress-nginx-controller"}) or vector(0))' +
  ' + (sum(kube_daemonset_status_number_unavailable{daemonset=~"traefik|ingress-nginx-controller"}) or vector(0))';

export interface AlertRule {
  readonly uid: string;
  readonly title: string;
  readonly expr: string;
  /** The rule fires when the reduced value is `op` threshold. */
  readonly op: "gt" | "lt";
  readonly threshold: number;
  /** How long the condition must hold. */
  readonly for: string;
  readonly summary: string;
}

export const ALERT_RULES: readonly AlertRule[] = [
  {
    uid: "node-down",
    title: "Kubernetes node not Ready",
    // 1 while Ready, 0 otherwise: one series per node, condition and status
    // (kube-state-metrics internal/store/node.go @v2.20.0).
    expr: 'sum by (node) (kube_node_status_condition{condition="Ready",status="true"})',
    op: "lt",
    threshold: 1,
    for: "3m",
    summary: "A cluster node has not been Ready for 3 minutes: its Longhorn replicas and ingress backend are gone.",
  },
  {
    uid: "ingress-backend-unhealthy",
    title: "Ingress controller replicas unavailable",
    // Fewer ready controllers than wanted means load-balancer backends failing their health check.
    // The controller is a Deployment or a DaemonSet, never both: each side defaults to 0 on its
    // own, or `A + B` is empty whenever one side has no series (and `or vector(0)` hid that).
    expr: INGRESS_UNAVAILABLE,
    op: "gt",
    threshold: 0,
    for: "2m",
    summary: "An ingress controller replica is unavailable: the OCI load balancer marks that node's backend unhealthy.",
  },
  {
    uid: "volume-usage-high",
    title: "Persistent volume above 85 %",
    // The kubelet's filesystem view of each claim (kubernetes/kubernetes pkg/kubelet/metrics:
    // subsystem kubelet, volume_stats_used_bytes / volume_stats_capacity_bytes, labels namespace
    // and persistentvolumeclaim), scraped through the API server by the prometheus chart's
    // kubernetes-nodes job.
    expr: "max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes)",
    op: "gt",
    threshold: 0.85,
    for: "10m",
    summary: "A volume (Jenkins home, Grafana, Prometheus) is more than 85 % full.",
  },
  {
    uid: "disk-usage-high",
    title: "Node disk above 85 %",
    // node_exporter's filesystem collector: node_filesystem_{avail,size}_bytes by device, mountpoint, fstype.
    expr: 'max by (instance, mountpoint) (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"})',
    op: "gt",
    threshold: 0.85,
    for: "10m",
    summary: "A node filesystem (images, Longhorn data) is more than 85 % full.",
  },
  {
    uid: "certificate-expiring",
    title: "Certificate expires within 14 days",
    // cert-manager pkg/metrics @v1.21.1 (namespace certmanager; labels name, namespace, issuer_*).
    expr: "min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds - time()) / 86400",
    op: "lt",
    threshold: 14,
    for: "1h",
    summary: "cert-manager has not renewed a certificate that expires within 14 days (ACME HTTP-01 through port 80 failing?).",
  },
  {
    uid: "jenkins-queue-stuck",
    title: "Jenkins queue stuck",
    // Builds waiting that no executor can take: the metrics plugin's gauge jenkins.queue.stuck.value,
    // which the prometheus plugin exports through DropwizardExports with its default name
    // sanitising (jenkinsci/prometheus-plugin service/DefaultPrometheusMetrics.java, read on main).
    expr: "max(jenkins_queue_stuck_value)",
    op: "gt",
    threshold: 0,
    for: "15m",
    summary: "Builds have waited 15 minutes for an executor: a docker agent is offline or too few executors.",
  },
];

/** `{{` is Helm's: the chart passes alerting files through `tpl`. */
function escapeTpl(s: string): string {
  return s.replace(/\{\{/g, '{{ "{{" }}');
}

/**
 * The rule as Prometheus would evaluate it, for `promtool test rules`: Grafana runs
 * the instant query (A), reduces each series to its last value (B, reducer last) and
 * fires each series whose value passes the threshold (C); `noDataState: OK` means no
 * series, no alert. For an instant query that is the comparison filter on A.
 */
export function asPrometheusRule(r: AlertRule): { alert: string; expr: string; for: string; labels: Record<string, string> } {
  return { alert: r.uid, expr: `(${r.expr}) ${r.op === "gt" ? ">" : "<"} ${r.threshold}`, for: r.for, labels: { severity: "critical" } };
}

export function renderAlertRules(rules: readonly AlertRule[] = ALERT_RULES): Record<string, unknown> {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: "ci-platform",
        folder: "CI platform",
        interval: "1m",
        rules: rules.map((r) => ({
          uid: r.uid,
          title: r.title,
          condition: "C",
          for: r.for,
          noDataState: "OK",
          execErrState: "Error",
          labels: { severity: "critical" },
          annotations: { summary: escapeTpl(r.summary) },
          data: [
            { refId: "A", datasourceUid: PROMETHEUS_DS_UID, relativeTimeRange: { from: 600, to: 0 }, model: { refId: "A", expr: r.expr, instant: true } },
            { refId: "B", datasourceUid: "__expr__", model: { refId: "B", type: "reduce", expression: "A", reducer: "last" } },
            { refId: "C", datasourceUid: "__expr__", model: { refId: "C", type: "threshold", expression: "B", conditions: [{ evaluator: { type: r.op, params: [r.threshold] } }] } },
          ],
        })),
      },
    ],
  };
}
