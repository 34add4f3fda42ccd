/**
 * The matrices in every offline plan: their rules and the platform pins are
 * checked (exit 2 when broken), and `--out` writes the generated jobs.
 */
// Type-only: src/plan/extensions.ts imports this file, so a value import back would be a cycle.
import type { PlanExtension } from "../plan/extensions";
import { catalogProblems } from "./check";
import { pinSupportWarnings, platformPinProblems } from "./pins";
import { renderJobDsl } from "./render/job-dsl";
import { renderKopsUpgradeJobs } from "./render/prow";
import { renderReport } from "./render/report";

export const MATRIX_ARTIFACTS = {
  jenkins: "matrix/jenkins-jobs.groovy",
  kops: "matrix/kops-upgrade-jobs.yaml",
  markdown: "matrix/matrices.md",
} as const;

export const matrixExtension: PlanExtension = {
  name: "matrix",
  check() {
    const problems = [...catalogProblems(), ...platformPinProblems()];
    return problems.length ? [{ exitCode: 2, problems }] : [];
  },
  warnings: () => pinSupportWarnings(new Date()),
  artifacts: () => ({
    [MATRIX_ARTIFACTS.jenkins]: renderJobDsl(),
    [MATRIX_ARTIFACTS.kops]: renderKopsUpgradeJobs(),
    [MATRIX_ARTIFACTS.markdown]: renderReport("markdown"),
  }),
};
