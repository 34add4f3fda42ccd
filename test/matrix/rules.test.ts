import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/matrix/catalog";
import { catalogProblems } from "../../src/matrix/check";
import { NO_CREDENTIAL_PROVIDERS } from "../../src/matrix/data/kops";
import type { Catalog } from "../../src/matrix/types";
import { ROW_2_10, ROW_2_11, ROW_2_9, SEED, withCombinations, withKops } from "./fixtures";

const M = "matrix harvester-cloud-provider-0.2.10 combination";

describe("the shipped matrices", () => {
  it("hold every rule", () => {
    expect(catalogProblems()).toEqual([]);
  });

  it("ship the seed's harvester-cloud-provider 0.2.10 validation and the kOps 1.24-1.26 upgrades", () => {
    expect(SEED.chart).toEqual({ name: "harvester-cloud-provider", version: "0.2.10" });
    expect(SEED.combinations).toEqual([
      { rancher: "v2.9.10", harvester: "v1.4.3", rke2: "v1.30.13+rke2r1", os: "ubuntu-24.04" },
      { rancher: "v2.10.6", rke2: "v1.31.9+rke2r1", os: "ubuntu-24.04" },
      { rancher: "v2.11.2", harvester: "v1.5.0", rke2: "v1.32.5+rke2r1", os: "ubuntu-24.04" },
    ]);
    expect(CATALOG.kops.window).toEqual({ oldest: "1.24", newest: "1.26" });
    expect(CATALOG.kops.paths.map((p) => `${p.from}->${p.to}`)).toEqual(["1.24->1.25", "1.25->1.26"]);
  });
});

// Each broken catalog and exactly the lines it must produce.
const BROKEN: [string, Catalog, string[]][] = [
  [
    "Kubernetes above the Rancher chart's bound",
    withCombinations(ROW_2_9, { ...ROW_2_10, rke2: "v1.32.5+rke2r1" }),
    [`${M} rancher v2.10.6 + rke2 v1.32.5+rke2r1 + ubuntu-24.04: Kubernetes must satisfy the rancher v2.10.6 chart's kubeVersion "< 1.32.0-0" (got 1.32.5) [kube-within-chart-bounds]`],
  ],
  [
    "an RKE2 release that still bundles the previous chart",
    withCombinations({ ...ROW_2_9, rke2: "v1.30.12+rke2r1" }),
    [`${M} rancher v2.9.10 + harvester v1.4.3 + rke2 v1.30.12+rke2r1 + ubuntu-24.04: rke2 v1.30.12+rke2r1 must bundle harvester-cloud-provider 0.2.10, the chart under test (got 0.2.9) [chart-bundled]`],
  ],
  [
    "a chart version the RKE2 release does not bundle",
    { ...CATALOG, matrices: [{ ...SEED, chart: { ...SEED.chart, version: "0.2.11" }, combinations: [ROW_2_11] }] },
    [`${M} rancher v2.11.2 + harvester v1.5.0 + rke2 v1.32.5+rke2r1 + ubuntu-24.04: rke2 v1.32.5+rke2r1 must bundle harvester-cloud-provider 0.2.11, the chart under test (got 0.2.10) [chart-bundled]`],
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
    { ...CATALOG, kubernetes: [...CATALOG.kubernetes, { minor: "1.25.3", endOfLife: "someday" }] },
    [
      "src/matrix/data/kubernetes.ts 1.25.3: minor must be written like 1.30 [data-shape]",
      "src/matrix/data/kubernetes.ts 1.25.3: endOfLife must be an ISO date (got someday) [data-shape]",
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
    withKops({ paths: [...CATALOG.kops.paths, { from: "1.26", to: "1.25" }] }),
    ["kops upgrade 1.26 → 1.25: an upgrade path must go forward, to a newer Kubernetes minor [upgrade-forward]"],
  ],
  [
    "an upgrade path to its own minor",
    withKops({ paths: [...CATALOG.kops.paths, { from: "1.25", to: "1.25" }] }),
    ["kops upgrade 1.25 → 1.25: an upgrade path must go forward, to a newer Kubernetes minor [upgrade-forward]"],
  ],
  [
    "an upgrade path leaving the window",
    withKops({ paths: [...CATALOG.kops.paths, { from: "1.26", to: "1.27" }] }),
    ["kops upgrade 1.26 → 1.27: both ends must be within the kOps window 1.24–1.26; drop paths older than the window (got 1.27 outside) [upgrade-window]"],
  ],
  [
    "a path the window moved past",
    withKops({ window: { oldest: "1.25", newest: "1.26" } }),
    ["kops upgrade 1.24 → 1.25: both ends must be within the kOps window 1.25–1.26; drop paths older than the window (got 1.24 outside) [upgrade-window]"],
  ],
  [
    "a duplicate upgrade path",
    withKops({ paths: [...CATALOG.kops.paths, { from: "1.24", to: "1.25" }] }),
    ["kops upgrade 1.24 → 1.25: each upgrade path must appear once (got it 2 times) [no-duplicates]"],
  ],
  [
    "a minor of the window with no upgrade job",
    withKops({ paths: [{ from: "1.24", to: "1.25" }] }),
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
      paths: [...CATALOG.kops.paths, { from: "1.26", to: "1.27" }],
      skips: { ...CATALOG.kops.skips, "1.27": [NO_CREDENTIAL_PROVIDERS] },
    }),
    ["kops skip /NoCredentialProviders/ for 1.27: a skip must be deleted once past its removal version 1.26 (got it in the 1.27 list) [skip-removal]"],
  ],
  [
    "a skip list left behind when the window moved on",
    withKops({
      window: { oldest: "1.26", newest: "1.28" },
      paths: [
        { from: "1.26", to: "1.27" },
        { from: "1.27", to: "1.28" },
      ],
    }),
    ["kops skips for 1.25: skip lists must only exist for minors within the kOps window 1.26–1.28; remove the list with its version [skip-removal]"],
  ],
  [
    "a path to a minor without a pinned patch",
    withKops({ window: { oldest: "1.24", newest: "1.30" }, paths: [...CATALOG.kops.paths, ...["1.27", "1.28", "1.29", "1.30"].map((to, i) => ({ from: ["1.26", "1.27", "1.28", "1.29"][i], to }))] }),
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
      kops: { ...CATALOG.kops, paths: [...CATALOG.kops.paths, { from: "1.26", to: "1.25" }] },
    };
    expect(catalogProblems(catalog).map((p) => p.match(/\[([a-z-]+)\]$/)?.[1])).toEqual(["kube-within-chart-bounds", "chart-bundled", "upgrade-forward"]);
  });

  it("rejects a skip regex that does not compile and a skip without a reason", () => {
    const problems = catalogProblems(withKops({ skips: { "1.25": [{ regex: "(", reason: " ", removeAfter: "1.26" }] } }));
    expect(problems).toEqual([
      expect.stringMatching(/^kops skip \/\(\/ for 1\.25: regex must compile \(got Invalid regular expression: .*\) \[skip-entry\]$/),
      "kops skip /(/ for 1.25: reason must say why the tests are skipped [skip-entry]",
    ]);
  });

  it("every message is one line ending in its rule id", () => {
    for (const [, catalog] of BROKEN) for (const p of catalogProblems(catalog)) expect(p).toMatch(/^[^\n]+ \[[a-z-]+\]$/);
  });
});
