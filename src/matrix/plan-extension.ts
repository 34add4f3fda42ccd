/**
 * The matrices in every offline plan: their rules and the platform pins are
 * checked (exit 2 when broken), and `--out` writes the generated jobs.
 */
// Type-only: src/plan/extensions.ts imports this file, so a value import back would be a cycle.
import type { PlanExtension } from "../plan/extensions";
import type { PlanResult } from "../plan/run";
import { CATALOG } from "./catalog";
import { catalogProblems } from "./check";
import { pinSupportWarnings, PlatformPins, platformPinProblems } from "./pins";
import { renderJobDsl } from "./render/job-dsl";
import { renderKopsUpgradeJobs } from "./render/prow";
import { renderReport } from "./render/report";
import { combinationJobs } from "./jobs";
import type { Catalog } from "./types";

export const MATRIX_ARTIFACTS = {
  jenkins: "matrix/jenkins-jobs.groovy",
  kops: "matrix/kops-upgrade-jobs.yaml",
  markdown: "matrix/matrices.md",
} as const;

export interface MatrixExtensionSources {
  readonly catalog: Catalog;
  /** Defaults to the pins in src/versions.ts. */
  readonly pins?: PlatformPins;
  /** The date support windows are judged at. */
  readonly now: () => Date;
}

/**
 * The plan ignores which stack it plans here: the matrices and the pins are facts
 * of the repository, so a broken rule fails every plan until it is fixed.
 */
export function createMatrixExtension(sources: MatrixExtensionSources): PlanExtension {
  return {
    name: "matrix",
    check() {
      const problems = [...catalogProblems(sources.catalog), ...platformPinProblems(sources.pins)];
      return problems.length ? [{ exitCode: 2, problems }] : [];
    },
    warnings: (plan) => [...pinSupportWarnings(sources.now(), sources.pins), ...targetWarnings(plan, sources.catalog)],
    artifacts: () => ({
      [MATRIX_ARTIFACTS.jenkins]: renderJobDsl(sources.catalog),
      [MATRIX_ARTIFACTS.kops]: renderKopsUpgradeJobs(sources.catalog),
      [MATRIX_ARTIFACTS.markdown]: renderReport("markdown", sources.catalog),
    }),
  };
}

/**
 * The platform seeds the matrix jobs into Jenkins whatever the stack; without
 * `matrixTargets` they have no credentials to bind and fail on their first step.
 */
function targetWarnings(plan: PlanResult, catalog: Catalog): string[] {
  const config = plan.config as { program?: string; settings?: { matrixTargets?: unknown } } | undefined;
  if (config?.program !== "oci-platform" || config.settings?.matrixTargets !== undefined) return [];
  const jobs = combinationJobs(catalog).length;
  if (jobs === 0) return [];
  return [`ci-infra:matrixTargets is not set: Jenkins gets the ${jobs} matrix validation jobs, and each fails at its credentials until the Harvester and Rancher environments are configured (docs/matrix.md)`];
}

export const matrixExtension: PlanExtension = createMatrixExtension({ catalog: CATALOG, now: () => new Date() });
