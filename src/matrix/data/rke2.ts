/**
 * RKE2 releases and the charts they bundle that a matrix tests. Only charts we
 * checked in the release are listed: an absent chart means "not known to be
 * bundled", and the chart-bundled rule treats it so.
 */
import type { Rke2Release } from "../types";

/** The chart RKE2 bundles for Harvester guest clusters. */
export const HARVESTER_CLOUD_PROVIDER = "harvester-cloud-provider";

export const RKE2: readonly Rke2Release[] = [
  // The patches before the bump still ship 0.2.9.
  { version: "v1.30.12+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: "0.2.9" } },
  { version: "v1.31.8+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: "0.2.9" } },
  { version: "v1.32.4+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: "0.2.9" } },
  // RKE2 bumped harvester-cloud-provider 0.2.9 → 0.2.10 in these releases (BRIEF §3).
  { version: "v1.30.13+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: "0.2.10" } },
  { version: "v1.31.9+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: "0.2.10" } },
  { version: "v1.32.5+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: "0.2.10" } },
];
