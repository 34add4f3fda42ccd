/**
 * kOps upgrade tests: the window of Kubernetes minors kept, the paths tested and
 * the per-minor skip lists. Moving the window forward drops the oldest paths and
 * their skips; the rules say what is left over.
 */
import type { KopsUpgrades, SkipEntry } from "../types";
import { KUBEKINS_IMAGE } from "../../versions";

/**
 * Test binaries of Kubernetes ≤ 1.26 carry an AWS SDK too old for web-identity
 * credentials, so their AWS tests fail with NoCredentialProviders before testing
 * anything (BRIEF §2). Removed with the last of those versions.
 */
export const NO_CREDENTIAL_PROVIDERS: SkipEntry = {
  regex: "NoCredentialProviders",
  reason: "e2e binaries of Kubernetes <= 1.26 use an AWS SDK without web-identity credentials",
  removeAfter: "1.26",
};

export const KOPS_UPGRADES: KopsUpgrades = {
  // The seed keeps upgrade jobs for 1.24-1.26 (BRIEF §2).
  window: { oldest: "1.24", newest: "1.26" },
  paths: [
    { from: "1.24", to: "1.25" },
    { from: "1.25", to: "1.26" },
  ],
  skips: {
    "1.25": [NO_CREDENTIAL_PROVIDERS],
    "1.26": [NO_CREDENTIAL_PROVIDERS],
  },
};

/** What every generated Prow job runs: kOps' own A→B upgrade scenario, on AWS. */
export const KOPS_JOB = {
  image: KUBEKINS_IMAGE,
  scenario: "./tests/e2e/scenarios/upgrade-ab/run-test.sh",
  cloud: "aws",
  timeout: "150m",
  testgridDashboard: "kops-upgrades",
} as const;
