/** Shared test fixtures: the shipped stack files, edited per test. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseStackConfig, RawConfig, StackConfig } from "../src/config";
import { configEdit, editValues } from "../src/plan/config-edit";
import { planStack, PlanResult, PROJECT } from "../src/plan/run";
import { readStackFile, stackFilePath } from "../src/plan/stack-file";
import type { PlannedResource } from "../src/plan/recorder";
import { tempDir } from "./runtime";

export type Edit = (values: Record<string, string>) => void;

/** Sets `path` (e.g. "ingress.httpNodePort") inside the structured key `ci-infra:<top>`; `undefined` deletes it. */
export function set(path: string, value: unknown): Edit {
  return (values) => editValues(values, [configEdit(path, value)]);
}

export function rawConfig(stack = "oci-staging", ...edits: Edit[]): RawConfig {
  const file = readStackFile(stackFilePath(stack), PROJECT);
  const values = { ...file.values };
  for (const e of edits) e(values);
  return { values, secretKeys: new Set(file.secretKeys) };
}

export function parse(stack = "oci-staging", ...edits: Edit[]): StackConfig {
  return parseStackConfig(rawConfig(stack, ...edits), stack);
}

/** The problems a ConfigError carries, or [] when the config is valid. */
export function problems(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (e) {
    const p = (e as { problems?: string[] }).problems;
    if (!p) throw e;
    return p;
  }
}

export function plan(stack = "oci-staging", ...edits: Edit[]): Promise<PlanResult> {
  return planStack({ stack, edit: (v) => edits.forEach((e) => e(v)) });
}

export function ofType(p: PlanResult, type: string): PlannedResource[] {
  return p.resources.filter((r) => r.type === type);
}

/**
 * A copy of a shipped stack file with `block` appended (YAML under `config:`),
 * for config that must be set with --secret: `secure:` values in it are read as the
 * offline plan reads them, placeholders marked secret. `drop` removes text first.
 * The file's directory goes with `removeTempDirs` (test/runtime.ts): call it in afterAll.
 */
export function stackFileWith(stack: string, block: string, drop?: RegExp): string {
  const dir = tempDir("stack-");
  const file = join(dir, `Pulumi.${stack}.yaml`);
  const base = readFileSync(stackFilePath(stack), "utf8").replace(drop ?? /$^/, "");
  writeFileSync(file, `${base.trimEnd()}\n${block}`);
  return file;
}
