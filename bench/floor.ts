/**
 * The floor: a bare program that makes the same registrations as a plan, and
 * nothing else, under the same mocks (PlanMocks + setMocks + runInPulumiStack).
 *
 * Same count, same type tokens, same names and the same parent tree (so the same
 * URNs and parent depth), the same input values (as the plan recorded them, so
 * PlanMocks computes the same outputs). What it leaves out is exactly what the
 * ratio plan/floor is about: config loading and validation, invokes, the
 * program's own code (cloud-init rendering, Outputs and applies), the typed SDK
 * classes (`oci.core.Instance` declares ~48 output properties, each turned into
 * an Output), and the plan's recorder. It runs under the same runtime settings
 * as the plan (Error.stackTraceLimit, source maps), observed at setMocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlanMocks } from "../src/plan/mocks";
import type { Registration } from "./protocol";

/** Runtime settings that change what a registration costs (the SDK captures a stack per promise). */
export interface RuntimeSettings {
  readonly stackTraceLimit: number;
  readonly sourceMapsEnabled: boolean;
}

/**
 * Watches `pulumi.runtime.setMocks` to learn the settings the plan registers its
 * resources under (planStack turns off stack traces and source maps while it
 * plans), so that the floor can run under the same ones.
 */
export function observePlanSettings(): () => RuntimeSettings | undefined {
  const runtime = pulumi.runtime as { setMocks: typeof pulumi.runtime.setMocks };
  const setMocks = runtime.setMocks;
  let seen: RuntimeSettings | undefined;
  runtime.setMocks = (...args) => {
    seen = { stackTraceLimit: Error.stackTraceLimit, sourceMapsEnabled: process.sourceMapsEnabled };
    return setMocks(...args);
  };
  return () => seen;
}

/** Runs `fn` under `s`, then restores the previous settings. */
export async function withSettings<T>(s: RuntimeSettings | undefined, fn: () => Promise<T>): Promise<T> {
  if (!s) return fn();
  const before: RuntimeSettings = { stackTraceLimit: Error.stackTraceLimit, sourceMapsEnabled: process.sourceMapsEnabled };
  Error.stackTraceLimit = s.stackTraceLimit;
  process.setSourceMapsEnabled(s.sourceMapsEnabled);
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = before.stackTraceLimit;
    process.setSourceMapsEnabled(before.sourceMapsEnabled);
  }
}

/** Plain, untyped resources: the SDK's own classes, without a generated SDK's property declarations. */
export class BareCustom extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(type, name, inputs, opts);
  }
}
export class BareComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
  }
}

/** Parents before children; otherwise the recorded order. */
function parentsFirst(regs: readonly Registration[]): Registration[] {
  const byUrn = new Map(regs.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const out: Registration[] = [];
  const visit = (r: Registration) => {
    if (done.has(r.urn)) return;
    done.add(r.urn);
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) visit(parent);
    out.push(r);
  };
  regs.forEach(visit);
  return out;
}

/** Builds a custom resource: BareCustom for the bare floor, the generated SDK class for decompose.ts's typed floor. */
export type CreateCustom = (type: string, name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const bare: CreateCustom = (type, name, inputs, opts) => new BareCustom(type, name, inputs, opts);

/**
 * Prepares a replay (the one floor replay of the bench); the returned function is one
 * timed run, under the plan's runtime settings when given. `create` builds each custom
 * resource (default BareCustom).
 */
export function floorProgram(regs: readonly Registration[], project: string, stack: string, settings?: RuntimeSettings, create: CreateCustom = bare): () => Promise<number> {
  const ordered = parentsFirst(regs);
  return () => withSettings(settings, async () => {
    pulumi.runtime.setAllConfig({}, []);
    await pulumi.runtime.setMocks(new PlanMocks(), project, stack, false);
    await pulumi.runtime.runInPulumiStack(async () => {
      const created = new Map<string, pulumi.Resource>();
      for (const r of ordered) {
        // A parent missing from the map is the stack: the default parent.
        const opts = { parent: r.parent ? created.get(r.parent) : undefined };
        created.set(
          r.urn,
          r.custom ? create(r.type, r.name, { ...r.inputs }, opts) : new BareComponent(r.type, r.name, opts),
        );
      }
      return {};
    });
    await pulumi.runtime.disconnect();
    return ordered.length;
  });
}
