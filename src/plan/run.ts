/**
 * Runs the real program in-process with mocked providers and returns what it
 * would create. Shared by the plan CLI, the tests and the benchmark.
 */
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { NAMESPACE } from "../base/format";
import { parseStackConfig, RawConfig, StackConfig } from "../config";
import { runProgram } from "../programs";
import { PlanMocks, RecordedInvoke } from "./mocks";
import { PlannedResource, recordRegistrations } from "./recorder";
import { applyOverrides, isReviewStack, REVIEW_BASE_STACK, reviewOverrides } from "./review-stack";
import { readStackFile, STACKS_DIR, stackFilePath, stackOfFile } from "./stack-file";

/** The Pulumi project, whose name is also the config namespace. */
export const PROJECT = NAMESPACE;
export const DEFAULT_STACK = "oci-staging";

export interface PlanOptions {
  /**
   * Stack name; its file is `stacks/Pulumi.<stack>.yaml` unless `configFile` is
   * given. With `configFile`, it defaults to the `<name>` of `Pulumi.<name>.yaml`.
   */
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

/** What Pulumi accepts in a stack name (without an organization or project in front). */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The stack a plan is of: the one named, else, as Pulumi names stacks from their
 * files, the `<name>` of a `Pulumi.<name>.yaml` config file, else the default. Every
 * name that carries the stack (resources, URNs, the summary, the JSON) follows it,
 * so a draft's plan diffs against its base under the name it will deploy as.
 */
export function planStackName(opts: Pick<PlanOptions, "stack" | "configFile">): string {
  let stack = opts.stack;
  if (stack === undefined && opts.configFile !== undefined) {
    stack = stackOfFile(opts.configFile);
    if (stack === undefined) throw new PlanInputError(`${opts.configFile} is not named Pulumi.<stack>.yaml: name the stack with --stack <name> (Pulumi names a stack after its file)`);
  }
  stack ??= DEFAULT_STACK;
  if (!STACK_NAME.test(stack)) throw new PlanInputError(`stack name ${JSON.stringify(stack)} may contain only letters, digits, -, _ and . (at most 100), as Pulumi's stack names`);
  return stack;
}

/** Loads and validates config. Throws ConfigError on user mistakes, PlanInputError on a bad stack name or file. */
export function loadPlanConfig(opts: PlanOptions): { config: StackConfig; raw: RawConfig; environments: readonly string[] } {
  const stack = planStackName(opts);
  const path = opts.configFile ? resolve(opts.configFile) : stackFilePath(stack);
  // A review stack without a file of its own is staging with documented overrides (review-stack.ts).
  const derived = !opts.configFile && !existsSync(path) && isReviewStack(stack);
  const source = derived ? stackFilePath(REVIEW_BASE_STACK) : path;
  if (!existsSync(source)) throw new PlanInputError(`no stack file at ${path}${opts.configFile ? "" : ` (stacks available: see ${STACKS_DIR})`}`);
  const file = readStackFile(source, PROJECT);
  const values = { ...file.values };
  if (derived) applyOverrides(values, reviewOverrides(stack, file.values));
  opts.edit?.(values);
  const raw = { values, secretKeys: file.secretKeys };
  return { config: parseStackConfig(raw, stack), raw, environments: file.environments };
}

/** A bad CLI argument or missing file: exit 1 with a message. */
export class PlanInputError extends Error {}

export async function planStack(opts: PlanOptions = {}): Promise<PlanResult> {
  const { config, raw, environments } = loadPlanConfig(opts);
  pulumi.runtime.setAllConfig({ ...raw.values }, [...raw.secretKeys]);
  // The SDK captures a stack trace per resource (source position) and per promise
  // (leak diagnostics); formatting and source-mapping them costs more than the plan
  // itself, and nothing here prints them. CI_INFRA_DEBUG keeps them for debugging.
  const { sourceMapsEnabled } = process;
  const { stackTraceLimit } = Error;
  if (!process.env.CI_INFRA_DEBUG) {
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  try {
    return await planWithMocks(config, environments);
  } finally {
    process.setSourceMapsEnabled(sourceMapsEnabled);
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function planWithMocks(config: StackConfig, environments: readonly string[]): Promise<PlanResult> {
  const mocks = new PlanMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, config.stack, false);
  const recording = recordRegistrations();
  let pending: Record<string, pulumi.Input<string>> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    const result = await runProgram(config);
    pending = result.artifacts;
    return result.outputs;
  });
  const artifacts = await resolveArtifacts(pending);
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

/** Artifacts may wait on resource outputs (addresses, ARNs); under mocks they resolve. */
async function resolveArtifacts(pending: Record<string, pulumi.Input<string>>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(pending).map(async ([path, value]) => {
      const out = pulumi.output(value);
      // A safety net behind the renderers' placeholders: no secret may reach a plan file.
      if (await (out as unknown as { isSecret: Promise<boolean> }).isSecret) throw new Error(`artifact ${path} would contain a secret; render it with placeholders`);
      return [path, await new Promise<string>((resolve) => out.apply(resolve))] as const;
    }),
  );
  return Object.fromEntries(entries);
}
