/** The human-readable plan: what would be created, grouped by component. */
import type { PlanResult } from "./run";

function componentOf(r: PlanResult["resources"][number], byUrn: Map<string, PlanResult["resources"][number]>): string {
  // The nearest ancestor that is a component (custom === false), else the stack.
  let p = r.parent ? byUrn.get(r.parent) : undefined;
  while (p && p.custom) p = p.parent ? byUrn.get(p.parent) : undefined;
  return p ? `${p.name} (${p.type})` : "(stack)";
}

const MAX_OUTPUT_CHARS = 200;

/** `artifactPaths`: every file `--out` writes (the program's and the extensions'); default the program's. */
export function renderSummary(plan: PlanResult, warnings: readonly string[], artifactPaths: readonly string[] = Object.keys(plan.artifacts)): string {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const custom = plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  const groups = new Map<string, Map<string, number>>();
  for (const r of custom) {
    const comp = componentOf(r, byUrn);
    const types = groups.get(comp) ?? new Map<string, number>();
    types.set(r.type, (types.get(r.type) ?? 0) + 1);
    groups.set(comp, types);
  }
  const lines: string[] = [];
  lines.push(`stack ${plan.stack} · program ${plan.program} · ${custom.length} resources in ${groups.size} components`);
  if (plan.environments.length) lines.push(`ESC environments: ${plan.environments.join(", ")}`);
  lines.push("");
  for (const [comp, types] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...types.values()].reduce((a, b) => a + b, 0);
    lines.push(`${comp}: ${total}`);
    for (const [type, n] of [...types].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${String(n).padStart(4)}  ${type}`);
  }
  const releases = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
  if (releases.length) {
    lines.push("", "helm releases (values: --out <dir>/helm/<release>.values.yaml, or --json):");
    for (const r of releases) {
      const i = r.inputs as { name: string; namespace: string; chart: string; version: string; repositoryOpts?: { repo?: string } };
      lines.push(`  ${i.name.padEnd(14)} ${i.chart}@${i.version} in ${i.namespace} from ${i.repositoryOpts?.repo ?? "?"}`);
    }
  }
  lines.push("", "outputs:");
  for (const [k, v] of Object.entries(plan.outputs).sort(([a], [b]) => a.localeCompare(b))) {
    const text = JSON.stringify(v);
    // Rendered documents (credential configs, manifests) belong in --json/--out, not on a terminal line.
    lines.push(`  ${k}: ${text.length <= MAX_OUTPUT_CHARS ? text : `${text.slice(0, MAX_OUTPUT_CHARS - 1)}… (${text.length} chars; full value with --json)`}`);
  }
  // One path per line: the list is long, and reviewers grep it.
  const artifacts = [...artifactPaths].sort();
  if (artifacts.length) lines.push("", `artifacts (--out, ${artifacts.length}):`, ...artifacts.map((a) => `  ${a}`));
  lines.push("", warnings.length ? "warnings:" : "warnings: none");
  for (const w of warnings) lines.push(`  - ${w}`);
  return lines.join("\n");
}
