/** The shipped matrix data, assembled once for the rules, renderers and CLI. */
import { HARVESTER } from "./data/harvester";
import { KOPS_UPGRADES } from "./data/kops";
import { KUBERNETES } from "./data/kubernetes";
import { NODE_OS } from "./data/os";
import { RANCHER } from "./data/rancher";
import { RKE2 } from "./data/rke2";
import { HARVESTER_CLOUD_PROVIDER_0_2_10 } from "./matrices/harvester-cloud-provider";
import type { Catalog } from "./types";

export const CATALOG: Catalog = {
  kubernetes: KUBERNETES,
  rancher: RANCHER,
  rke2: RKE2,
  harvester: HARVESTER,
  os: NODE_OS,
  matrices: [HARVESTER_CLOUD_PROVIDER_0_2_10],
  kops: KOPS_UPGRADES,
};
