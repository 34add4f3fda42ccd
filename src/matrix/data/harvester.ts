/**
 * Harvester releases used by the matrices, with the guest chart versions each
 * accepts: the default of its `harvester-csi-ccm-versions` setting in
 * harvester/harvester pkg/settings/settings.go at the tag. Rancher's UI (rancher/dashboard
 * shell/edit/provisioning.cattle.io.cluster/rke2.vue, isHarvesterIncompatible, at
 * v2.10.6 and v2.11.2) strips a trailing "00" from the chart version RKE2 bundles
 * (0.2.1000 → 0.2.10) and refuses the Harvester cloud provider unless it satisfies the range.
 */
import type { HarvesterRelease } from "../types";

const settingsAt = (tag: string, commit: string) => `harvester/harvester pkg/settings/settings.go@${tag} (${commit})`;

export const HARVESTER: readonly HarvesterRelease[] = [
  {
    version: "v1.4.3",
    csiCcmVersions: { "harvester-cloud-provider": ">=0.0.1 <0.3.0", "harvester-csi-provider": ">=0.0.1 <0.3.0" },
    source: settingsAt("v1.4.3", "7bdad84e7643d0fc3542a7e1f78c2e9f75646350"),
  },
  {
    version: "v1.5.0",
    csiCcmVersions: { "harvester-cloud-provider": ">=0.0.1 <0.3.0", "harvester-csi-provider": ">=0.0.1 <0.3.0" },
    source: settingsAt("v1.5.0", "0520ef1fab38c25f4e6bc5d526d1cb3084b8d897"),
  },
];
