/**
 * Test matrices as code: version data, the rules that keep combinations valid,
 * and the jobs generated from them. See docs/matrix.md.
 */
export { CATALOG } from "./catalog";
export { catalogProblems } from "./check";
export { combinationJobs, upgradeJobs } from "./jobs";
export { pinSupportWarnings, platformPinProblems } from "./pins";
export type { PlatformPins } from "./pins";
export { jcascJobs, JENKINS_AGENT_LABEL, renderJobDsl } from "./render/job-dsl";
export { renderKopsUpgradeJobs } from "./render/prow";
export { renderReport } from "./render/report";
export type * from "./types";
