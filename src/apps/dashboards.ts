/**
 * Grafana dashboards, generated rather than downloaded at start: they live in the
 * repository, are reviewed in PRs, and need no access to grafana.com.
 */
import { INGRESS_UNAVAILABLE, PROMETHEUS_DS_UID } from "./alert-rules";

export interface Panel {
  readonly title: string;
  readonly expr: string;
  readonly unit?: string;
  readonly legend?: string;
}

export const DASHBOARDS: Readonly<Record<string, { title: string; panels: readonly Panel[] }>> = {
  nodes: {
    title: "CI platform / Nodes",
    panels: [
      { title: "CPU busy", expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', unit: "percentunit", legend: "{{instance}}" },
      { title: "Memory used", expr: "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", unit: "percentunit", legend: "{{instance}}" },
      { title: "Disk used", expr: '1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}', unit: "percentunit", legend: "{{instance}} {{mountpoint}}" },
      { title: "Nodes Ready", expr: 'sum by (node) (kube_node_status_condition{condition="Ready",status="true"})', legend: "{{node}}" },
    ],
  },
  ingress: {
    title: "CI platform / Ingress",
    panels: [
      { title: "Requests per second (Traefik)", expr: "sum by (service) (rate(traefik_service_requests_total[5m]))", unit: "reqps", legend: "{{service}}" },
      { title: "Requests per second (ingress-nginx)", expr: "sum by (ingress) (rate(nginx_ingress_controller_requests[5m]))", unit: "reqps", legend: "{{ingress}}" },
      // Deployment or DaemonSet, whichever runs the controller (see INGRESS_UNAVAILABLE).
      { title: "Controller replicas unavailable", expr: INGRESS_UNAVAILABLE },
      { title: "Certificate days left", expr: "(certmanager_certificate_expiration_timestamp_seconds - time()) / 86400", unit: "d", legend: "{{namespace}}/{{name}}" },
    ],
  },
  jenkins: {
    title: "CI platform / Jenkins",
    panels: [
      { title: "Queue size", expr: "jenkins_queue_size_value" },
      { title: "Stuck builds", expr: "jenkins_queue_stuck_value" },
      { title: "Executors busy / total", expr: "jenkins_executor_in_use_value / jenkins_executor_count_value", unit: "percentunit" },
      { title: "Agents online", expr: "jenkins_node_online_value" },
    ],
  },
  longhorn: {
    title: "CI platform / Longhorn",
    panels: [
      // Filesystem usage as the kubelet sees it. longhorn_volume_actual_size_bytes is the space a
      // replica takes on disk, snapshots included, so it can pass the capacity of a healthy volume
      // (Volume.Status.ActualSize, longhorn/longhorn-manager metrics_collector/volume_collector.go @v1.12.1).
      { title: "Volume usage (filesystem)", expr: "max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes)", unit: "percentunit", legend: "{{namespace}}/{{persistentvolumeclaim}}" },
      { title: "Volume space on disk, snapshots included", expr: "max by (volume) (longhorn_volume_actual_size_bytes)", unit: "bytes", legend: "{{volume}}" },
      // One series per volume and `state` (unknown, healthy, degraded, faulted), 1 for the current
      // state (collectVolumeRobustness, same file @v1.12.1): count the volumes in each state.
      { title: "Volumes by robustness", expr: "sum by (state) (longhorn_volume_robustness == 1)", legend: "{{state}}" },
      { title: "Node storage used", expr: "longhorn_node_storage_usage_bytes / longhorn_node_storage_capacity_bytes", unit: "percentunit", legend: "{{node}}" },
    ],
  },
};

export function renderDashboard(uid: string, d: { title: string; panels: readonly Panel[] }): Record<string, unknown> {
  return {
    uid: `ci-${uid}`,
    title: d.title,
    tags: ["ci-infra"],
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      datasource: { type: "prometheus", uid: PROMETHEUS_DS_UID },
      fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
      targets: [{ refId: "A", expr: p.expr, legendFormat: p.legend ?? "__auto", datasource: { type: "prometheus", uid: PROMETHEUS_DS_UID } }],
    })),
  };
}
