/**
 * kOps upgrade tests: the window of Kubernetes minors kept, the paths tested (each
 * with the kOps release it starts and ends on), the kOps releases those may name,
 * and the per-minor skip lists. Moving the window forward drops the oldest paths and
 * their skips; the rules say what is left over.
 */
import type { KopsUpgrades, SkipEntry, UpgradePath } from "../types";
import { KUBEKINS_IMAGE } from "../../versions";

/** A kOps release line the jobs may run, with the oldest Kubernetes it creates clusters of. */
export interface KopsRelease {
  /** `1.27` */
  readonly minor: string;
  /** Newest release of the line (`v1.27.3`): what a job downloads for the start of an upgrade. */
  readonly latest: string;
  /** `OldestSupportedKubernetesVersion` of the line: kOps refuses older clusters. */
  readonly oldestKubernetes: string;
  readonly source: string;
}

const SUPPORTED = (tag: string) => `kubernetes/kops ${tag}: OldestSupportedKubernetesVersion; newest tag of the line in the mirror read (kops master 268927e2)`;

/**
 * kOps lines a path may use. Lines before 1.26 are left out on purpose: they set
 * public-read ACLs on the OIDC documents, which our BucketOwnerEnforced discovery
 * bucket refuses (rule kops-discovery-bucket).
 */
export const KOPS_RELEASES: readonly KopsRelease[] = [
  { minor: "1.26", latest: "v1.26.6", oldestKubernetes: "1.21", source: SUPPORTED("v1.26.6") },
  { minor: "1.27", latest: "v1.27.3", oldestKubernetes: "1.22", source: SUPPORTED("v1.27.3") },
  { minor: "1.28", latest: "v1.28.7", oldestKubernetes: "1.23", source: SUPPORTED("v1.28.7") },
  { minor: "1.29", latest: "v1.29.2", oldestKubernetes: "1.24", source: SUPPORTED("v1.29.2") },
  { minor: "1.30", latest: "v1.30.4", oldestKubernetes: "1.25", source: SUPPORTED("v1.30.4") },
  { minor: "1.31", latest: "v1.31.0", oldestKubernetes: "1.25", source: SUPPORTED("v1.31.0") },
];

/**
 * The first kOps that writes the OIDC discovery documents without an object ACL when
 * the bucket is already public (kubernetes/kops docs/releases/1.26-NOTES.md: "When an
 * S3 bucket for Service Account Issuer Discovery (IRSA) is public, kOps no longer
 * sets object-level ACLs"). Older kOps sends public-read ACLs, which a bucket with
 * ACLs disabled (BucketOwnerEnforced, src/kops/aws-stores.ts) refuses.
 */
export const KOPS_MIN_FOR_DISCOVERY_BUCKET = "1.26";

/** An upgrade path with the kOps release it creates the cluster with, and the one it upgrades to. */
export interface KopsUpgradePath extends UpgradePath {
  /** kOps minor of the A side: the job downloads its newest release. */
  readonly kopsFrom: string;
  /** kOps minor of the B side: resolved through release-<minor>/latest-ci.txt. */
  readonly kopsTo: string;
}

/** The kOps versions of a path, when it records them. */
export function kopsVersionsOf(p: UpgradePath): { kopsFrom: string; kopsTo: string } | undefined {
  const { kopsFrom, kopsTo } = p as Partial<KopsUpgradePath>;
  return typeof kopsFrom === "string" && typeof kopsTo === "string" ? { kopsFrom, kopsTo } : undefined;
}

/** `1.24` → `124`, as kOps job names write versions. */
const short = (minor: string) => minor.replace(".", "");

/**
 * Upstream's naming, e2e-kops-aws-upgrade-k<kubernetes>-ko<kops>-to-k<kubernetes>-ko<kops>
 * (test-infra kops-periodics-upgrades.yaml); a path without kOps versions uses its
 * Kubernetes minors, which its rules then refuse.
 */
export function kopsUpgradeJobName(p: UpgradePath): string {
  const v = kopsVersionsOf(p);
  return `e2e-kops-${KOPS_JOB.cloud}-upgrade-k${short(p.from)}-ko${short(v?.kopsFrom ?? p.from)}-to-k${short(p.to)}-ko${short(v?.kopsTo ?? p.to)}`;
}

/**
 * A skip as the upgrade scenario can have it. tests/e2e/scenarios/upgrade-ab reads no
 * skip variable and passes no --skip-regex (kubernetes/kops lib/upgrade.sh at master
 * 268927e2, run-test.sh at v1.27.0 to v1.31.0); kOps' tester computes the skips from
 * the cluster (tests/e2e/pkg/tester/skip_regex.go), and a --skip-regex would replace
 * that whole list. So a skip is real only when the tester checked out at `appliedBy`
 * adds it; the job checks out that ref.
 */
export interface TesterSkip extends SkipEntry {
  /** Test names (ginkgo full text) the pattern is meant for: it must match each. */
  readonly testNames: readonly string[];
  readonly appliedBy: { readonly repo: "kubernetes/kops"; readonly ref: string; readonly path: string };
}

export function testerSkipOf(s: SkipEntry): TesterSkip | undefined {
  const t = s as Partial<TesterSkip>;
  return Array.isArray(t.testNames) && t.appliedBy ? (s as TesterSkip) : undefined;
}

/**
 * Test binaries of Kubernetes <= 1.26 carry an aws-sdk-go too old for pod
 * credentials, so their AWS storage tests fail with NoCredentialProviders before
 * testing anything (BRIEF §2). Upstream skipped the tests, not the error: kOps'
 * tester adds this pattern for clusters on Kubernetes <= 1.26 on AWS
 * (kubernetes/kops c35e43ce1d, in release-1.31 at 81285e86; removed in 1.32 with
 * Kubernetes 1.26 support, eaf796c3c0). Test names: kubernetes test/e2e/storage
 * framework `[Driver: %s]` and `[Testpattern: %s]` with its pattern names.
 */
export const OLD_SDK_STORAGE_TESTS: TesterSkip = {
  regex: "\\[Driver:.aws\\].\\[Testpattern:.Pre-provisioned.PV|\\[Driver:.aws\\].\\[Testpattern:.Inline-volume",
  reason:
    "Prow jobs are being migrated to community-owned EKS clusters. The e2e.test binaries from older k/k builds dont have new enough aws-sdk-go versions to authenticate from EKS pods. This disables tests that depend on e2e.test's aws-sdk-go.",
  removeAfter: "1.26",
  testNames: [
    "[sig-storage] In-tree Volumes [Driver: aws] [Testpattern: Pre-provisioned PV (default fs)] volumes should store data",
    "[sig-storage] In-tree Volumes [Driver: aws] [Testpattern: Inline-volume (default fs)] volumes should store data",
  ],
  appliedBy: { repo: "kubernetes/kops", ref: "release-1.31", path: "tests/e2e/pkg/tester/skip_regex.go" },
};

const paths: readonly KopsUpgradePath[] = [
  // As upstream's EKS-era upgrade jobs did (e2e-kops-aws-upgrade-k125-ko128-to-k126-kolatest):
  // an older Kubernetes on a kOps that supports it, upgraded with the next kOps.
  { from: "1.24", to: "1.25", kopsFrom: "1.27", kopsTo: "1.28" },
  { from: "1.25", to: "1.26", kopsFrom: "1.28", kopsTo: "1.29" },
];

export const KOPS_UPGRADES: KopsUpgrades = {
  // The seed keeps upgrade jobs for Kubernetes 1.24-1.26 (BRIEF §2), tested with kOps 1.27+.
  window: { oldest: "1.24", newest: "1.26" },
  paths,
  skips: {
    "1.25": [OLD_SDK_STORAGE_TESTS],
    "1.26": [OLD_SDK_STORAGE_TESTS],
  },
};

/**
 * What every generated Prow job runs: kOps' own A→B upgrade scenario, on AWS, as
 * test-infra's kOps upgrade jobs do (config/jobs/kubernetes/kops/kops-periodics-upgrades.yaml
 * at 9cd5798c: runner.sh with the scenario, 150m, the kops checkout at k8s.io/kops).
 */
export const KOPS_JOB = {
  image: KUBEKINS_IMAGE,
  scenario: "./tests/e2e/scenarios/upgrade-ab/run-test.sh",
  cloud: "aws",
  timeout: "150m",
  testgridDashboard: "kops-upgrades",
  /** The kops ref a job without tester skips checks out. */
  defaultRef: "master",
  /** The SSH user of kOps' default AWS image (Ubuntu), as upstream's jobs set it. */
  sshUser: "ubuntu",
} as const;
