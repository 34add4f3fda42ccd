/**
 * Alerts are code: every alert rule and dashboard query is evaluated by Prometheus'
 * own `promtool` against series that stand for a fault (the alert must fire) and
 * for health (it must not). Grafana evaluates our rules as instant query → reduce
 * (last) → threshold per series, with no data meaning OK; `asPrometheusRule` states
 * that as the equivalent Prometheus rule, and the first test pins the Grafana side
 * to the same expression, reducer and threshold. Under CI=true a missing promtool
 * fails the run (`.ci/run` installs Debian's `prometheus` package, which ships it).
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ALERT_RULES, AlertRule, asPrometheusRule, renderAlertRules } from "../../src/apps/alert-rules";
import { DASHBOARDS } from "../../src/apps/dashboards";
import { hasPromtool, promtool, requireValidators } from "../schema-validators";

interface Series {
  readonly series: string;
  /** promtool expanding notation, one sample a minute: `1x30` is 31 samples of 1. */
  readonly values: string;
}

interface Case {
  readonly name: string;
  readonly input: readonly Series[];
  /** Labels of each alert expected to fire (besides severity); [] when none may. */
  readonly fires: readonly Record<string, string>[];
  /** When to look: after the rule's `for`. */
  readonly at: string;
}

const DAY = 86400;

/** Fault and health, per rule. Metric names and labels as the exporters emit them (sources in src/apps/alert-rules.ts). */
const CASES: Record<string, readonly Case[]> = {
  "node-down": [
    {
      name: "a node NotReady for 10 minutes fires, for that node only",
      input: [
        { series: 'kube_node_status_condition{node="n1",condition="Ready",status="true"}', values: "0x15" },
        { series: 'kube_node_status_condition{node="n1",condition="Ready",status="false"}', values: "1x15" },
        { series: 'kube_node_status_condition{node="n2",condition="Ready",status="true"}', values: "1x15" },
      ],
      fires: [{ node: "n1" }],
      at: "10m",
    },
    { name: "Ready nodes do not", input: [{ series: 'kube_node_status_condition{node="n1",condition="Ready",status="true"}', values: "1x15" }], fires: [], at: "10m" },
  ],
  "ingress-backend-unhealthy": [
    {
      name: "an unavailable replica of the Traefik Deployment fires (no DaemonSet series exist)",
      input: [{ series: 'kube_deployment_status_replicas_unavailable{namespace="traefik",deployment="traefik"}', values: "1x10" }],
      fires: [{}],
      at: "5m",
    },
    {
      name: "an unavailable pod of the ingress-nginx DaemonSet fires (no Deployment series exist)",
      input: [{ series: 'kube_daemonset_status_number_unavailable{namespace="ingress-nginx",daemonset="ingress-nginx-controller"}', values: "1x10" }],
      fires: [{}],
      at: "5m",
    },
    {
      name: "a healthy controller and another app's unavailable Deployment do not",
      input: [
        { series: 'kube_deployment_status_replicas_unavailable{namespace="traefik",deployment="traefik"}', values: "0x10" },
        { series: 'kube_deployment_status_replicas_unavailable{namespace="monitoring",deployment="grafana"}', values: "1x10" },
      ],
      fires: [],
      at: "5m",
    },
  ],
  "volume-usage-high": [
    {
      name: "a claim 90 % full for 15 minutes fires",
      input: [
        { series: 'kubelet_volume_stats_used_bytes{namespace="jenkins",persistentvolumeclaim="jenkins-home",node="n1"}', values: "90x20" },
        { series: 'kubelet_volume_stats_capacity_bytes{namespace="jenkins",persistentvolumeclaim="jenkins-home",node="n1"}', values: "100x20" },
      ],
      fires: [{ namespace: "jenkins", persistentvolumeclaim: "jenkins-home" }],
      at: "15m",
    },
    {
      name: "a claim half full does not",
      input: [
        { series: 'kubelet_volume_stats_used_bytes{namespace="jenkins",persistentvolumeclaim="jenkins-home",node="n1"}', values: "50x20" },
        { series: 'kubelet_volume_stats_capacity_bytes{namespace="jenkins",persistentvolumeclaim="jenkins-home",node="n1"}', values: "100x20" },
      ],
      fires: [],
      at: "15m",
    },
  ],
  "disk-usage-high": [
    {
      name: "a node's root filesystem 90 % full fires; a full tmpfs does not",
      input: [
        { series: 'node_filesystem_avail_bytes{instance="n1:9100",mountpoint="/",fstype="xfs"}', values: "10x20" },
        { series: 'node_filesystem_size_bytes{instance="n1:9100",mountpoint="/",fstype="xfs"}', values: "100x20" },
        { series: 'node_filesystem_avail_bytes{instance="n1:9100",mountpoint="/run",fstype="tmpfs"}', values: "0x20" },
        { series: 'node_filesystem_size_bytes{instance="n1:9100",mountpoint="/run",fstype="tmpfs"}', values: "100x20" },
      ],
      fires: [{ instance: "n1:9100", mountpoint: "/" }],
      at: "15m",
    },
    {
      name: "half-full disks do not",
      input: [
        { series: 'node_filesystem_avail_bytes{instance="n1:9100",mountpoint="/",fstype="xfs"}', values: "50x20" },
        { series: 'node_filesystem_size_bytes{instance="n1:9100",mountpoint="/",fstype="xfs"}', values: "100x20" },
      ],
      fires: [],
      at: "15m",
    },
  ],
  "certificate-expiring": [
    {
      // promtool's clock starts at 0: the expiry timestamp is seconds from then.
      name: "a certificate 7 days from expiry, for an hour, fires",
      input: [{ series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="jenkins",name="jenkins-tls"}', values: `${7 * DAY}x90` }],
      fires: [{ namespace: "jenkins", name: "jenkins-tls" }],
      at: "75m",
    },
    { name: "one 60 days from expiry does not", input: [{ series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="jenkins",name="jenkins-tls"}', values: `${60 * DAY}x90` }], fires: [], at: "75m" },
  ],
  "jenkins-queue-stuck": [
    { name: "builds stuck for 20 minutes fire", input: [{ series: 'jenkins_queue_stuck_value{namespace="jenkins"}', values: "2x25" }], fires: [{}], at: "20m" },
    { name: "an empty stuck queue does not", input: [{ series: 'jenkins_queue_stuck_value{namespace="jenkins"}', values: "0x25" }], fires: [], at: "20m" },
  ],
};

function rulesFile(rules: readonly AlertRule[]): string {
  return stringify({ groups: [{ name: "ci-platform", interval: "1m", rules: rules.map(asPrometheusRule) }] });
}

function testsFile(rules: readonly AlertRule[]): string {
  const tests = rules.flatMap((r) =>
    (CASES[r.uid] ?? []).map((c) => ({
      name: `${r.uid}: ${c.name}`,
      interval: "1m",
      input_series: c.input,
      alert_rule_test: [{ eval_time: c.at, alertname: r.uid, exp_alerts: c.fires.map((labels) => ({ exp_labels: { severity: "critical", ...labels } })) }],
    })),
  );
  return stringify({ rule_files: ["alerts.yaml"], evaluation_interval: "1m", tests });
}

const available = hasPromtool();
const unit = it.skipIf(!available);

describe("alert rules under promtool", () => {
  if (!available && requireValidators) it("promtool is installed (CI=true)", () => expect.fail("promtool missing: apt-get install prometheus (.ci/run does)"));

  it("Grafana evaluates the same query, reduced to the last value, against the same threshold", () => {
    const provisioned = (renderAlertRules() as any).groups[0].rules;
    for (const [i, r] of ALERT_RULES.entries()) {
      const [a, b, c] = provisioned[i].data;
      expect(a.model).toMatchObject({ expr: r.expr, instant: true });
      expect(b.model).toMatchObject({ type: "reduce", expression: "A", reducer: "last" });
      expect(c.model.conditions[0].evaluator).toEqual({ type: r.op, params: [r.threshold] });
      expect(provisioned[i]).toMatchObject({ for: r.for, noDataState: "OK", condition: "C" });
      expect(asPrometheusRule(r).expr).toBe(`(${r.expr}) ${r.op === "gt" ? ">" : "<"} ${r.threshold}`);
    }
  });

  it("every rule has a case that fires and a case that must not", () => {
    for (const r of ALERT_RULES) {
      const cases = CASES[r.uid] ?? [];
      expect(cases.some((c) => c.fires.length > 0), r.uid).toBe(true);
      expect(cases.some((c) => c.fires.length === 0), r.uid).toBe(true);
    }
  });

  unit("each rule fires on its fault and stays quiet when healthy", () => {
    const v = promtool({ "alerts.yaml": rulesFile(ALERT_RULES) }, testsFile(ALERT_RULES));
    expect(v.ok, v.output).toBe(true);
  });

  unit("a broken rule fails (so passing means something)", () => {
    const broken = ALERT_RULES.map((r) => (r.uid === "node-down" ? { ...r, expr: "sum by (node) (kube_node_status_condition{condition=\"Ready\"" } : r));
    expect(promtool({ "alerts.yaml": rulesFile(broken) }).ok).toBe(false);
    // The shape of the old ingress rule: one side's absence made it empty, `or vector(0)` made that 0.
    const masked = ALERT_RULES.map((r) =>
      r.uid === "ingress-backend-unhealthy"
        ? { ...r, expr: 'sum(kube_deployment_status_replicas_unavailable{deployment=~"traefik|ingress-nginx-controller"}) + sum(kube_daemonset_status_number_unavailable{daemonset=~"traefik|ingress-nginx-controller"}) or vector(0)' }
        : r,
    );
    const v = promtool({ "alerts.yaml": rulesFile(masked) }, testsFile(masked));
    expect(v.ok).toBe(false);
    expect(v.output).toContain("ingress-backend-unhealthy");
  });
});

describe("dashboard queries under promtool", () => {
  const panels = Object.entries(DASHBOARDS).flatMap(([uid, d]) => d.panels.map((p, i) => ({ record: `dashboard:${uid}:${i}`, expr: p.expr, title: p.title })));

  unit("every panel's query parses", () => {
    const v = promtool({ "dashboards.yaml": stringify({ groups: [{ name: "dashboards", rules: panels.map(({ record, expr }) => ({ record, expr })) }] }) });
    expect(v.ok, v.output).toBe(true);
  });

  unit("Longhorn panels: robustness is one series per state (1.11+), usage is the filesystem's, not the replica's size with snapshots", () => {
    const byTitle = Object.fromEntries(panels.map((p) => [p.title, p.expr]));
    const tests = {
      rule_files: [],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            // longhorn/longhorn-manager metrics_collector/volume_collector.go @v1.12.1: 1 for the current state, 0 for the others.
            ...["unknown", "healthy", "degraded", "faulted"].map((state) => ({ series: `longhorn_volume_robustness{volume="v1",state="${state}"}`, values: state === "degraded" ? "1x5" : "0x5" })),
            ...["unknown", "healthy", "degraded", "faulted"].map((state) => ({ series: `longhorn_volume_robustness{volume="v2",state="${state}"}`, values: state === "healthy" ? "1x5" : "0x5" })),
            // 40 of 100 bytes in the filesystem; 150 bytes on disk with snapshots.
            { series: 'kubelet_volume_stats_used_bytes{namespace="jenkins",persistentvolumeclaim="jenkins-home"}', values: "40x5" },
            { series: 'kubelet_volume_stats_capacity_bytes{namespace="jenkins",persistentvolumeclaim="jenkins-home"}', values: "100x5" },
            { series: 'longhorn_volume_actual_size_bytes{volume="v1",node="n1",pvc="jenkins-home",pvc_namespace="jenkins"}', values: "150x5" },
          ],
          promql_expr_test: [
            { expr: byTitle["Volumes by robustness"], eval_time: "2m", exp_samples: [{ labels: '{state="degraded"}', value: 1 }, { labels: '{state="healthy"}', value: 1 }] },
            { expr: byTitle["Volume usage (filesystem)"], eval_time: "2m", exp_samples: [{ labels: '{namespace="jenkins",persistentvolumeclaim="jenkins-home"}', value: 0.4 }] },
            { expr: byTitle["Controller replicas unavailable"], eval_time: "2m", exp_samples: [{ labels: "{}", value: 0 }] },
          ],
        },
      ],
    };
    const v = promtool({}, stringify(tests));
    expect(v.ok, v.output).toBe(true);
  });
});
