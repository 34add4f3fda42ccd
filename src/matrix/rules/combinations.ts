/** Rules over chart validation matrices: every combination must be installable and test what it claims. */
import type { Catalog, ChartMatrix, Combination } from "../types";
import { kubernetesOf, minorOf } from "../version";
import { kubeBoundsRule } from "./kube-bounds";
import { combinationLabel, combinationSubject, problem } from "./problem";

const NAME_RE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

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
  const unknown = (what: string, file: string, got: string) =>
    problems.push(problem(subject, `${what} must be one listed in src/matrix/data/${file} (got ${got})`, "known-versions"));

  const rancher = catalog.rancher.find((r) => r.version === c.rancher);
  if (!rancher) unknown("rancher", "rancher.ts", c.rancher);
  const rke2 = catalog.rke2.find((r) => r.version === c.rke2);
  if (!rke2) unknown("rke2", "rke2.ts", c.rke2);
  if (c.harvester !== undefined && !catalog.harvester.some((h) => h.version === c.harvester)) unknown("harvester", "harvester.ts", c.harvester);
  if (!catalog.os.some((o) => o.id === c.os)) unknown("os", "os.ts", c.os);

  const kubernetes = kubernetesOf(c.rke2);
  if (kubernetes === undefined) {
    problems.push(problem(subject, `rke2 must be a version such as v1.32.5+rke2r1 (got ${c.rke2})`, "known-versions"));
    return problems;
  }
  const minor = minorOf(kubernetes)!;
  if (!catalog.kubernetes.some((k) => k.minor === minor)) unknown("Kubernetes minor", "kubernetes.ts", minor);

  if (rancher) {
    const broken = kubeBoundsRule(kubernetes, `rancher ${rancher.version}`, rancher.kubeVersion);
    if (broken) problems.push(problem(subject, broken, "kube-within-chart-bounds"));
  }
  // A matrix that installs RKE2 tests whatever chart RKE2 ships; if that is not
  // the version under test, the job is green and proves nothing.
  if (rke2) {
    const bundled = rke2.charts[m.chart.name];
    if (bundled !== m.chart.version) {
      problems.push(problem(subject, `rke2 ${rke2.version} must bundle ${m.chart.name} ${m.chart.version}, the chart under test (got ${bundled ?? "none recorded"})`, "chart-bundled"));
    }
  }
  return problems;
}
