/**
 * Runs the real program in-process with mocked providers and returns what it
 * would create. Shared by the plan CLI, the tests and the benchmark.
 */
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseStackConfig, RawConfig, StackConfig } from "../config";
import { runProgram } from "../programs";
import { PlanMocks, RecordedInvoke } from "./mocks";
import { PlannedResource, recordRegistrations } from "./recorder";
import { readStackFile } from "./stack-file";

export const PROJECT = "ci-infra";
export const STACKS_DIR = resolve(__dirname, "../../stacks");
export const DEFAULT_STACK = "oci-staging";

export interface PlanOptions {
  /** Stack name; its file is `stacks/Pulumi.<stack>.yaml` unless `configFile` is given. */
  readonly stack?: string;
  readonly configFile?: string;
  /** Changes the raw config before validation (tests, benchmark scale series). */
  readonly edit?: (values: Record<string, string>) => void;
}

export interface PlanResult {
  readonly stack: string;
  readonly program: StackConfig["program"];
  readonly config: StackConfig;
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly artifacts: Record<string, string>;
  readonly invokes: RecordedInvoke[];
  readonly environments: readonly string[];
}

export function stackFilePath(stack: string): string {
  return join(STACKS_DIR, `Pulumi.${stack}.yaml`);
}

/** Loads and validates config. Throws ConfigError on user mistakes. */
export function loadPlanConfig(opts: PlanOptions): { config: StackConfig; raw: RawConfig; environments: readonly string[] } {
  const stack = opts.stack ?? DEFAULT_STACK;
  const path = opts.configFile ? resolve(opts.configFile) : stackFilePath(stack);
  if (!existsSync(path)) throw new PlanInputError(`no stack file at ${path}${opts.configFile ? "" : ` (stacks available: see ${STACKS_DIR})`}`);
  const file = readStackFile(path, PROJECT);
  const values = { ...file.values };
  opts.edit?.(values);
  const raw = { values, secretKeys: file.secretKeys };
  return { config: parseStackConfig(raw, stack), raw, environments: file.environments };
}

/** A bad CLI argument or missing file: exit 1 with a message. */
export class PlanInputError extends Error {}

export async function planStack(opts: PlanOptions = {}): Promise<PlanResult> {
  const { config, raw, environments } = loadPlanConfig(opts);
  pulumi.runtime.setAllConfig({ ...raw.values }, [...raw.secretKeys]);
  const mocks = new PlanMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, config.stack, false);
  const recording = recordRegistrations();
  let artifacts: Record<string, string> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    const result = await runProgram(config);
    artifacts = result.artifacts;
    return result.outputs;
  });
  await pulumi.runtime.disconnect();
  const stackUrn = recording.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
  return {
    stack: config.stack,
    program: config.program,
    config,
    resources: recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"),
    outputs: (stackUrn && recording.outputs.get(stackUrn)) || {},
    artifacts,
    invokes: mocks.invokes,
    environments,
  };
}
