/** Rules over kOps upgrade paths, the kOps releases they run, and their skip lists. */
import { KOPS_MIN_FOR_DISCOVERY_BUCKET, KOPS_RELEASES, KopsRelease, kopsVersionsOf, testerSkipOf } from "../data/kops";
import type { Catalog, KopsUpgrades, UpgradePath } from "../types";
import { compareMinors, isMinor } from "../version";
import { problem, RuleId } from "./problem";

/** The kOps rules beyond the shared ids (docs/kops-ci.md lists them). */
const kopsProblem = (subject: string, rule: string, id: RuleId) => problem(subject, rule, id);

export const windowLabel = (w: KopsUpgrades["window"]) => `${w.oldest}–${w.newest}`;
export const pathLabel = (p: UpgradePath) => `${p.from} → ${p.to}`;

export function kopsProblems(catalog: Catalog, releases: readonly KopsRelease[] = KOPS_RELEASES): string[] {
  const { window } = catalog.kops;
  const windowSubject = `kops window ${windowLabel(window)}`;
  if (!isMinor(window.oldest) || !isMinor(window.newest)) {
    return [problem(windowSubject, "oldest and newest must be Kubernetes minors such as 1.24", "upgrade-window")];
  }
  if (compareMinors(window.oldest, window.newest) > 0) {
    return [problem(windowSubject, "oldest must not be newer than newest", "upgrade-window")];
  }
  return [...pathProblems(catalog), ...kopsReleaseProblems(catalog, releases), ...coverageProblems(catalog), ...skipProblems(catalog.kops), ...skipRefProblems(catalog.kops)];
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

/**
 * Each path names the kOps it creates the cluster with and the one it upgrades
 * with: releases we list, not going backwards, able to create the path's Kubernetes,
 * and able to write to our discovery bucket.
 */
function kopsReleaseProblems(catalog: Catalog, releases: readonly KopsRelease[]): string[] {
  const problems: string[] = [];
  for (const p of catalog.kops.paths) {
    const subject = `kops upgrade ${pathLabel(p)}`;
    const v = kopsVersionsOf(p);
    if (!v) {
      problems.push(problem(subject, "a path must name its kOps releases, kopsFrom and kopsTo (kOps minors such as 1.27)", "known-versions"));
      continue;
    }
    const sides: [string, string][] = [[v.kopsFrom, p.from], [v.kopsTo, p.to]];
    for (const [kops, kubernetes] of sides) {
      if (!isMinor(kops)) {
        problems.push(problem(subject, `kOps versions must be minors such as 1.27 (got ${kops})`, "known-versions"));
        continue;
      }
      if (compareMinors(kops, KOPS_MIN_FOR_DISCOVERY_BUCKET) < 0) {
        problems.push(
          kopsProblem(
            subject,
            `kOps ${kops} sets a public-read ACL on the OIDC documents, which the discovery bucket (ACLs disabled, BucketOwnerEnforced) refuses; use kOps ${KOPS_MIN_FOR_DISCOVERY_BUCKET} or newer (kubernetes/kops docs/releases/1.26-NOTES.md)`,
            "kops-discovery-bucket",
          ),
        );
        continue;
      }
      const release = releases.find((r) => r.minor === kops);
      if (!release) {
        problems.push(problem(subject, `kOps ${kops} must be listed in src/matrix/data/kops.ts KOPS_RELEASES with its oldest supported Kubernetes`, "known-versions"));
      } else if (isMinor(kubernetes) && compareMinors(kubernetes, release.oldestKubernetes) < 0) {
        problems.push(kopsProblem(subject, `kOps ${kops} cannot create the path's Kubernetes: its oldest supported is ${release.oldestKubernetes} (got Kubernetes ${kubernetes})`, "kops-supports-kubernetes"));
      }
    }
    if (isMinor(v.kopsFrom) && isMinor(v.kopsTo) && compareMinors(v.kopsFrom, v.kopsTo) > 0) {
      problems.push(problem(subject, `the upgrade must not go back to an older kOps (got ${v.kopsFrom} → ${v.kopsTo})`, "upgrade-forward"));
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
      const tester = testerSkipOf(s);
      if (!tester || tester.testNames.length === 0) {
        problems.push(problem(subject, "a skip must be a test-name pattern: list the test names it is for (testNames), which it must match", "skip-entry"));
      } else {
        for (const name of tester.testNames) {
          if (!safeTest(s.regex, name)) problems.push(problem(subject, `regex must match each test name it lists (got no match for "${name}")`, "skip-entry"));
        }
      }
      if (!tester?.appliedBy) {
        problems.push(problem(subject, "a skip must name where it is applied (appliedBy: the kOps ref whose tester adds it; the upgrade scenario reads no skip variable)", "skip-entry"));
      }
      if (!isMinor(s.removeAfter)) problems.push(problem(subject, `removeAfter must be a Kubernetes minor such as 1.26 (got ${s.removeAfter})`, "skip-entry"));
      else if (compareMinors(minor, s.removeAfter) > 0) {
        problems.push(problem(subject, `a skip must be deleted once past its removal version ${s.removeAfter} (got it in the ${minor} list)`, "skip-removal"));
      }
    }
  }
  return problems;
}

function safeTest(regex: string, text: string): boolean {
  try {
    return new RegExp(regex).test(text);
  } catch {
    return false;
  }
}

/** A job checks out one kOps ref, so every skip its Kubernetes minor needs must come from the same tester. */
function skipRefProblems(kops: KopsUpgrades): string[] {
  return Object.entries(kops.skips).flatMap(([minor, entries]) => {
    const refs = new Set(entries.map((e) => testerSkipOf(e)?.appliedBy.ref).filter((r): r is string => r !== undefined));
    return refs.size > 1 ? [problem(`kops skips for ${minor}`, `skips of one minor must be applied by one kOps ref, the one its jobs check out (got ${[...refs].join(", ")})`, "skip-entry")] : [];
  });
}

/** The kOps ref a job whose suite runs on Kubernetes `to` checks out: the tester of its skips, or the default. */
export function testerRef(kops: KopsUpgrades, to: string, fallback: string): string {
  const refs = (kops.skips[to] ?? []).map((e) => testerSkipOf(e)?.appliedBy.ref).filter((r): r is string => r !== undefined);
  return refs[0] ?? fallback;
}
