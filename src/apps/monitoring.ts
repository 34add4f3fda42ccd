/**
 * Prometheus (metrics, node and kube-state exporters) and Grafana at
 * `grafana.<domain>` with the Prometheus data source, the platform dashboards and
 * the alert rules provisioned, admin credentials generated, data on a retained
 * Longhorn volume. Grafana alerting replaces Alertmanager. node-exporter, which
 * needs the host, runs in a namespace of its own so `monitoring` can be restricted.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { PROMETHEUS_DS_UID, renderAlertRules } from "./alert-rules";
import { AppComponent, WebAppArgs } from "./app-component";
import { AppAccess, allowlistAnnotations, allowlistMiddleware } from "./client-access";
import { DASHBOARDS, renderDashboard } from "./dashboards";
import { retainedClaim } from "./longhorn-values";
import { Manifest, namespace, opaqueSecret } from "./manifest";
import { appPolicies } from "./network-policy";
import { ingressTls, TlsPlan } from "./tls";
import { generatedPassword } from "../components/generated-secrets";

export const MONITORING_NAMESPACE = "monitoring";
/** node-exporter's own namespace (subchart value namespaceOverride, prometheus-node-exporter 4.56.1 templates/_helpers.tpl). */
export const NODE_EXPORTER_NAMESPACE = "node-exporter";
/** Grafana's pods and port: grafana.selectorLabels and service.targetPort (charts/grafana @grafana-12.11.1). */
export const GRAFANA_PODS = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana" } as const;
export const GRAFANA_PORT = 3000;

/** Restricted Pod Security for a container the chart leaves without a context. */
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
const GRAFANA_ADMIN_SECRET = "grafana-admin";
const GRAFANA_ALERTING_SECRET = "grafana-alerting";
const GRAFANA_CLAIM = "grafana-data";
const DASHBOARDS_CONFIGMAP = "grafana-dashboards";
/** The Prometheus chart's server Service, in-cluster. */
export const PROMETHEUS_URL = `http://prometheus-server.${MONITORING_NAMESPACE}.svc.cluster.local`;

/** `hostname` and `access` are Grafana's. */
export interface MonitoringArgs extends WebAppArgs {
  /** Size of Grafana's data volume (retained claim), GB. */
  readonly grafanaStorageGbs: number;
  /** Size of Prometheus' data volume, GB. */
  readonly prometheusStorageGbs: number;
  /** How long Prometheus keeps samples, days. */
  readonly retentionDays: number;
  /** Where Grafana sends alerts (secret); none: alerts show only in Grafana. */
  readonly alertWebhookUrl?: pulumi.Output<string>;
  /** Protects Grafana's data claim against deletion (prod). */
  readonly protect: boolean;
}

export function prometheusValues(a: { retentionDays: number; storageGbs: number }): Record<string, unknown> {
  return {
    server: {
      retention: `${a.retentionDays}d`,
      persistentVolume: { enabled: true, size: `${a.storageGbs}Gi` },
      // Its volume is ReadWriteOnce: the old pod must let go before the new one starts. The
      // chart's default too (charts/prometheus/values.yaml server.strategy @prometheus-29.27.0),
      // stated because the rule must hold whatever a chart bump changes.
      strategy: { type: "Recreate" },
      // The chart's pod context (65534, non-root) plus seccomp; its container context is empty.
      securityContext: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
      containerSecurityContext: RESTRICTED_CONTAINER,
    },
    configmapReload: { prometheus: { containerSecurityContext: RESTRICTED_CONTAINER } },
    // Grafana evaluates and routes alerts.
    alertmanager: { enabled: false },
    "prometheus-pushgateway": { enabled: false },
    // Restricted by its own defaults (kube-state-metrics values.yaml securityContext @kube-state-metrics-8.4.0).
    "kube-state-metrics": { enabled: true },
    // hostNetwork, hostPID and the host's / (values.yaml @prometheus-node-exporter-4.56.1): privileged,
    // so it gets a namespace of its own.
    "prometheus-node-exporter": { enabled: true, namespaceOverride: NODE_EXPORTER_NAMESPACE },
  };
}

export function grafanaValues(a: { hostname: string; ingressClassName: string; tls: TlsPlan; access?: AppAccess; webhook: boolean }): Record<string, unknown> {
  const t = ingressTls(a.tls, a.hostname, "grafana-tls");
  const alerting: Record<string, unknown> = { "rules.yaml": renderAlertRules() };
  if (a.webhook) {
    // The URL comes from a Secret through the environment; Grafana expands it in provisioning files.
    alerting["contactpoints.yaml"] = {
      apiVersion: 1,
      contactPoints: [{ orgId: 1, name: "ci-platform", receivers: [{ uid: "ci-platform-webhook", type: "webhook", settings: { url: "${ALERT_WEBHOOK_URL}", httpMethod: "POST" } }] }],
    };
    alerting["policies.yaml"] = { apiVersion: 1, policies: [{ orgId: 1, receiver: "ci-platform", group_by: ["alertname"] }] };
  }
  return {
    admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
    persistence: { enabled: true, existingClaim: GRAFANA_CLAIM },
    // grafana-data is ReadWriteOnce: a RollingUpdate's new pod waits forever for the volume
    // (the chart defaults to RollingUpdate, values.yaml deploymentStrategy @grafana-12.11.1).
    deploymentStrategy: { type: "Recreate" },
    // The chown init container runs as root with CHOWN/DAC_OVERRIDE (values.yaml initChownData
    // @grafana-12.11.1), which restricted refuses; fsGroup 472 already owns the volume.
    initChownData: { enabled: false },
    ingress: { enabled: true, ingressClassName: a.ingressClassName, annotations: { ...t.annotations, ...(a.access ? allowlistAnnotations(a.access, MONITORING_NAMESPACE) : {}) }, hosts: [a.hostname], tls: t.tls },
    "grafana.ini": { server: { root_url: `https://${a.hostname}` } },
    datasources: {
      "datasources.yaml": { apiVersion: 1, datasources: [{ name: "Prometheus", uid: PROMETHEUS_DS_UID, type: "prometheus", url: PROMETHEUS_URL, access: "proxy", isDefault: true }] },
    },
    dashboardProviders: {
      "dashboardproviders.yaml": { apiVersion: 1, providers: [{ name: "ci", orgId: 1, folder: "CI platform", type: "file", disableDeletion: true, options: { path: "/var/lib/grafana/dashboards/ci" } }] },
    },
    dashboardsConfigMaps: { ci: DASHBOARDS_CONFIGMAP },
    alerting,
    ...(a.webhook ? { envValueFrom: { ALERT_WEBHOOK_URL: { secretKeyRef: { name: GRAFANA_ALERTING_SECRET, key: "webhookUrl" } } } } : {}),
  };
}

export function dashboardsConfigMap(): Manifest {
  const data: Record<string, string> = {};
  for (const [uid, d] of Object.entries(DASHBOARDS)) data[`${uid}.json`] = JSON.stringify(renderDashboard(uid, d));
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: DASHBOARDS_CONFIGMAP, namespace: MONITORING_NAMESPACE }, data };
}

/**
 * monitoring's ingress: the ingress controller to Grafana; Grafana → Prometheus →
 * kube-state-metrics stay inside the namespace. Prometheus itself reaches its
 * targets in other namespaces through their policies.
 */
export function monitoringPolicies(access: AppAccess): Manifest[] {
  return appPolicies({ namespace: MONITORING_NAMESPACE, controller: access.controller, web: { pods: GRAFANA_PODS, ports: [GRAFANA_PORT] }, withinNamespace: true });
}

export class Monitoring extends AppComponent {
  readonly url: string;
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Monitoring", name, args, opts);
    const ns = this.manifest("namespace", namespace(MONITORING_NAMESPACE));
    const nodeExporterNs = this.manifest("node-exporter-namespace", namespace(NODE_EXPORTER_NAMESPACE));
    this.isolate(ns, monitoringPolicies(args.access));
    const after = { dependsOn: [ns, nodeExporterNs, ...args.dependsOn] };
    this.release("prometheus", {
      name: "prometheus",
      namespace: MONITORING_NAMESPACE,
      chart: CHARTS.prometheus,
      values: prometheusValues({ retentionDays: args.retentionDays, storageGbs: args.prometheusStorageGbs }),
    }, after);

    this.grafanaAdminPassword = generatedPassword(this.childName("grafana-admin-password"), 32, this.childOpts());
    const pw = this.grafanaAdminPassword;
    const deps: pulumi.Resource[] = [
      this.secretManifest("grafana-admin", (s) => opaqueSecret(GRAFANA_ADMIN_SECRET, MONITORING_NAMESPACE, { "admin-user": "admin", "admin-password": s(pw) }), after),
      this.manifest("dashboards", dashboardsConfigMap(), after),
      this.manifest("grafana-data", retainedClaim(GRAFANA_CLAIM, MONITORING_NAMESPACE, args.grafanaStorageGbs), { ...after, protect: args.protect, retainOnDelete: true }),
    ];
    deps.push(...this.suppliedTls(args.tls, MONITORING_NAMESPACE, ns));
    const middleware = allowlistMiddleware(args.access, MONITORING_NAMESPACE);
    if (middleware) deps.push(this.manifest("client-allowlist", middleware, after));
    const webhook = args.alertWebhookUrl;
    if (webhook) deps.push(this.secretManifest("grafana-alerting", (s) => opaqueSecret(GRAFANA_ALERTING_SECRET, MONITORING_NAMESPACE, { webhookUrl: s(webhook) }), after));
    this.release("grafana", {
      name: "grafana",
      namespace: MONITORING_NAMESPACE,
      chart: CHARTS.grafana,
      values: grafanaValues({ hostname: args.hostname, ingressClassName: args.ingressClassName, tls: args.tls, access: args.access, webhook: webhook !== undefined }),
    }, { dependsOn: deps });
    this.url = `https://${args.hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
