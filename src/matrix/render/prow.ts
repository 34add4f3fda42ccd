/**
 * kOps upgrade jobs as Prow periodics, in the shape of kubernetes/test-infra's
 * generated config/jobs/kubernetes/kops/kops-periodics-upgrades.yaml (at 9cd5798c):
 * each runs kOps' upgrade-ab scenario from one Kubernetes minor to the next. A job
 * runs only bound to a stack (the kops-ci program renders them): its build cluster,
 * the ServiceAccount its identity trusts, the stores, the zones and the boundary.
 *
 * Fields are Prow's JobBase/Periodic (cluster, cron, decorate, decoration_config,
 * extra_refs, max_concurrency, spec, annotations), as test-infra loads them with
 * LoadStrict in config/tests/jobs/jobs_test.go; the same tests require a known
 * build cluster (TestClusterName), decorate (TestKubernetesProwJobsShouldUsePodUtils)
 * and requests equal to limits on every container (TestK8sInfraProwBuildJobsCIPolicy).
 */
import { stringify } from "yaml";
import { CATALOG } from "../catalog";
import { KOPS_JOB, KOPS_RELEASES, KopsRelease, kopsVersionsOf } from "../data/kops";
import { upgradeJobs, UpgradeJob } from "../jobs";
import { testerRef } from "../rules/kops";
import type { Catalog } from "../types";

/** What a stack gives every kOps job. */
export interface KopsJobBinding {
  /** Prow build cluster (`cluster:`). */
  readonly cluster: string;
  /** The ServiceAccount of Prow's pod namespace the job identity trusts. */
  readonly serviceAccountName: string;
  /** Requests and limits of the container (equal: Guaranteed QoS). */
  readonly resources: { readonly cpu: string; readonly memory: string };
  /** Identity, stores and DNS domain (src/kops/render.ts identityEnvironment). */
  readonly env: Readonly<Record<string, string>>;
  readonly volumes: readonly Record<string, unknown>[];
  readonly volumeMounts: readonly Record<string, unknown>[];
  /** Parent zone of every cluster name: `e2e-<hash>.<clusterDomain>`. */
  readonly clusterDomain: string;
  /** Zones a job may pin; each job takes one, by its name. */
  readonly zones: readonly string[];
  /** `kops create cluster` flags every job passes (the permissions boundary, the discovery store). */
  readonly createFlags: readonly string[];
}

/** Stable small hash, so schedules, names and zones spread without changing between runs. */
function hash(s: string): number {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** `e2e-<10 hex>.<domain>`: unique per job, 15 characters before the domain (config's MAX_CLUSTER_DOMAIN_CHARS). */
export function kopsClusterName(jobName: string, domain: string): string {
  const h = hash(jobName).toString(16).padStart(8, "0") + (hash(`${jobName}/2`) & 0xff).toString(16).padStart(2, "0");
  return `e2e-${h}.${domain}`;
}

function periodic(catalog: Catalog, job: UpgradeJob, releases: readonly KopsRelease[], b: KopsJobBinding): object {
  const { name } = job;
  const h = hash(name);
  const v = kopsVersionsOf(job.path);
  const from = v && releases.find((r) => r.minor === v.kopsFrom);
  const zone = b.zones[h % b.zones.length];
  const env: Record<string, string> = {
    GINKGO_NO_COLOR: "TRUE",
    // A: a released kOps, downloaded from GitHub; B: the release branch's
    // latest-ci marker (lib/common.sh kops-download-release, kops-base-from-marker).
    KOPS_VERSION_A: from ? from.latest : job.path.from,
    K8S_VERSION_A: job.kubernetesFrom,
    KOPS_VERSION_B: v ? v.kopsTo : job.path.to,
    K8S_VERSION_B: job.kubernetesTo,
    CLOUD_PROVIDER: KOPS_JOB.cloud,
    KUBE_SSH_USER: KOPS_JOB.sshUser,
    CLUSTER_NAME: kopsClusterName(name, b.clusterDomain),
    // Appended to `kops create cluster` (upgrade-ab: --create-args="--networking calico ${KOPS_EXTRA_FLAGS}").
    // kubetest2-kops keeps a --zones= given there instead of a random one (deployer/up.go).
    KOPS_EXTRA_FLAGS: [`--zones=${zone}`, ...b.createFlags].join(" "),
    ...b.env,
  };
  return {
    name,
    cluster: b.cluster,
    cron: `${h % 60} ${(h >>> 8) % 8}-23/8 * * *`,
    max_concurrency: 1,
    decorate: true,
    decoration_config: { timeout: KOPS_JOB.timeout },
    extra_refs: [{ org: "kubernetes", repo: "kops", base_ref: testerRef(catalog.kops, job.path.to, KOPS_JOB.defaultRef), workdir: true, path_alias: "k8s.io/kops" }],
    spec: {
      serviceAccountName: b.serviceAccountName,
      containers: [
        {
          // Prow's name for the test container (it fills in "test" when a job leaves it out).
          name: "test",
          image: KOPS_JOB.image,
          imagePullPolicy: "Always",
          command: ["runner.sh"],
          args: [KOPS_JOB.scenario],
          env: Object.entries(env).map(([k, value]) => ({ name: k, value })),
          resources: { requests: { ...b.resources }, limits: { ...b.resources } },
          volumeMounts: [...b.volumeMounts],
          securityContext: { privileged: true },
        },
      ],
      volumes: [...b.volumes],
    },
    annotations: {
      "testgrid-dashboards": KOPS_JOB.testgridDashboard,
      "testgrid-tab-name": name.replace(/^e2e-/, ""),
      "ci-infra/upgrade": `${job.path.from} -> ${job.path.to}`,
      ...(job.skips.length
        ? { "ci-infra/skips": job.skips.map((s) => `/${s.regex}/: ${s.reason} (remove after ${s.removeAfter})`).join("; ") }
        : {}),
    },
  };
}

/** Where the runnable jobs are: what the stack-independent matrix plan writes in their place. */
export const KOPS_JOBS_ARTIFACT = "prow/kops-upgrade-jobs.yaml";

/**
 * Without a stack there is no build cluster, identity or store to bind, and an
 * unbound job fails before its first test; the matrix plan therefore lists none
 * and says where the bound ones are.
 */
export function renderKopsUpgradeJobs(catalog: Catalog = CATALOG): string {
  return [
    `# ${upgradeJobs(catalog).length} kOps upgrade jobs are rendered per kops-ci stack, bound to its build cluster,`,
    `# identities and stores: npm run plan -- kops-ci --out <dir> writes ${KOPS_JOBS_ARTIFACT}.`,
    "periodics: []",
    "",
  ].join("\n");
}

export function renderBoundKopsUpgradeJobs(binding: KopsJobBinding, catalog: Catalog = CATALOG, releases: readonly KopsRelease[] = KOPS_RELEASES): string {
  const jobs = upgradeJobs(catalog);
  const header = [
    "# Generated by ci-infra from src/matrix and the kops-ci stack (npm run plan -- kops-ci --out <dir>). Do not edit: change src/matrix/data/kops.ts or the stack.",
    `# ${jobs.length} kOps upgrade jobs, Kubernetes window ${catalog.kops.window.oldest}-${catalog.kops.window.newest}, build cluster ${binding.cluster}.`,
  ];
  return `${header.join("\n")}\n${stringify({ periodics: jobs.map((j) => periodic(catalog, j, releases, binding)) }, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
