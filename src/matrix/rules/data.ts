/**
 * Rules over the version data itself: each version recorded once (one home per
 * fact: two Rancher v2.10.6 rows with different bounds would make every other
 * rule's answer depend on which row it found first) and spelled so the other
 * rules can read it.
 */
import type { Catalog } from "../types";
import { isMinor, isValidRange, kubernetesOf } from "../version";
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
  }
  for (const r of catalog.rancher) {
    if (!isValidRange(r.kubeVersion)) {
      problems.push(problem(`src/matrix/data/rancher.ts ${r.version}`, `kubeVersion must be a semver range such as "< 1.32.0-0" (got ${JSON.stringify(r.kubeVersion)})`, "data-shape"));
    }
  }
  for (const r of catalog.rke2) {
    if (kubernetesOf(r.version) === undefined) problems.push(problem(`src/matrix/data/rke2.ts ${r.version}`, "version must be written like v1.32.5+rke2r1", "data-shape"));
  }
  return problems;
}
