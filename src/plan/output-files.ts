/** Writers for `--json` and `--out`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import type { PlanJson } from "./diff";
import type { PlanResult } from "./run";

/** The plan as JSON: the contract other tools (plan diff, reviews) read. Secrets are "[secret]". */
export function planJson(plan: PlanResult): PlanJson {
  return {
    stack: plan.stack,
    program: plan.program,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      dependsOn: r.dependsOn,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      deleteBeforeReplace: r.deleteBeforeReplace,
      ignoreChanges: r.ignoreChanges,
      replaceOnChanges: r.replaceOnChanges,
      inputs: r.inputs,
    })),
    outputs: plan.outputs,
  };
}

export function writeJson(file: string, plan: PlanResult): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(planJson(plan), null, 2)}\n`);
}

/** Writes each artifact under `dir`; refuses paths that would escape it. */
export function writeArtifacts(dir: string, artifacts: Record<string, string>): string[] {
  const root = resolve(dir);
  const written: string[] = [];
  for (const [rel, text] of Object.entries(artifacts).sort(([a], [b]) => a.localeCompare(b))) {
    const path = resolve(join(root, rel));
    if (!path.startsWith(root + sep)) throw new Error(`artifact path escapes the output directory: ${rel}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}
