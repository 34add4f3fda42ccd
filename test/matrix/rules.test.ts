import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/matrix/catalog";
import { catalogProblems } from "../../src/matrix/check";
import { KopsUpgradePath, OLD_SDK_STORAGE_TESTS } from "../../src/matrix/data/kops";
import type { Catalog } from "../../src/matrix/types";
import { ROW_2_10, ROW_2_11, ROW_2_9, SEED, withCombinations, withKops } from "./fixtures";

/** An upgrade path with the kOps releases it runs (a path without them is refused). */
const kopsPath = (from: string, to: string, kopsFrom: string, kopsTo: string): KopsUpgradePath => ({ from, to, kopsFrom, kopsTo });

const M = "matrix harvester-cloud-provider-0.2.10 combination";

describe("the shipped matrices", () => {
  it("hold every rule", () => {
    expect(catalogProblems()).toEqual([]);
  });

  it("ship the seed's harvester-cloud-provider 0.2.10 validation and the kOps 1.24-1.26 upgrades", () => {
    expect(SEED.chart).toEqual({ name: "harvester-cloud-provider", version: "0.2.10" });
    expect(SEED.combinations).toEqual([
      { rancher: "v2.9.10", harvester: "v1.4.3", rke2: "v1.30.13+rke2r1", os: "ubuntu-24.04" },
      { rancher: "v2.10.6", harvester: "v1.4.3", rke2: "v1.31.9+rke2r1", os: "ubuntu-24.04" },
      { rancher: "v2.11.2", harvester: "v1.5.0", rke2: "v1.32.5+rke2r1", os: "ubuntu-24.04" },
    ]);
    expect(CATALOG.kops.window).toEqual({ oldest: "1.24", newest: "1.26" });
    // Every row testing the cloud provider names its Harvester; the 2.10.6 one is the
    // release Harvester's support matrix pairs with UI Extension 1.0.6.
    expect(SEED.combinations.every((c) => c.harvester !== undefined)).toBe(true);
    expect(CATALOG.kops.paths.map((p) => `${p.from}->${p.to}`)).toEqual(["1.24->1.25", "1.25->1.26"]);
  });
});

describe("versions as upstream records them", () => {
  it("accept the RKE2 manifest's spelling of the chart under test as well as the upstream one", () => {
    expect(catalogProblems({ ...CATALOG, matrices: [{ ...SEED, chart: { ...SEED.chart, version: "0.2.1000" } }] })).toEqual([]);
    expect(CATALOG.rke2.find((r) => r.version === "v1.31.9+rke2r1")!.charts["harvester-cloud-provider"]).toEqual({ packaged: "0.2.1000", upstream: "0.2.10" });
  });

  it("keep Kubernetes end-of-life dates final as kubernetes/website eol.yaml records them, each with its source", () => {
    const eol = Object.fromEntries(CATALOG.kubernetes.map((k) => [k.minor, k.endOfLife]));
    expect(eol).toMatchObject({ "1.27": "2024-07-16", "1.28": "2024-10-22", "1.29": "2025-02-28", "1.30": "2025-07-15", "1.31": "2025-11-11", "1.32": "2026-02-28" });
    const released = Object.fromEntries(CATALOG.kubernetes.filter((k) => k.released).map((k) => [k.minor, k.released]));
    expect(released).toMatchObject({ "1.36": "2026-04-22", "1.37": "2026-08-26" });
    for (const k of CATALOG.kubernetes) expect(k.source, k.minor).toMatch(/kubernetes\/website|kubernetes\.io\/releases/);
    // Lines not yet in eol.yaml carry the planned date, marked as such.
    expect(CATALOG.kubernetes.filter((k) => k.endOfLifeProjected).map((k) => k.minor)).toEqual(["1.33", "1.34", "1.35", "1.36", "1.37"]);
  });

  it("record each KDM range, Harvester range and RKE2 manifest entry with where it was read", () => {
    for (const r of CATALOG.rke2) expect(r.kdm?.source, r.version).toMatch(/^rancher\/kontainer-driver-metadata channels-rke2\.yaml@/);
    for (const h of CATALOG.harvester) expect(h.source, h.version).toMatch(/^harvester\/harvester pkg\/settings\/settings\.go@v/);
  });
});

// Each broken catalog and exactly the lines it must produce.
const BROKEN: [string, Catalog, string[]][] = [
  [
    "an RKE2 release KDM does not offer to the Rancher (its chart bound is not what decides guests)",
    withCombinations(ROW_2_9, { ...ROW_2_10, rke2: "v1.32.5+rke2r1" }),
    [`${M} rancher v2.10.6 + harvester v1.4.3 + rke2 v1.32.5+rke2r1 + ubuntu-24.04: rancher v2.10.6 must be able to provision rke2 v1.32.5+rke2r1: KDM offers it to Rancher v2.11.0-alpha1 through v2.12.99 (got v2.10.6) [kdm-provisionable]`],
  ],
  [
    "Rancher 2.10 and v1.27.16+rke2r2, which fits its chart bound but KDM ends at 2.9",
    withCombinations({ ...ROW_2_10, rke2: "v1.27.16+rke2r2" }),
    [
      `${M} rancher v2.10.6 + harvester v1.4.3 + rke2 v1.27.16+rke2r2 + ubuntu-24.04: rancher v2.10.6 must be able to provision rke2 v1.27.16+rke2r2: KDM offers it to Rancher v2.8.0-alpha1 through v2.9.99 (got v2.10.6) [kdm-provisionable]`,
      `${M} rancher v2.10.6 + harvester v1.4.3 + rke2 v1.27.16+rke2r2 + ubuntu-24.04: rke2 v1.27.16+rke2r2 must bundle harvester-cloud-provider 0.2.10, the chart under test (got 0.2.4, packaged as 0.2.400) [chart-bundled]`,
    ],
  ],
  [
    "an RKE2 release whose KDM range nobody recorded",
    { ...withCombinations(ROW_2_11), rke2: CATALOG.rke2.map((r) => (r.version === ROW_2_11.rke2 ? { ...r, kdm: undefined } : r)) },
    [`${M} rancher v2.11.2 + harvester v1.5.0 + rke2 v1.32.5+rke2r1 + ubuntu-24.04: rke2 v1.32.5+rke2r1 must have its KDM range recorded in src/matrix/data/rke2.ts (channels-rke2.yaml min/maxChannelServerVersion) before a matrix uses it (got none) [known-versions]`],
  ],
  [
    "an RKE2 release that still bundles the previous chart",
    withCombinations({ ...ROW_2_9, rke2: "v1.30.12+rke2r1" }),
    [`${M} rancher v2.9.10 + harvester v1.4.3 + rke2 v1.30.12+rke2r1 + ubuntu-24.04: rke2 v1.30.12+rke2r1 must bundle harvester-cloud-provider 0.2.10, the chart under test (got 0.2.9, packaged as 0.2.900) [chart-bundled]`],
  ],
  [
    "a chart version the RKE2 release does not bundle",
    { ...CATALOG, matrices: [{ ...SEED, chart: { ...SEED.chart, version: "0.2.11" }, combinations: [ROW_2_11] }] },
    [`${M} rancher v2.11.2 + harvester v1.5.0 + rke2 v1.32.5+rke2r1 + ubuntu-24.04: rke2 v1.32.5+rke2r1 must bundle harvester-cloud-provider 0.2.11, the chart under test (got 0.2.10, packaged as 0.2.1000) [chart-bundled]`],
  ],
  [
    "a Harvester that accepts only older cloud providers (v1.1.2: < 0.2.0)",
    {
      ...withCombinations({ ...ROW_2_9, harvester: "v1.1.2" }),
      harvester: [...CATALOG.harvester, { version: "v1.1.2", csiCcmVersions: { "harvester-cloud-provider": ">=0.0.1 <0.2.0", "harvester-csi-provider": ">=0.0.1 <0.2.0" }, source: "harvester/harvester pkg/settings/settings.go@v1.1.2" }],
    },
    [`${M} rancher v2.9.10 + harvester v1.1.2 + rke2 v1.30.13+rke2r1 + ubuntu-24.04: harvester v1.1.2 must accept the harvester-cloud-provider rke2 v1.30.13+rke2r1 bundles (0.2.1000, which Rancher's UI compares as 0.2.10): its harvester-csi-ccm-versions allows ">=0.0.1 <0.2.0" (got 0.2.10) [harvester-accepts-chart]`],
  ],
  [
    "a cloud-provider row that names no Harvester",
    withCombinations({ rancher: "v2.10.6", rke2: "v1.31.9+rke2r1", os: "ubuntu-24.04" }),
    [`${M} rancher v2.10.6 + rke2 v1.31.9+rke2r1 + ubuntu-24.04: harvester must name the Harvester release the guest cluster runs on: harvester-cloud-provider is tested on Harvester (got none) [harvester-named]`],
  ],
  [
    "guests on an OS the test cannot boot",
    withCombinations({ ...ROW_2_11, os: "oracle-linux-7.9" }),
    [`${M} rancher v2.11.2 + harvester v1.5.0 + rke2 v1.32.5+rke2r1 + oracle-linux-7.9: os must be an Ubuntu with a cloud image recorded in src/matrix/data/os.ts: the test boots guests from --ubuntu-image-url as user ubuntu (got oracle-linux-7.9) [test-supports-os]`],
  ],
  [
    "a test entry that names a script the repository does not have, on a moving branch",
    { ...CATALOG, matrices: [{ ...SEED, test: { ...SEED.test, commit: "main", tests: ["./scripts/validate-cloud-provider.sh"] } }] },
    [
      "matrix harvester-cloud-provider-0.2.10 test: commit must be a 40-hex commit, not a branch or tag that moves (got main) [test-entry]",
      "matrix harvester-cloud-provider-0.2.10 test: tests must name files present at 077768bd7477 (src/matrix/data/harvester-tests.ts paths) (got ./scripts/validate-cloud-provider.sh) [test-entry]",
    ],
  ],
  [
    "a test name the file does not define",
    { ...CATALOG, matrices: [{ ...SEED, test: { ...SEED.test, tests: ["harvester_e2e_tests/integrations/test_9_rancher_integration.py::TestRKE3"] } }] },
    ["matrix harvester-cloud-provider-0.2.10 test: tests must name a test or class defined in harvester_e2e_tests/integrations/test_9_rancher_integration.py at 077768bd7477 (got TestRKE3) [test-entry]"],
  ],
  [
    "a packaged chart version that does not package the upstream one",
    { ...CATALOG, rke2: CATALOG.rke2.map((r) => (r.version === "v1.31.9+rke2r1" ? { ...r, charts: { "harvester-cloud-provider": { packaged: "0.2.900", upstream: "0.2.10" } } } : r)) },
    ["src/matrix/data/rke2.ts v1.31.9+rke2r1 harvester-cloud-provider: packaged must be the rke2-charts spelling of upstream 0.2.10 (X.Y.Z → X.Y.(Z*100+N)) (got 0.2.900) [data-shape]"],
  ],
  [
    "a duplicate combination",
    withCombinations(ROW_2_9, ROW_2_10, { ...ROW_2_9 }),
    [`${M} rancher v2.9.10 + harvester v1.4.3 + rke2 v1.30.13+rke2r1 + ubuntu-24.04: each combination must appear once in a matrix (got it at rows 1 and 3) [no-duplicates]`],
  ],
  [
    "versions nobody recorded",
    withCombinations({ rancher: "v2.9.11", harvester: "v1.4.9", rke2: "v1.30.13+rke2r1", os: "debian-12" }),
    [
      `${M} rancher v2.9.11 + harvester v1.4.9 + rke2 v1.30.13+rke2r1 + debian-12: rancher must be one listed in src/matrix/data/rancher.ts (got v2.9.11) [known-versions]`,
      `${M} rancher v2.9.11 + harvester v1.4.9 + rke2 v1.30.13+rke2r1 + debian-12: harvester must be one listed in src/matrix/data/harvester.ts (got v1.4.9) [known-versions]`,
      `${M} rancher v2.9.11 + harvester v1.4.9 + rke2 v1.30.13+rke2r1 + debian-12: os must be one listed in src/matrix/data/os.ts (got debian-12) [known-versions]`,
    ],
  ],
  [
    "two matrices with one name (one Jenkins folder)",
    { ...CATALOG, matrices: [SEED, SEED] },
    ["matrix harvester-cloud-provider-0.2.10: each matrix name must be used once (it names the Jenkins folder) [no-duplicates]"],
  ],
  [
    "a Rancher release recorded twice with different bounds",
    { ...CATALOG, rancher: [...CATALOG.rancher, { version: "v2.10.6", kubeVersion: "< 1.33.0-0" }] },
    ["src/matrix/data/rancher.ts v2.10.6: each version must be recorded once [no-duplicates]"],
  ],
  [
    "a Rancher bound that is not a semver range",
    { ...CATALOG, rancher: [...CATALOG.rancher, { version: "v2.16.0", kubeVersion: "below 1.38" }] },
    ['src/matrix/data/rancher.ts v2.16.0: kubeVersion must be a semver range such as "< 1.32.0-0" (got "below 1.38") [data-shape]'],
  ],
  [
    "a Kubernetes patch filed under the wrong minor",
    { ...CATALOG, kubernetes: CATALOG.kubernetes.map((k) => (k.minor === "1.25" ? { ...k, latestPatch: "1.24.17" } : k)) },
    ["src/matrix/data/kubernetes.ts 1.25: latestPatch must be a patch of 1.25 (got 1.24.17) [data-shape]"],
  ],
  [
    "a misspelled Kubernetes minor in the data (reported, not thrown)",
    { ...CATALOG, kubernetes: [...CATALOG.kubernetes, { minor: "1.25.3", endOfLife: "someday", source: "" }] },
    [
      "src/matrix/data/kubernetes.ts 1.25.3: minor must be written like 1.30 [data-shape]",
      "src/matrix/data/kubernetes.ts 1.25.3: endOfLife must be an ISO date (got someday) [data-shape]",
      "src/matrix/data/kubernetes.ts 1.25.3: source must say where the dates were read (repository, path and version) [data-shape]",
    ],
  ],
  [
    "a matrix whose name cannot be a Jenkins folder, and with no rows",
    { ...CATALOG, matrices: [SEED, { ...SEED, name: "Harvester CP", combinations: [] }] },
    [
      'matrix "Harvester CP": name must be lowercase letters, digits, \'.\' and \'-\' (it names the Jenkins folder) [matrix-shape]',
      "matrix Harvester CP: must list at least one combination [matrix-shape]",
    ],
  ],
  [
    "an upgrade path going backwards",
    withKops({ paths: [...CATALOG.kops.paths, kopsPath("1.26", "1.25", "1.29", "1.29")] }),
    ["kops upgrade 1.26 → 1.25: an upgrade path must go forward, to a newer Kubernetes minor [upgrade-forward]"],
  ],
  [
    "an upgrade path to its own minor",
    withKops({ paths: [...CATALOG.kops.paths, kopsPath("1.25", "1.25", "1.28", "1.28")] }),
    ["kops upgrade 1.25 → 1.25: an upgrade path must go forward, to a newer Kubernetes minor [upgrade-forward]"],
  ],
  [
    "an upgrade path leaving the window",
    withKops({ paths: [...CATALOG.kops.paths, kopsPath("1.26", "1.27", "1.29", "1.30")] }),
    ["kops upgrade 1.26 → 1.27: both ends must be within the kOps window 1.24–1.26; drop paths older than the window (got 1.27 outside) [upgrade-window]"],
  ],
  [
    "a path the window moved past",
    withKops({ window: { oldest: "1.25", newest: "1.26" } }),
    ["kops upgrade 1.24 → 1.25: both ends must be within the kOps window 1.25–1.26; drop paths older than the window (got 1.24 outside) [upgrade-window]"],
  ],
  [
    "a duplicate upgrade path",
    withKops({ paths: [...CATALOG.kops.paths, kopsPath("1.24", "1.25", "1.27", "1.28")] }),
    ["kops upgrade 1.24 → 1.25: each upgrade path must appear once (got it 2 times) [no-duplicates]"],
  ],
  [
    "a minor of the window with no upgrade job",
    withKops({ paths: [kopsPath("1.24", "1.25", "1.27", "1.28")] }),
    ["kops window 1.24–1.26: every minor after the oldest needs an upgrade path into it (got none into 1.26) [upgrade-coverage]"],
  ],
  [
    "a window upside down",
    withKops({ window: { oldest: "1.26", newest: "1.24" } }),
    ["kops window 1.26–1.24: oldest must not be newer than newest [upgrade-window]"],
  ],
  [
    "a skip kept past its removal version",
    withKops({
      window: { oldest: "1.24", newest: "1.27" },
      paths: [...CATALOG.kops.paths, kopsPath("1.26", "1.27", "1.29", "1.30")],
      skips: { ...CATALOG.kops.skips, "1.27": [OLD_SDK_STORAGE_TESTS] },
    }),
    [`kops skip /${OLD_SDK_STORAGE_TESTS.regex}/ for 1.27: a skip must be deleted once past its removal version 1.26 (got it in the 1.27 list) [skip-removal]`],
  ],
  [
    "a skip list left behind when the window moved on",
    withKops({
      window: { oldest: "1.26", newest: "1.28" },
      paths: [
        kopsPath("1.26", "1.27", "1.29", "1.30"),
        kopsPath("1.27", "1.28", "1.30", "1.31"),
      ],
    }),
    ["kops skips for 1.25: skip lists must only exist for minors within the kOps window 1.26–1.28; remove the list with its version [skip-removal]"],
  ],
  [
    "a path to a minor without a pinned patch",
    withKops({
      window: { oldest: "1.24", newest: "1.30" },
      paths: [
        ...CATALOG.kops.paths,
        ...["1.27", "1.28", "1.29", "1.30"].map((to, i) => kopsPath(["1.26", "1.27", "1.28", "1.29"][i], to, ["1.29", "1.30", "1.31", "1.31"][i], ["1.30", "1.31", "1.31", "1.31"][i])),
      ],
    }),
    ["kops upgrade 1.29 → 1.30: Kubernetes 1.30 needs a latestPatch in src/matrix/data/kubernetes.ts for the job to pin [known-versions]"],
  ],
];

describe("broken matrices", () => {
  it.each(BROKEN)("%s", (_name, catalog, expected) => {
    expect(catalogProblems(catalog)).toEqual(expected);
  });

  it("reports every broken rule at once, not the first", () => {
    const catalog: Catalog = {
      ...withCombinations({ ...ROW_2_10, rke2: "v1.32.4+rke2r1" }),
      kops: { ...CATALOG.kops, paths: [...CATALOG.kops.paths, kopsPath("1.26", "1.25", "1.29", "1.29")] },
    };
    expect(catalogProblems(catalog).map((p) => p.match(/\[([a-z-]+)\]$/)?.[1])).toEqual(["kdm-provisionable", "chart-bundled", "upgrade-forward"]);
  });

  it("rejects a skip regex that does not compile, a skip without a reason, test names or the tester that applies it", () => {
    const problems = catalogProblems(withKops({ skips: { "1.25": [{ regex: "(", reason: " ", removeAfter: "1.26" }] } }));
    expect(problems).toEqual([
      expect.stringMatching(/^kops skip \/\(\/ for 1\.25: regex must compile \(got Invalid regular expression: .*\) \[skip-entry\]$/),
      "kops skip /(/ for 1.25: reason must say why the tests are skipped [skip-entry]",
      "kops skip /(/ for 1.25: a skip must be a test-name pattern: list the test names it is for (testNames), which it must match [skip-entry]",
      "kops skip /(/ for 1.25: a skip must name where it is applied (appliedBy: the kOps ref whose tester adds it; the upgrade scenario reads no skip variable) [skip-entry]",
    ]);
  });

  it("every message is one line ending in its rule id", () => {
    for (const [, catalog] of BROKEN) for (const p of catalogProblems(catalog)) expect(p).toMatch(/^[^\n]+ \[[a-z-]+\]$/);
  });
});
