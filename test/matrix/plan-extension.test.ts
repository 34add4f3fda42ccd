import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CATALOG } from "../../src/matrix/catalog";
import { MATRIX_ARTIFACTS, matrixExtension } from "../../src/matrix/plan-extension";
import { jcascJobs, renderJobDsl } from "../../src/matrix/render/job-dsl";
import { EXTENSIONS } from "../../src/plan/extensions";
import type { PlanResult } from "../../src/plan/run";

// The matrix extension ignores the plan: its checks and files are global facts.
const plan = {} as PlanResult;

describe("plan extension", () => {
  it("is registered with the offline plan", () => {
    expect(EXTENSIONS).toContain(matrixExtension);
  });

  it("finds nothing fatal in the shipped matrices and pins", () => {
    expect(matrixExtension.check!(plan)).toEqual([]);
  });

  it("writes the Job DSL, the kOps Prow jobs and the Markdown matrices for --out", () => {
    const files = matrixExtension.artifacts!(plan);
    expect(Object.keys(files).sort()).toEqual(["matrix/jenkins-jobs.groovy", "matrix/kops-upgrade-jobs.yaml", "matrix/matrices.md"]);
    expect(files[MATRIX_ARTIFACTS.jenkins]).toBe(renderJobDsl());
    expect(parse(files[MATRIX_ARTIFACTS.kops]).periodics).toHaveLength(2);
    expect(files[MATRIX_ARTIFACTS.markdown]).toMatch(/^### harvester-cloud-provider 0\.2\.10/);
  });

  it("hands JCasC the DSL with ${ escaped as ^${", () => {
    const catalog = { ...CATALOG, matrices: [{ ...CATALOG.matrices[0], title: "costs ${HOME}" }] };
    const [entry] = jcascJobs(catalog);
    expect(renderJobDsl(catalog)).toContain("displayName('costs ${HOME}')");
    expect(entry.script).toContain("displayName('costs ^${HOME}')");
    expect(entry.script.replace(/\^\$\{/g, "${")).toBe(renderJobDsl(catalog));
    expect(jcascJobs()).toEqual([{ script: renderJobDsl() }]);
  });
});
