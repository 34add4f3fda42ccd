/**
 * Rules over chart validation matrices: every combination must be one upstream can
 * build (Rancher offers the RKE2 release, Harvester accepts the chart it bundles)
 * and must test what it claims (RKE2 bundles the chart under test).
 */
import type { Catalog, ChartMatrix, Combination, Rke2Release } from "../types";
import { channelServerAllows, dashboardChartVersion, isValidRange, kubernetesOf, minorOf, satisfiesAsRancherUi } from "../version";
import { combinationLabel, combinationSubject, problem, shown } from "./problem";
import { testEntryProblems } from "./test-entry";

const NAME_RE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** Charts that run in a guest cluster on Harvester: a row testing one must name its Harvester. */
export const HARVESTER_GUEST_CHARTS: ReadonlySet<string> = new Set(["harvester-cloud-provider", "harvester-csi-driver"]);

export function matrixProblems(catalog: Catalog): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const m of catalog.matrices) {
    if (!NAME_RE.test(m.name)) {
      problems.push(problem(`matrix ${JSON.stringify(m.name)}`, "name must be lowercase letters, digits, '.' and '-' (it names the Jenkins folder)", "matrix-shape"));
    }
    seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
    if (seen.get(m.name) === 2) problems.push(problem(`matrix ${m.name}`, "each matrix name must be used once (it names the Jenkins folder)", "no-duplicates"));
    if (m.combinations.length === 0) problems.push(problem(`matrix ${m.name}`, "must list at least one combination", "matrix-shape"));
    problems.push(...testEntryProblems(m));
    problems.push(...duplicateProblems(m));
    for (const c of m.combinations) problems.push(...combinationProblems(catalog, m, c));
  }
  return problems;
}

/** No duplicate combinations: a second row is a second job testing the same thing. */
function duplicateProblems(m: ChartMatrix): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  m.combinations.forEach((c, i) => {
    const key = combinationLabel(c);
    const at = first.get(key);
    if (at === undefined) first.set(key, i + 1);
    else problems.push(problem(combinationSubject(m.name, c), `each combination must appear once in a matrix (got it at rows ${at} and ${i + 1})`, "no-duplicates"));
  });
  return problems;
}

function combinationProblems(catalog: Catalog, m: ChartMatrix, c: Combination): string[] {
  const subject = combinationSubject(m.name, c);
  const problems: string[] = [];
  const add = (rule: string, id: Parameters<typeof problem>[2]) => problems.push(problem(subject, rule, id));
  const unknown = (what: string, file: string, got: string) => add(`${what} must be one listed in src/matrix/data/${file} (got ${got})`, "known-versions");

  const rancher = catalog.rancher.find((r) => r.version === c.rancher);
  if (!rancher) unknown("rancher", "rancher.ts", c.rancher);
  const rke2 = catalog.rke2.find((r) => r.version === c.rke2);
  if (!rke2) unknown("rke2", "rke2.ts", c.rke2);
  const harvester = c.harvester === undefined ? undefined : catalog.harvester.find((h) => h.version === c.harvester);
  if (c.harvester !== undefined && !harvester) unknown("harvester", "harvester.ts", c.harvester);
  if (c.harvester === undefined && HARVESTER_GUEST_CHARTS.has(m.chart.name)) {
    add(`harvester must name the Harvester release the guest cluster runs on: ${m.chart.name} is tested on Harvester (got none)`, "harvester-named");
  }
  const os = catalog.os.find((o) => o.id === c.os);
  if (!os) unknown("os", "os.ts", c.os);
  else if (m.test.guestOs === "ubuntu" && (os.name !== "Ubuntu" || !os.cloudImage)) {
    add(`os must be an Ubuntu with a cloud image recorded in src/matrix/data/os.ts: the test boots guests from --ubuntu-image-url as user ubuntu (got ${c.os})`, "test-supports-os");
  }

  const kubernetes = kubernetesOf(c.rke2);
  if (kubernetes === undefined) {
    add(`rke2 must be a version such as v1.32.5+rke2r1 (got ${c.rke2})`, "known-versions");
    return problems;
  }
  const minor = minorOf(kubernetes)!;
  if (!catalog.kubernetes.some((k) => k.minor === minor)) unknown("Kubernetes minor", "kubernetes.ts", minor);

  // Rancher provisions the guest only if its channel server offers the release (KDM);
  // the Rancher chart's kubeVersion bounds the cluster Rancher runs on, not its guests.
  if (rancher && rke2) problems.push(...kdmProblems(subject, rancher.version, rke2));
  if (rke2) {
    const bundled = rke2.charts[m.chart.name];
    // A job installing an RKE2 that ships another version is green and proves nothing.
    if (!bundled || (bundled.upstream !== m.chart.version && bundled.packaged !== m.chart.version)) {
      const got = bundled ? `${bundled.upstream}, packaged as ${bundled.packaged}` : "none recorded";
      add(`rke2 ${rke2.version} must bundle ${m.chart.name} ${m.chart.version}, the chart under test (got ${got})`, "chart-bundled");
    }
    if (bundled && harvester?.csiCcmVersions?.[m.chart.name] !== undefined) {
      const range = harvester.csiCcmVersions[m.chart.name];
      const compared = dashboardChartVersion(bundled.packaged);
      if (isValidRange(range) && !satisfiesAsRancherUi(compared, range)) {
        add(
          `harvester ${harvester.version} must accept the ${m.chart.name} rke2 ${rke2.version} bundles (${bundled.packaged}, which Rancher's UI compares as ${compared}): its harvester-csi-ccm-versions allows ${shown(range)} (got ${compared})`,
          "harvester-accepts-chart",
        );
      }
    }
  }
  return problems;
}

function kdmProblems(subject: string, rancher: string, rke2: Rke2Release): string[] {
  if (!rke2.kdm) {
    return [problem(subject, `rke2 ${rke2.version} must have its KDM range recorded in src/matrix/data/rke2.ts (channels-rke2.yaml min/maxChannelServerVersion) before a matrix uses it (got none)`, "known-versions")];
  }
  const { minChannelServerVersion: min, maxChannelServerVersion: max } = rke2.kdm;
  if (channelServerAllows(rancher, min, max)) return [];
  return [problem(subject, `rancher ${rancher} must be able to provision rke2 ${rke2.version}: KDM offers it to Rancher ${min} through ${max} (got ${rancher})`, "kdm-provisionable")];
}
