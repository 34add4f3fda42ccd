/**
 * Prometheus (metrics, node and kube-state exporters) and Grafana at
 * `grafana.<domain>` with the Prometheus data source, the platform dashboards and
 * the alert rules provisioned, admin credentials generated, data on a retained
 * Longhorn volume. Grafana alerting replaces Alertmanager.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { PROMETHEUS_DS_UID, renderAlertRules } from "./alert-rules";
import { AppArgs, AppComponent } from "./app-component";
import { DASHBOARDS, renderDashboard } from "./dashboards";
import { retainedClaim } from "./longhorn-values";
import { Manifest, namespace, opaqueSecret } from "./manifest";
import { ingressTls, TlsPlan } from "./tls";
import { generatedPassword } from "../components/generated-secrets";

export const MONITORING_NAMESPACE = "monitoring";
const GRAFANA_ADMIN_SECRET = "grafana-admin";
const GRAFANA_ALERTING_SECRET = "grafana-alerting";
const GRAFANA_CLAIM = "grafana-data";
const DASHBOARDS_CONFIGMAP = "grafana-dashboards";
/** The Prometheus chart's server Service, in-cluster. */
export const PROMETHEUS_URL = `http://prometheus-server.${MONITORING_NAMESPACE}.svc.cluster.local`;

export interface MonitoringArgs extends AppArgs {
  readonly hostname: string;
  readonly ingressClassName: string;
  readonly tls: TlsPlan;
  readonly grafanaStorageGbs: number;
  readonly prometheusStorageGbs: number;
  readonly retentionDays: number;
  readonly alertWebhookUrl?: pulumi.Output<string>;
  readonly protect: boolean;
  readonly dependsOn: pulumi.Resource[];
}

export function prometheusValues(a: { retentionDays: number; storageGbs: number }): Record<string, unknown> {
  return {
    server: { retention: `${a.retentionDays}d`, persistentVolume: { enabled: true, size: `${a.storageGbs}Gi` } },
    // Grafana evaluates and routes alerts.
    alertmanager: { enabled: false },
    "prometheus-pushgateway": { enabled: false },
    "kube-state-metrics": { enabled: true },
    "prometheus-node-exporter": { enabled: true },
  };
}

export function grafanaValues(a: { hostname: string; ingressClassName: string; tls: TlsPlan; webhook: boolean }): Record<string, unknown> {
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
    ingress: { enabled: true, ingressClassName: a.ingressClassName, annotations: t.annotations, hosts: [a.hostname], tls: t.tls },
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


export class Monitoring extends AppComponent {
  readonly url: string;
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Monitoring", name, args, opts);
    const ns = this.manifest("namespace", namespace(MONITORING_NAMESPACE));
    const after = { dependsOn: [ns, ...args.dependsOn] };
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
    const webhook = args.alertWebhookUrl;
    if (webhook) deps.push(this.secretManifest("grafana-alerting", (s) => opaqueSecret(GRAFANA_ALERTING_SECRET, MONITORING_NAMESPACE, { webhookUrl: s(webhook) }), after));
    this.release("grafana", {
      name: "grafana",
      namespace: MONITORING_NAMESPACE,
      chart: CHARTS.grafana,
      values: grafanaValues({ hostname: args.hostname, ingressClassName: args.ingressClassName, tls: args.tls, webhook: webhook !== undefined }),
    }, { dependsOn: deps });
    this.url = `https://${args.hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
