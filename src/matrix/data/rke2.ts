/**
 * RKE2 releases: the charts they bundle that a matrix tests, and which Rancher
 * servers can provision them. Only what was checked is listed: an absent chart means
 * "not known to be bundled", an absent KDM range "not known to be provisionable", and
 * the rules treat both so.
 *
 * Charts: rancher/rke2 charts/chart_versions.yaml at each tag (entry `filename:
 * /charts/<chart>.yaml`). rke2-charts packages upstream chart X.Y.Z as X.Y.(Z*100 +
 * packageVersion): its packages/harvester-cloud-provider/package.yaml pointed at
 * harvester-cloud-provider-0.2.9.tgz (rancher/rke2-charts main-source, commit 9928ce69)
 * and -0.2.10.tgz (ad3b9798),
 * both with packageVersion 00, and the 0.2.1000 chart carries the annotation
 * `catalog.cattle.io/upstream-version: 0.2.10`. (The 0.2.900 chart's annotation still
 * says 0.2.0, a stale copy; its package.yaml is the record.)
 *
 * KDM: rancher/kontainer-driver-metadata channels-rke2.yaml; see KDM_2025 for the copy.
 */
import type { BundledChart, KdmRange, Rke2Release } from "../types";

/** The chart RKE2 bundles for Harvester guest clusters. */
export const HARVESTER_CLOUD_PROVIDER = "harvester-cloud-provider";

/** Where RKE2 lists what it bundles; the bundle-check jobs read the same file at the tag. */
export const RKE2_CHART_MANIFEST = { repository: "https://github.com/rancher/rke2.git", path: "charts/chart_versions.yaml" } as const;

const HCP_0_2_9: BundledChart = { packaged: "0.2.900", upstream: "0.2.9" };
const HCP_0_2_10: BundledChart = { packaged: "0.2.1000", upstream: "0.2.10" };

/**
 * The KDM copy read: a 2025 state of channels-rke2.yaml (its appDefaults reach Rancher
 * 2.13). A range can widen on later branches (v1.30.5+rke2r1 had max v2.9.99 on
 * release-v2.9 in October 2024 and v2.10.99 on dev-v2.10), so each range names its copy.
 */
const KDM_2025 = "rancher/kontainer-driver-metadata channels-rke2.yaml@00313e4f66095c26a85b895a50ded972eef3060b";
const kdm = (min: string, max: string, source = KDM_2025): KdmRange => ({ minChannelServerVersion: min, maxChannelServerVersion: max, source });

export const RKE2: readonly Rke2Release[] = [
  // Kept for its KDM range: Rancher 2.10 cannot provision it (max v2.9.99 on release-v2.9 and dev-v2.10).
  {
    version: "v1.27.16+rke2r2",
    charts: { [HARVESTER_CLOUD_PROVIDER]: { packaged: "0.2.400", upstream: "0.2.4" } },
    kdm: kdm("v2.8.0-alpha1", "v2.9.99", "rancher/kontainer-driver-metadata channels-rke2.yaml@release-v2.9 14e0dc4331af537cc0de3cc740bf00b4c50b21ab and @dev-v2.10 8f9a33aaa01d7129157f0313bad03ebd4d38cd9a"),
  },
  // The patches before the bump still ship 0.2.9.
  { version: "v1.30.12+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: HCP_0_2_9 }, kdm: kdm("v2.9.0-alpha1", "v2.11.99") },
  { version: "v1.31.8+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: HCP_0_2_9 }, kdm: kdm("v2.10.0-alpha1", "v2.12.99") },
  { version: "v1.32.4+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: HCP_0_2_9 }, kdm: kdm("v2.11.0-alpha1", "v2.12.99") },
  // RKE2 bumped harvester-cloud-provider 0.2.9 → 0.2.10 in these releases (BRIEF §3).
  { version: "v1.30.13+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: HCP_0_2_10 }, kdm: kdm("v2.9.0-alpha1", "v2.11.99") },
  { version: "v1.31.9+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: HCP_0_2_10 }, kdm: kdm("v2.10.0-alpha1", "v2.12.99") },
  { version: "v1.32.5+rke2r1", charts: { [HARVESTER_CLOUD_PROVIDER]: HCP_0_2_10 }, kdm: kdm("v2.11.0-alpha1", "v2.12.99") },
];
