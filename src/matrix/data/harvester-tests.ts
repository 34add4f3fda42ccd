/**
 * What was read in harvester/tests at the pinned commit (HARVESTER_TESTS in
 * src/versions.ts). The generated jobs may refer to these paths, test names and
 * options only; the tests hold every job to this list, so a path or option that does
 * not exist at the commit fails before any job does. Re-read them when the commit moves.
 */
import { HARVESTER_TESTS } from "../../versions";

/** The Rancher integration test: RKE2 guest clusters through Rancher on Harvester. */
export const RANCHER_INTEGRATION_TEST = "harvester_e2e_tests/integrations/test_9_rancher_integration.py";

export const HARVESTER_TESTS_READ = {
  repository: "harvester/tests",
  commit: HARVESTER_TESTS.commit,
  /**
   * Files present at the commit that the jobs use: the test, the conftest whose
   * options they pass, the fixtures behind those options, the hashed requirements and
   * the API client tox installs (`pip install -r test-requirements.txt
   * --require-hashes`, `pip install --no-deps -e apiclient`, tox.ini), the config.yml
   * the conftest reads its defaults from (it opens `config.yml` in the working
   * directory, so pytest runs from the checkout), and the Dockerfile the image comes from.
   */
  paths: [
    RANCHER_INTEGRATION_TEST,
    "harvester_e2e_tests/conftest.py",
    "harvester_e2e_tests/fixtures/rancher_api_client.py",
    "harvester_e2e_tests/fixtures/images.py",
    "test-requirements.txt",
    "apiclient/setup.py",
    "tox.ini",
    "config.yml",
    "Dockerfile",
  ],
  /**
   * Top-level tests and classes defined in each test file. test_import_harvester
   * (Rancher imports the Harvester cluster) is the dependency every TestRKE2 test
   * names (pytest-dependency "import_harvester"); TestRKE2 creates an RKE2 guest
   * cluster per machine count (1 and 3), waits until the harvester-cloud-provider and
   * harvester-csi-driver-controllers deployments are active, and creates, queries
   * ("Welcome to nginx" through the load balancer, dhcp and pool IPAM) and deletes
   * LoadBalancer services.
   */
  definitions: {
    [RANCHER_INTEGRATION_TEST]: ["test_import_harvester", "TestRKE2"],
  } as Readonly<Record<string, readonly string[]>>,
  /** Every option `pytest_addoption` declares in harvester_e2e_tests/conftest.py. */
  conftestOptions: [
    "--endpoint", "--username", "--password", "--host-password", "--host-private-key",
    "--vlan-id", "--vlan-nic", "--ip-pool-subnet", "--ip-pool-start", "--ip-pool-end",
    "--wait-timeout", "--sleep-timeout", "--node-scripts-location", "--opensuse-image-url", "--ubuntu-image-url",
    "--terraform-scripts-location", "--image-cache-url", "--accessKeyId", "--secretAccessKey", "--bucketName",
    "--region", "--s3-endpoint", "--nfs-endpoint", "--rancher-endpoint", "--rancher-admin-password",
    "--k8s-version", "--rancher-cluster-wait-timeout", "--nfs-mount-dir", "--upgrade-prepare-dependence",
    "--upgrade-sc-replicas", "--upgrade-target-version", "--upgrade-iso-url", "--upgrade-iso-checksum",
    "--upgrade-wait-timeout", "--terraform-provider-harvester", "--terraform-provider-rancher",
    "--ubuntu-checksum", "--opensuse-checksum",
  ],
  /**
   * Options of pytest itself and its plugins, at the versions test-requirements.txt
   * pins: pytest 7.4.4 (`--junitxml`, src/_pytest/junitxml.py at tag 7.4.4, commit
   * 33f694f4b30c5c502f21f81cb8ab907b12ad2f65) and pytest-html 4.2.0 (`--html`, used
   * so in the repository's README at the commit).
   */
  pytestOptions: ["--junitxml", "--html"],
} as const;

/**
 * Facts of the test that decide how the job calls it (all at the commit):
 * - `--k8s-version` is a prefix: fixtures/rancher_api_client.py `rke2_version` takes
 *   the newest release Rancher's `v1-rke2-release/releases` lists that starts with it
 *   and fails ("No supported version fits target k8s-version") when none does, so the
 *   full RKE2 version pins exactly one release, and KDM decides whether it exists.
 * - The Rancher fixture logs in as `admin` with `--rancher-admin-password`.
 * - Guests boot the image of `--ubuntu-image-url` with ssh user `ubuntu`
 *   (fixtures/images.py `image_ubuntu`); the module's `vlan_network` fixture asserts
 *   `--vlan-id` is not -1, and the pool IPAM case needs `--ip-pool-*`.
 */
export const RANCHER_ADMIN_USER = "admin";
