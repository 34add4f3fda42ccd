/**
 * Rules over the version data itself: each version recorded once (one home per
 * fact: two Rancher v2.10.6 rows with different bounds would make every other
 * rule's answer depend on which row it found first) and spelled so the other
 * rules can read it.
 */
import type { Catalog } from "../types";
import { isMinor, isValidRange, isVersion, kubernetesOf, packagesUpstream } from "../version";
import { problem } from "./problem";

export function dataProblems(catalog: Catalog): string[] {
  const problems: string[] = [];
  const once = (file: string, keys: readonly string[]) => {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) problems.push(problem(`src/matrix/data/${file} ${k}`, "each version must be recorded once", "no-duplicates"));
      seen.add(k);
    }
  };
  once("kubernetes.ts", catalog.kubernetes.map((k) => k.minor));
  once("rancher.ts", catalog.rancher.map((r) => r.version));
  once("rke2.ts", catalog.rke2.map((r) => r.version));
  once("harvester.ts", catalog.harvester.map((h) => h.version));
  once("os.ts", catalog.os.map((o) => o.id));

  for (const k of catalog.kubernetes) {
    const subject = `src/matrix/data/kubernetes.ts ${k.minor}`;
    if (!isMinor(k.minor)) problems.push(problem(subject, "minor must be written like 1.30", "data-shape"));
    if (Number.isNaN(Date.parse(k.endOfLife))) problems.push(problem(subject, `endOfLife must be an ISO date (got ${k.endOfLife})`, "data-shape"));
    if (k.latestPatch !== undefined && !k.latestPatch.startsWith(`${k.minor}.`)) {
      problems.push(problem(subject, `latestPatch must be a patch of ${k.minor} (got ${k.latestPatch})`, "data-shape"));
    }
    if (k.released !== undefined && Number.isNaN(Date.parse(k.released))) problems.push(problem(subject, `released must be an ISO date (got ${k.released})`, "data-shape"));
    if (!k.source?.trim()) problems.push(problem(subject, "source must say where the dates were read (repository, path and version)", "data-shape"));
  }
  for (const r of catalog.rancher) {
    if (!isValidRange(r.kubeVersion)) {
      problems.push(problem(`src/matrix/data/rancher.ts ${r.version}`, `kubeVersion must be a semver range such as "< 1.32.0-0" (got ${JSON.stringify(r.kubeVersion)})`, "data-shape"));
    }
  }
  for (const r of catalog.rke2) {
    const subject = `src/matrix/data/rke2.ts ${r.version}`;
    if (kubernetesOf(r.version) === undefined) problems.push(problem(subject, "version must be written like v1.32.5+rke2r1", "data-shape"));
    for (const [chart, b] of Object.entries(r.charts)) {
      // rke2-charts packages upstream X.Y.Z as X.Y.(Z*100+N): 0.2.10 → 0.2.1000.
      if (!packagesUpstream(b.packaged, b.upstream)) {
        problems.push(problem(`${subject} ${chart}`, `packaged must be the rke2-charts spelling of upstream ${b.upstream} (X.Y.Z → X.Y.(Z*100+N)) (got ${b.packaged})`, "data-shape"));
      }
    }
    if (r.kdm) {
      for (const [k, v] of [["minChannelServerVersion", r.kdm.minChannelServerVersion], ["maxChannelServerVersion", r.kdm.maxChannelServerVersion]] as const) {
        if (!isVersion(v)) problems.push(problem(`${subject} kdm`, `${k} must be a version such as v2.10.0-alpha1 (got ${v})`, "data-shape"));
      }
    }
  }
  for (const h of catalog.harvester) {
    for (const [chart, range] of Object.entries(h.csiCcmVersions ?? {})) {
      if (!isValidRange(range)) problems.push(problem(`src/matrix/data/harvester.ts ${h.version} ${chart}`, `range must be a semver range such as ">=0.0.1 <0.3.0" (got ${JSON.stringify(range)})`, "data-shape"));
    }
  }
  return problems;
}
