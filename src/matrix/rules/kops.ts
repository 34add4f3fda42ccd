/** Rules over kOps upgrade paths and their skip lists. */
import type { Catalog, KopsUpgrades, UpgradePath } from "../types";
import { compareMinors, isMinor } from "../version";
import { problem } from "./problem";

export const windowLabel = (w: KopsUpgrades["window"]) => `${w.oldest}–${w.newest}`;
export const pathLabel = (p: UpgradePath) => `${p.from} → ${p.to}`;

export function kopsProblems(catalog: Catalog): string[] {
  const { window } = catalog.kops;
  const windowSubject = `kops window ${windowLabel(window)}`;
  if (!isMinor(window.oldest) || !isMinor(window.newest)) {
    return [problem(windowSubject, "oldest and newest must be Kubernetes minors such as 1.24", "upgrade-window")];
  }
  if (compareMinors(window.oldest, window.newest) > 0) {
    return [problem(windowSubject, "oldest must not be newer than newest", "upgrade-window")];
  }
  return [...pathProblems(catalog), ...coverageProblems(catalog), ...skipProblems(catalog.kops)];
}

const inWindow = (w: KopsUpgrades["window"], minor: string) => compareMinors(w.oldest, minor) <= 0 && compareMinors(minor, w.newest) <= 0;

function pathProblems(catalog: Catalog): string[] {
  const { window, paths } = catalog.kops;
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const p of paths) {
    const subject = `kops upgrade ${pathLabel(p)}`;
    counts.set(pathLabel(p), (counts.get(pathLabel(p)) ?? 0) + 1);
    if (counts.get(pathLabel(p)) === 2) {
      problems.push(problem(subject, `each upgrade path must appear once (got it ${paths.filter((q) => pathLabel(q) === pathLabel(p)).length} times)`, "no-duplicates"));
    }
    if (!isMinor(p.from) || !isMinor(p.to)) {
      problems.push(problem(subject, "from and to must be Kubernetes minors such as 1.25", "known-versions"));
      continue;
    }
    // A downgrade or a no-op is not an upgrade test, whatever the job is called.
    if (compareMinors(p.from, p.to) >= 0) problems.push(problem(subject, "an upgrade path must go forward, to a newer Kubernetes minor", "upgrade-forward"));
    const outside = [p.from, p.to].filter((v) => !inWindow(window, v));
    if (outside.length) {
      problems.push(problem(subject, `both ends must be within the kOps window ${windowLabel(window)}; drop paths older than the window (got ${outside.join(", ")} outside)`, "upgrade-window"));
    }
    for (const v of new Set([p.from, p.to])) {
      const k = catalog.kubernetes.find((m) => m.minor === v);
      if (!k) problems.push(problem(subject, `Kubernetes minor must be one listed in src/matrix/data/kubernetes.ts (got ${v})`, "known-versions"));
      else if (!k.latestPatch) problems.push(problem(subject, `Kubernetes ${v} needs a latestPatch in src/matrix/data/kubernetes.ts for the job to pin`, "known-versions"));
    }
  }
  return problems;
}

/** kOps keeps an upgrade test per supported version: each minor after the oldest needs a path into it. */
function coverageProblems(catalog: Catalog): string[] {
  const { window, paths } = catalog.kops;
  return catalog.kubernetes
    .map((k) => k.minor)
    // Misspelled minors are data-shape problems, reported by rules/data.ts.
    .filter((minor) => isMinor(minor) && inWindow(window, minor) && minor !== window.oldest)
    .filter((minor) => !paths.some((p) => p.to === minor))
    .map((minor) => problem(`kops window ${windowLabel(window)}`, `every minor after the oldest needs an upgrade path into it (got none into ${minor})`, "upgrade-coverage"));
}

/** Stale skips are how coverage silently rots: a skip outlives the version that needed it. */
function skipProblems(kops: KopsUpgrades): string[] {
  const problems: string[] = [];
  for (const [minor, entries] of Object.entries(kops.skips)) {
    if (!isMinor(minor)) {
      problems.push(problem(`kops skips for ${minor}`, "skip lists must be keyed by a Kubernetes minor such as 1.25", "skip-entry"));
      continue;
    }
    if (!inWindow(kops.window, minor)) {
      problems.push(problem(`kops skips for ${minor}`, `skip lists must only exist for minors within the kOps window ${windowLabel(kops.window)}; remove the list with its version`, "skip-removal"));
    }
    for (const s of entries) {
      const subject = `kops skip /${s.regex}/ for ${minor}`;
      try {
        new RegExp(s.regex);
      } catch (err) {
        problems.push(problem(subject, `regex must compile (got ${(err as Error).message})`, "skip-entry"));
      }
      if (!s.reason.trim()) problems.push(problem(subject, "reason must say why the tests are skipped", "skip-entry"));
      if (!isMinor(s.removeAfter)) problems.push(problem(subject, `removeAfter must be a Kubernetes minor such as 1.26 (got ${s.removeAfter})`, "skip-entry"));
      else if (compareMinors(minor, s.removeAfter) > 0) {
        problems.push(problem(subject, `a skip must be deleted once past its removal version ${s.removeAfter} (got it in the ${minor} list)`, "skip-removal"));
      }
    }
  }
  return problems;
}
