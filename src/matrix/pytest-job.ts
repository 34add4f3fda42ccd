/**
 * The shell the generated jobs run on a `docker` agent, as data the renderer and
 * the tests share. Only paths and options recorded in data/harvester-tests.ts at the
 * pinned commit may appear here (rule test-entry and test/matrix check both).
 */
import { RKE2_CHART_MANIFEST } from "./data/rke2";
import { TARGET_OPTIONS } from "./targets";
import type { TestEntry } from "./types";

/** Checkout directory of the test repository inside the Jenkins workspace. */
export const TESTS_DIR = "tests";
/** Where pytest writes JUnit XML, the HTML report and its log, relative to TESTS_DIR. */
export const RESULTS_DIR = "results";

/** Environment variables the validation step reads; credentials fill the secret ones. */
export const VALIDATION_ENV = {
  harvesterUsername: "HARVESTER_USERNAME",
  harvesterPassword: "HARVESTER_PASSWORD",
  harvesterOptions: "HARVESTER_OPTIONS",
  rancherAdminPassword: "RANCHER_ADMIN_PASSWORD",
  rancherOptions: "RANCHER_OPTIONS",
  rke2Version: "RKE2_VERSION",
  guestImageUrl: "GUEST_IMAGE_URL",
} as const;

/** Options the validation passes itself (the environments add TARGET_OPTIONS through PYTEST_ADDOPTS). */
const OWN_OPTIONS = ["--username", "--password", "--rancher-admin-password", "--k8s-version", "--ubuntu-image-url", "--junitxml", "--html"] as const;

/** Every pytest option a generated job can pass. */
export const PYTEST_OPTIONS_USED: readonly string[] = [...OWN_OPTIONS, ...TARGET_OPTIONS];

/**
 * Runs the test in the pinned image as the agent's user, the way harvester/tests'
 * tox.ini does (hashed requirements, then the API client without dependencies), from
 * the checkout (the conftest opens config.yml there). Secrets reach the container as
 * environment variables and are expanded only inside it, so `sh -x` on the agent
 * prints their names, not their values.
 */
export function validationScript(test: TestEntry): string {
  const e = VALIDATION_ENV;
  const inner = [
    "python -m venv /tmp/venv",
    "/tmp/venv/bin/pip install --quiet --require-hashes -r test-requirements.txt",
    "/tmp/venv/bin/pip install --quiet --no-deps ./apiclient",
    [
      "exec /tmp/venv/bin/pytest",
      ...test.tests,
      `--username="$${e.harvesterUsername}"`,
      `--password="$${e.harvesterPassword}"`,
      `--rancher-admin-password="$${e.rancherAdminPassword}"`,
      // A prefix to upstream; the full RKE2 version selects exactly that release.
      `--k8s-version="$${e.rke2Version}"`,
      `--ubuntu-image-url="$${e.guestImageUrl}"`,
      `--junitxml=${RESULTS_DIR}/junit.xml`,
      `--html=${RESULTS_DIR}/report.html`,
    ].join(" "),
  ].join(" && ");
  if (inner.includes("'")) throw new Error("the in-container script must not contain single quotes");
  return [
    "set -eu",
    `rm -rf ${RESULTS_DIR} && mkdir -p ${RESULTS_DIR}`,
    `export PYTEST_ADDOPTS="$${e.harvesterOptions} $${e.rancherOptions}"`,
    [
      "docker run --rm --network host",
      '--user "$(id -u):$(id -g)" -e HOME=/tmp',
      ...["PYTEST_ADDOPTS", e.harvesterUsername, e.harvesterPassword, e.rancherAdminPassword, e.rke2Version, e.guestImageUrl].map((v) => `-e ${v}`),
      '-v "$PWD:/tests" -w /tests',
      test.image,
      `sh -ec '${inner}'`,
    ].join(" "),
  ].join("\n");
}

/** Environment of the bundle check. */
export const BUNDLE_ENV = { rke2Version: "RKE2_VERSION", chart: "CHART_NAME", packaged: "CHART_PACKAGED_VERSION" } as const;
/** The manifest copy the bundle check keeps as an artifact. */
export const BUNDLE_ARTIFACT = "chart_versions.yaml";

/**
 * Reads charts/chart_versions.yaml at the RKE2 tag (entries `- version: X` then
 * `filename: /charts/<chart>.yaml`) and fails unless it bundles the packaged version
 * the matrix expects. Minutes, against the hours of the validation job.
 */
export function bundleCheckScript(): string {
  const e = BUNDLE_ENV;
  return [
    "set -eu",
    "rm -rf rke2 && git init -q rke2",
    `git -C rke2 fetch -q --depth 1 ${RKE2_CHART_MANIFEST.repository} "refs/tags/$${e.rke2Version}"`,
    `git -C rke2 show "FETCH_HEAD:${RKE2_CHART_MANIFEST.path}" > ${BUNDLE_ARTIFACT}`,
    `got=$(awk -v f="/charts/$${e.chart}.yaml" '$1 == "-" && $2 == "version:" { v = $3 } $1 == "filename:" && $2 == f { print v }' ${BUNDLE_ARTIFACT})`,
    `echo "rke2 $${e.rke2Version} bundles $${e.chart} version '$got'; the matrix expects $${e.packaged}"`,
    `test "$got" = "$${e.packaged}"`,
  ].join("\n");
}
