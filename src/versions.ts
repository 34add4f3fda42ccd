/**
 * Every pinned version of software this project installs, in one place. Bump here,
 * and the plan diff of the PR shows exactly what moves.
 */

/**
 * Docker CE from its CentOS 7 repository: the last line published for EL7 is 26.1
 * (BRIEF §1), so newer pins would not resolve. containerd.io 1.6.33 is the last
 * containerd built for EL7.
 */
export const DOCKER = {
  version: "26.1.4",
  packageRelease: "1.el7",
  containerdPackage: "1.6.33-3.1.el7",
  /**
   * Pinned: on RHEL-family 7 `$releasever` can read `7Server`, which does not exist
   * in Docker's tree, so the repo URL spells out `7`.
   */
  repoBaseUrl: "https://download.docker.com/linux/centos/7/$basearch/stable",
  repoGpgKey: "https://download.docker.com/linux/centos/gpg",
} as const;

/**
 * The image kOps CI jobs run in (test-infra's kubekins-e2e), pinned by its dated
 * tag: the `latest-master` tag moves with every test-infra build.
 */
export const KUBEKINS_IMAGE = "us-central1-docker.pkg.dev/k8s-staging-test-infra/images/kubekins-e2e:v20260316-e86cefa561-master";

/**
 * harvester/tests, whose Rancher integration test the chart matrix jobs run, at a
 * pinned commit (main, 2026-08-19); what was read there is in
 * src/matrix/data/harvester-tests.ts. The image is the base of that commit's own
 * `Dockerfile` ("Default Dockerfile For Backend E2E Tests For CI"), pinned by digest.
 */
export const HARVESTER_TESTS = {
  repository: "https://github.com/harvester/tests.git",
  commit: "077768bd7477fdc5efc019c08760f9af94142811",
  image: "python:3.10.20-bookworm@sha256:a5f03e7129c31f5d68ea83a6c2f65ffadd049be17ef4df5901aefb41a609de6f",
} as const;

/** The Oracle Linux release the platform's cloud-init targets (Docker-native, see BRIEF §1). */
export const ORACLE_LINUX = { operatingSystem: "Oracle Linux", version: "7.9" } as const;

/**
 * The Kubernetes distribution on the cluster VMs. k3s keeps its own embedded
 * containerd, so it lives beside the host Docker daemon (RKE1 is end-of-life,
 * RKE2 is containerd-only), and it uses pre-generated CAs placed before its first
 * start, which is how Pulumi reaches the API with no manual step. The stable
 * channel's release (BRIEF §5).
 */
export const K3S = { version: "v1.36.3+k3s1" } as const;

export interface ChartPin {
  /** Helm repository URL. */
  readonly repo: string;
  readonly chart: string;
  readonly version: string;
  /** The chart's `kubeVersion` constraint, checked against K3S before anything is planned. */
  readonly kubeVersion?: string;
  /** The application version the chart installs by default (its `appVersion`). */
  readonly appVersion?: string;
  /** Where kubeVersion/appVersion were read: repository, path and tag. */
  readonly source: string;
}

/**
 * Every Helm chart the platform installs: official charts, exact versions, with the
 * `kubeVersion` each one's Chart.yaml declares at that tag. Their upstream values
 * are in shared/reference/charts/ for review.
 */
export const CHARTS = {
  traefik: { repo: "https://traefik.github.io/charts", chart: "traefik", version: "41.3.0", kubeVersion: ">=1.25.0-0", appVersion: "v3.7.11", source: "traefik/traefik-helm-chart traefik/Chart.yaml@v41.3.0" },
  // Retired upstream (final release March 2026); kept for users who have not migrated.
  ingressNginx: { repo: "https://kubernetes.github.io/ingress-nginx", chart: "ingress-nginx", version: "4.15.1", kubeVersion: ">=1.21.0-0", appVersion: "1.15.1", source: "kubernetes/ingress-nginx charts/ingress-nginx/Chart.yaml@helm-chart-4.15.1" },
  // Its chart says only ">= 1.22"; the README supports 1.33+ for v1.21, which 1.36 meets.
  certManager: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1", kubeVersion: ">= 1.22.0-0", source: "cert-manager/cert-manager deploy/charts/cert-manager/Chart.yaml@v1.21.1" },
  // Its kubeVersion bound (< 1.37.0-0 at v2.15.0) lives with the other Rancher releases in src/matrix/data/rancher.ts.
  rancher: { repo: "https://releases.rancher.com/server-charts/stable", chart: "rancher", version: "2.15.0", source: "rancher/rancher chart/Chart.yaml@v2.15.0" },
  // No kubeVersion in its Chart.yaml. appVersion is the Jenkins the controller runs
  // (image jenkins/jenkins:<appVersion>-jdk21), which decides the agents' Java (src/compat).
  jenkins: { repo: "https://charts.jenkins.io", chart: "jenkins", version: "5.9.53", appVersion: "2.568.2", source: "jenkinsci/helm-charts charts/jenkins/Chart.yaml@jenkins-5.9.53" },
  // The grafana/helm-charts copy is deprecated since 2026-01 (BRIEF §1).
  grafana: { repo: "https://grafana-community.github.io/helm-charts", chart: "grafana", version: "12.11.1", kubeVersion: "^1.25.0-0", appVersion: "13.2.0", source: "grafana-community/helm-charts charts/grafana/Chart.yaml@grafana-12.11.1" },
  prometheus: { repo: "https://prometheus-community.github.io/helm-charts", chart: "prometheus", version: "29.27.0", kubeVersion: ">=1.19.0-0", appVersion: "v3.14.0", source: "prometheus-community/helm-charts charts/prometheus/Chart.yaml@prometheus-29.27.0" },
  longhorn: { repo: "https://charts.longhorn.io", chart: "longhorn", version: "1.12.1", kubeVersion: ">=1.25.0-0", appVersion: "v1.12.1", source: "longhorn/longhorn chart/Chart.yaml@v1.12.1" },
} as const satisfies Record<string, ChartPin>;

/** Tags that registries move on purpose. */
const FLOATING_TAGS = new Set(["latest", "stable", "edge", "main", "master", "nightly", "dev", "develop", "canary", "head", "rolling", "lts", "current"]);

/** Why an image reference floats, or undefined when it is pinned (exact tag or digest). */
export function floatingImage(ref: string): string | undefined {
  if (ref.includes("@sha256:")) return undefined;
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.indexOf(":", lastSlash + 1);
  if (colon < 0) return `image ${ref} has no tag (means :latest)`;
  const tag = ref.slice(colon + 1);
  // `latest-master` and the like move with every build, as `latest` does.
  if (FLOATING_TAGS.has(tag.toLowerCase()) || /^latest-/i.test(tag)) return `image ${ref} uses the floating tag "${tag}"`;
  return undefined;
}

/**
 * Longhorn's GitHub bot (longhorn/bot, directory github-bot/, built from its own
 * Dockerfile), pinned to a commit: upstream publishes only the moving
 * `longhornio/github-bot:master`. .github/workflows/github-bot-image.yml builds this
 * commit, pushes it tagged with the commit and records the digest; stacks refer to
 * that image (src/config/platform-apps.ts accepts the commit tag or a digest).
 * Checked: github-bot/Dockerfile and github-bot/gunicorn.conf.py (bind 0.0.0.0:8080)
 * exist at this commit, the head of longhorn/bot master on 2026-03-27.
 */
export const GITHUB_BOT = {
  repository: "longhorn/bot",
  /** The workflow reads this line: keep the key, the quotes and 40 hex digits. */
  commit: "937b18e87b98f77e382bde2aaeb0c602e8841d85",
  context: "github-bot",
} as const;
