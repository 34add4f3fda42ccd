import { RANCHER } from "../../src/matrix/data/rancher";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CATALOG } from "../../src/matrix/catalog";
import { createMatrixExtension, MATRIX_ARTIFACTS, matrixExtension } from "../../src/matrix/plan-extension";
import { renderJobDsl } from "../../src/matrix/render/job-dsl";
import { planExtensions } from "../../src/cli/plan";
import type { PlanResult } from "../../src/plan/run";
import { ROW_2_10, withCombinations } from "./fixtures";

// The matrix extension ignores the plan: its checks and files are global facts.
const plan = {} as PlanResult;

describe("plan extension", () => {
  it("is registered with the offline plan", () => {
    expect(planExtensions()).toContain(matrixExtension);
  });

  it("finds nothing fatal in the shipped matrices and pins", () => {
    expect(matrixExtension.check!(plan)).toEqual([]);
  });

  it("fails the plan with exit 2 on a broken matrix or pin, one line per rule", () => {
    const ext = createMatrixExtension({
      catalog: withCombinations({ ...ROW_2_10, rke2: "v1.32.5+rke2r1" }),
      pins: { k3s: { version: "v1.37.1+k3s1" }, charts: { rancher: { repo: "r", chart: "rancher", version: "2.15.0", source: "test" } }, rancher: RANCHER },
      now: () => new Date("2026-11-23"),
    });
    expect(ext.check!(plan)).toEqual([
      {
        exitCode: 2,
        problems: [
          "matrix harvester-cloud-provider-0.2.10 combination rancher v2.10.6 + harvester v1.4.3 + rke2 v1.32.5+rke2r1 + ubuntu-24.04: rancher v2.10.6 must be able to provision rke2 v1.32.5+rke2r1: KDM offers it to Rancher v2.11.0-alpha1 through v2.12.99 (got v2.10.6) [kdm-provisionable]",
          'platform pin K3S v1.37.1+k3s1 with CHARTS.rancher: Kubernetes must satisfy the rancher 2.15.0 chart\'s kubeVersion "< 1.37.0-0" (got 1.37.1) [kube-within-chart-bounds]',
        ],
      },
    ]);
    expect(ext.warnings!(plan)).toEqual([]);
  });

  it("warns in the plan summary once the platform's Kubernetes is past end of life", () => {
    const ext = createMatrixExtension({ catalog: CATALOG, pins: { k3s: { version: "v1.34.6+k3s1" }, charts: {}, rancher: RANCHER }, now: () => new Date("2026-11-23") });
    expect(ext.warnings!(plan)).toEqual(["platform pin K3S v1.34.6+k3s1: Kubernetes 1.34 reached end of life on 2026-10-27; bump K3S in src/versions.ts"]);
  });

  it("writes the Job DSL, the kOps Prow jobs and the Markdown matrices for --out", () => {
    const files = matrixExtension.artifacts!(plan);
    expect(Object.keys(files).sort()).toEqual(["matrix/jenkins-jobs.groovy", "matrix/kops-upgrade-jobs.yaml", "matrix/matrices.md"]);
    expect(files[MATRIX_ARTIFACTS.jenkins]).toBe(renderJobDsl());
    // kOps jobs run only bound to a kops-ci stack (its prow/kops-upgrade-jobs.yaml); the matrix plan lists none.
    expect(parse(files[MATRIX_ARTIFACTS.kops]).periodics).toEqual([]);
    expect(files[MATRIX_ARTIFACTS.markdown]).toMatch(/^### harvester-cloud-provider 0\.2\.10/);
  });
});
