/**
 * Where the plan's time goes beyond the floor: the plan, a "typed floor" (the
 * same registrations replayed through the generated SDK classes, e.g.
 * `oci.core.Instance`, where they can be found) and the bare floor of
 * plan-bench.ts, in one process, alternating, after a warm-up of each.
 *
 *   plan − typed floor  = the program's own work (config, invokes, cloud-init, applies, recorder)
 *   typed − bare floor  = what the generated SDK classes cost (an Output per declared property)
 *
 *   node --expose-gc --import tsx bench/decompose.ts [ciAgents=300]
 *
 * Both floors run under the runtime settings the plan ran with (see observePlanSettings).
 *
 * A diagnostic, not part of `npm run bench` (one process for all three: fine
 * for a decomposition, not for the headline figures).
 */
import * as pulumi from "@pulumi/pulumi";
import { planStack, PROJECT } from "../src/plan/run";
import { BareCustom, CreateCustom, floorProgram, observePlanSettings, RuntimeSettings } from "./floor";
import { ciAgentEdit, median, Registration } from "./protocol";

const STACK = "oci-staging";
const ROUNDS = 3;

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The generated class of `pkg:Mod/file:Class` (e.g. @pulumi/oci/core/instance, @pulumi/kubernetes/core/v1), when it can be found. */
function sdkClass(type: string): ResourceClass | undefined {
  const m = /^([\w-]+):([\w.-]+)\/([\w.-]+):(\w+)$/.exec(type);
  if (!m) return undefined;
  const [, pkg, mod, file, cls] = m;
  const dir = mod === "index" ? "" : `${mod.toLowerCase()}/`;
  for (const path of [`@pulumi/${pkg}/${dir}${file}`, `@pulumi/${pkg}/${dir}${file.toLowerCase()}`]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const c = require(path)[cls] as (ResourceClass & { __pulumiType?: string }) | undefined;
      if (c?.__pulumiType === type) return c;
    } catch {
      // not this layout
    }
  }
  return undefined;
}


/** The typed floor: floor.ts's replay with each custom resource built by its generated SDK class where one is found. */
function typedFloor(regs: readonly Registration[], settings: RuntimeSettings | undefined): { run: () => Promise<number>; typed: number } {
  const classes = new Map(regs.filter((r) => r.custom).map((r) => [r.type, sdkClass(r.type)]));
  const typed = regs.filter((r) => classes.get(r.type)).length;
  const create: CreateCustom = (type, name, inputs, opts) => {
    const C = classes.get(type);
    return C ? new C(name, inputs, opts) : new BareCustom(type, name, inputs, opts);
  };
  return { run: floorProgram(regs, PROJECT, STACK, settings, create), typed };
}

async function sample(f: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const c = process.cpuUsage();
  const t = performance.now();
  await f();
  const u = process.cpuUsage(c);
  return { cpu: (u.user + u.system) / 1000, wall: performance.now() - t };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 300);
  const settings = observePlanSettings();
  const edit = ciAgentEdit(n);
  const plan = () => planStack({ stack: STACK, edit });
  const warm = await plan();
  // Recorded order has parents first (a child registers after its parent's URN is known).
  const regs: Registration[] = warm.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, inputs: r.inputs }));
  const typed = typedFloor(regs, settings());
  const bare = floorProgram(regs, PROJECT, STACK, settings());
  await typed.run();
  await bare();
  const out = { plan: [] as { cpu: number; wall: number }[], typed: [] as { cpu: number; wall: number }[], bare: [] as { cpu: number; wall: number }[] };
  for (let i = 0; i < ROUNDS; i++) {
    out.plan.push(await sample(plan));
    out.typed.push(await sample(typed.run));
    out.bare.push(await sample(bare));
  }
  const cpu = (k: keyof typeof out) => median(out[k].map((x) => x.cpu));
  const wall = (k: keyof typeof out) => median(out[k].map((x) => x.wall));
  console.log(`${STACK} ciAgent=${n}: ${regs.length} resources (${typed.typed} replayed through their SDK class), plan settings ${JSON.stringify(settings())}, median of ${ROUNDS}`);
  for (const k of ["plan", "typed", "bare"] as const) console.log(`  ${k.padEnd(5)} cpu ${cpu(k).toFixed(0).padStart(6)} ms  wall ${wall(k).toFixed(0).padStart(6)} ms`);
  console.log(`  program's own work (plan − typed): cpu ${(cpu("plan") - cpu("typed")).toFixed(0)} ms; SDK classes (typed − bare): cpu ${(cpu("typed") - cpu("bare")).toFixed(0)} ms`);
  process.exit(0);
}

main();
