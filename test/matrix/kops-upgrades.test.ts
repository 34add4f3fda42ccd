/**
 * kOps upgrade data and rules after issue 11: the seed's Kubernetes 1.24-1.26 window
 * tested with kOps 1.27+, a rule for kOps versions that cannot write to a
 * BucketOwnerEnforced discovery bucket, and a skip that is a test-name pattern
 * applied where the upgrade scenario applies skips (kOps' tester).
 */
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/matrix/catalog";
import { KOPS_RELEASES, kopsVersionsOf, testerSkipOf } from "../../src/matrix/data/kops";
import { kopsProblems } from "../../src/matrix/rules/kops";
import type { SkipEntry } from "../../src/matrix/types";
import { withKops } from "./fixtures";

const [first, second] = CATALOG.kops.paths;

describe("the shipped kOps upgrade paths", () => {
  it("keep the seed's Kubernetes 1.24-1.26 window and test kOps 1.27 or newer", () => {
    expect(CATALOG.kops.window).toEqual({ oldest: "1.24", newest: "1.26" });
    for (const p of CATALOG.kops.paths) {
      const v = kopsVersionsOf(p)!;
      expect(v, `${p.from} -> ${p.to}`).toBeDefined();
      for (const k of [v.kopsFrom, v.kopsTo]) expect(Number(k.split(".")[1])).toBeGreaterThanOrEqual(27);
    }
    expect(kopsProblems(CATALOG)).toEqual([]);
  });

  it("each kOps release records the oldest Kubernetes it supports, with its source", () => {
    for (const r of KOPS_RELEASES) {
      expect(r.oldestKubernetes).toMatch(/^1\.\d+$/);
      expect(r.source).toMatch(/kubernetes\/kops/);
    }
  });
});

describe("kOps rules", () => {
  it("refuses a kOps version that writes public-read ACLs (< 1.26) into the BucketOwnerEnforced discovery bucket", () => {
    const old = { ...first, kopsFrom: "1.25" };
    expect(kopsProblems(withKops({ paths: [old, second] }))).toEqual([
      expect.stringMatching(/^kops upgrade 1\.24 → 1\.25: kOps 1\.25 .*public-read ACL.*1\.26.* \[kops-discovery-bucket\]$/),
    ]);
  });

  it("refuses a kOps release that cannot create the path's Kubernetes", () => {
    const tooNew = { ...first, kopsFrom: "1.30" };
    expect(kopsProblems(withKops({ paths: [tooNew, second] }))).toContainEqual(expect.stringMatching(/kOps 1\.30 .*oldest.*1\.25.*\(got Kubernetes 1\.24\) \[kops-supports-kubernetes\]$/));
  });

  it("refuses a path without kOps versions", () => {
    expect(kopsProblems(withKops({ paths: [{ from: "1.24", to: "1.25" }, second] }))).toContainEqual(expect.stringMatching(/kops upgrade 1\.24 → 1\.25: .*kopsFrom and kopsTo.* \[known-versions\]$/));
  });

  it("refuses an error string as a skip: a skip must match the test names it lists, and name where it is applied", () => {
    const errorString: SkipEntry = { regex: "NoCredentialProviders", reason: "old SDK", removeAfter: "1.26" };
    const problems = kopsProblems(withKops({ skips: { ...CATALOG.kops.skips, "1.26": [errorString] } }));
    expect(problems).toContainEqual(expect.stringMatching(/^kops skip \/NoCredentialProviders\/ for 1\.26: .*test names.* \[skip-entry\]$/));
    expect(problems).toContainEqual(expect.stringMatching(/^kops skip \/NoCredentialProviders\/ for 1\.26: .*applied.* \[skip-entry\]$/));
  });

  it("the shipped old-SDK skip is upstream's: its pattern matches the storage tests it names, its reason is upstream's", () => {
    const skip = testerSkipOf(CATALOG.kops.skips["1.26"][0])!;
    expect(skip.appliedBy).toEqual({ repo: "kubernetes/kops", ref: "release-1.31", path: "tests/e2e/pkg/tester/skip_regex.go" });
    for (const name of skip.testNames) expect(new RegExp(skip.regex).test(name), name).toBe(true);
    expect(new RegExp(skip.regex).test("NoCredentialProviders: no valid providers in chain")).toBe(false);
    expect(skip.reason).toContain("aws-sdk-go");
  });
});
