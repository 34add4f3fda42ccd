/**
 * The first real matrix: RKE2's bump of harvester-cloud-provider 0.2.9 → 0.2.10
 * was validated on these three combinations, Kubernetes 1.30-1.32, Ubuntu 24.04
 * nodes (BRIEF §3). Rancher v2.10.6 was validated without a Harvester version.
 */
import { HARVESTER_CLOUD_PROVIDER } from "../data/rke2";
import type { ChartMatrix } from "../types";

export const HARVESTER_CLOUD_PROVIDER_0_2_10: ChartMatrix = {
  name: "harvester-cloud-provider-0.2.10",
  title: "harvester-cloud-provider 0.2.10 in RKE2",
  chart: { name: HARVESTER_CLOUD_PROVIDER, version: "0.2.10" },
  test: {
    // Assumed entry point: the team running the validation confirms repository and command.
    repository: "https://github.com/harvester/tests.git",
    ref: "main",
    command: "./scripts/validate-cloud-provider.sh",
  },
  combinations: [
    { rancher: "v2.9.10", harvester: "v1.4.3", rke2: "v1.30.13+rke2r1", os: "ubuntu-24.04" },
    { rancher: "v2.10.6", rke2: "v1.31.9+rke2r1", os: "ubuntu-24.04" },
    { rancher: "v2.11.2", harvester: "v1.5.0", rke2: "v1.32.5+rke2r1", os: "ubuntu-24.04" },
  ],
};
