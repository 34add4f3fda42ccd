/**
 * The import graph points down (docs/STYLE.md, "How ci-infra applies it", item 8):
 * no cycle, and a layer imports only those below it, except the few imports listed
 * in CLIMBS with their reason.
 */
import madge from "madge";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// typescript-estree, which madge parses with, warns once per file about its own AST.
(process as { noDeprecation?: boolean }).noDeprecation = true;

const SRC = join(__dirname, "..", "src");

/** Layers, lowest first: a file may import its own layer or a lower one. */
const LAYERS: readonly (readonly [number, RegExp])[] = [
  [0, /^base\//],
  [1, /^(versions|ports)\.ts$|^compat\//],
  [2, /^config\//],
  // Pure renderers, and the test matrices (data and renderers) beside them; the
  // matrix CLI and plan extension sit with the plan, at the top.
  [3, /^cloud-init\/|^cluster\/k3s-config\.ts$|^matrix\/(?!cli\.ts$|plan-extension\.ts$)/],
  [4, /^(components|oci|cluster|apps|kops)\//],
  [5, /^programs\//],
];
const layerOf = (file: string): number => LAYERS.find(([, re]) => re.test(file))?.[0] ?? 6;

/** Imports that climb a layer, each with its reason. */
const CLIMBS: Readonly<Record<string, string>> = {
  // The platform config checks matrix pins and targets (ci-infra:matrixTargets) as it
  // parses; the matrix catalog is data the config layer validates against.
  "config/platform-apps.ts -> matrix/catalog.ts": "the matrix catalog is the schema of matrixTargets",
  "config/platform-apps.ts -> matrix/targets.ts": "the matrix catalog is the schema of matrixTargets",
  // Types only: the registry fills the rules' config from each program's settings,
  // and the policy layer (above) owns that shape.
  "programs/index.ts -> policy/types.ts": "the PolicyConfig type the registry's policyFacts return",
};

// Type-only imports count: a cycle through types is still two modules that
// cannot be read apart.
let result: Awaited<ReturnType<typeof madge>>;
let graph: Record<string, string[]>;
beforeAll(async () => {
  result = await madge(SRC, { fileExtensions: ["ts"], detectiveOptions: { ts: { skipTypeImports: false } } });
  graph = result.obj();
}, 60_000);

describe("import graph", () => {
  it("has no cycle (madge --circular --extensions ts src)", () => {
    expect(result.circular()).toEqual([]);
  });

  it("imports point down, but for the listed climbs", () => {
    const climbs: string[] = [];
    for (const [from, tos] of Object.entries(graph)) {
      for (const to of tos) if (layerOf(to) > layerOf(from)) climbs.push(`${from} -> ${to}`);
    }
    expect(climbs.filter((c) => !(c in CLIMBS))).toEqual([]);
  });
});
