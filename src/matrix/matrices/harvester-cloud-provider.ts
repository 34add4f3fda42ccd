/**
 * The first real matrix: RKE2's bump of harvester-cloud-provider 0.2.9 → 0.2.10
 * was validated on these three combinations, Kubernetes 1.30-1.32, Ubuntu 24.04
 * nodes (BRIEF §3).
 *
 * The seed validated Rancher v2.10.6 without naming a Harvester; the migration
 * article pairs it with the Harvester UI Extension 1.0.6, which Harvester's support
 * matrix lists for Harvester v1.4.3 (harvester/docs, Harvester UI Extension page,
 * docs.harvesterhci.io/v1.5: "v1.4.3 | v1.0.6 | Rancher 2.10.1"; harvester-ui-extension
 * tag v1.0.6 = b8b4ee4c410a7f3831713ea7b688246c66fb1eba on release-harvester-v1.0).
 */
import { HARVESTER_TESTS } from "../../versions";
import { RANCHER_INTEGRATION_TEST } from "../data/harvester-tests";
import { HARVESTER_CLOUD_PROVIDER } from "../data/rke2";
import type { ChartMatrix } from "../types";

export const HARVESTER_CLOUD_PROVIDER_0_2_10: ChartMatrix = {
  name: "harvester-cloud-provider-0.2.10",
  title: "harvester-cloud-provider 0.2.10 in RKE2",
  chart: { name: HARVESTER_CLOUD_PROVIDER, version: "0.2.10" },
  test: {
    repository: HARVESTER_TESTS.repository,
    commit: HARVESTER_TESTS.commit,
    tests: [`${RANCHER_INTEGRATION_TEST}::test_import_harvester`, `${RANCHER_INTEGRATION_TEST}::TestRKE2`],
    image: HARVESTER_TESTS.image,
    guestOs: "ubuntu",
  },
  combinations: [
    { rancher: "v2.9.10", harvester: "v1.4.3", rke2: "v1.30.13+rke2r1", os: "ubuntu-24.04" },
    { rancher: "v2.10.6", harvester: "v1.4.3", rke2: "v1.31.9+rke2r1", os: "ubuntu-24.04" },
    { rancher: "v2.11.2", harvester: "v1.5.0", rke2: "v1.32.5+rke2r1", os: "ubuntu-24.04" },
  ],
};
