/**
 * One measurement in its own process, forked by plan-bench.ts: load the
 * modules, one warm-up run, then one timed run per "run" command, each after a
 * full GC; "finish" reports the peak RSS and exits.
 *
 * Why a process per (row, plan|floor): the Pulumi runtime keeps global state
 * (settings store, mock monitor, config, the leak detector's promise set) that
 * setMocks replaces but does not fully reset, and plan and floor in one process
 * would share JIT and heap; a process each keeps them independent and gives
 * each its own peak RSS. Why several runs inside a process: setMocks installs a
 * fresh monitor and store for each run, and the timed runs show no upward drift
 * (the min–max columns), so a warm process gives the steady-state cost without
 * paying ~3 s of module loading per sample. The orchestrator drives the plan and
 * floor processes alternately, so a change in machine load hits both alike.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { performance, PerformanceObserver } from "node:perf_hooks";
import { parseCommandLine } from "../src/cli/args";
import { ciAgentEdit, type Command, type Registration, type Shape, type Target, type WorkerMessage, type WorkerSpec } from "./protocol";

type Run = () => Promise<number>;

const MB = 1024 * 1024;


async function planWork(target: Target, shapeFile: string): Promise<{ run: Run; afterWarmUp: () => void }> {
  const { planStack, PROJECT } = await import("../src/plan/run");
  const { observePlanSettings } = await import("./floor");
  const settings = observePlanSettings();
  const opts = { stack: target.stack, edit: target.ciAgents === undefined ? undefined : ciAgentEdit(target.ciAgents) };
  let last: Awaited<ReturnType<typeof planStack>> | undefined;
  return {
    run: async () => {
      last = await planStack(opts);
      return last.resources.length;
    },
    afterWarmUp: () => {
      const registrations: Registration[] = last!.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, inputs: r.inputs }));
      const shape: Shape = { project: PROJECT, stack: last!.stack, settings: settings(), registrations };
      writeFileSync(shapeFile, JSON.stringify(shape));
    },
  };
}

async function floorWork(shapeFile: string): Promise<{ run: Run; afterWarmUp: () => void }> {
  const shape = JSON.parse(readFileSync(shapeFile, "utf8")) as Shape;
  const { floorProgram } = await import("./floor");
  return { run: floorProgram(shape.registrations, shape.project, shape.stack, shape.settings), afterWarmUp: () => {} };
}

function send(m: WorkerMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(m, undefined, {}, () => resolve()) : (console.log(JSON.stringify(m)), resolve())));
}

function fail(err: unknown): Promise<never> {
  // The plan CLI prints messages only; so does the bench (ConfigError carries one line per problem).
  const problems = (err as { problems?: string[] }).problems;
  const error = problems?.join("; ") ?? (err instanceof Error ? err.message : String(err));
  return send({ type: "failed", error }).then(() => process.exit(1));
}

async function main(spec: WorkerSpec): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const t0 = performance.now();
  const work = spec.kind === "plan" ? await planWork(spec.target, spec.shapeFile) : await floorWork(spec.shapeFile);
  const importMs = performance.now() - t0;
  const importRssMb = process.memoryUsage().rss / MB;

  let gcTotal = 0;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcTotal += e.duration))).observe({ entryTypes: ["gc"] });
  const flushGcEntries = () => new Promise((resolve) => setTimeout(resolve, 0));

  const timed = async (): Promise<{ ms: number; cpuMs: number; gcMs: number; resources: number }> => {
    gc();
    await flushGcEntries();
    const gc0 = gcTotal;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const resources = await work.run();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    await flushGcEntries();
    return { ms, cpuMs: (used.user + used.system) / 1000, gcMs: gcTotal - gc0, resources };
  };

  const first = await timed();
  work.afterWarmUp();
  await send({ type: "ready", resources: first.resources, importMs, firstMs: first.ms, importRssMb });

  process.on("message", (c: Command) => {
    if (c.cmd === "run") {
      timed()
        .then((t) => send({ type: "run", ...t }))
        .catch(fail);
    } else {
      send({ type: "finished", maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB })
        // The Pulumi runtime may keep handles open; the measurement is over.
        .then(() => process.exit(0));
    }
  });
}

/** `worker.ts --kind plan|floor --stack <name> [--ci-agents <n>] --shape <file>` (the orchestrator's WorkerSpec). */
export function workerArgs(spec: WorkerSpec): string[] {
  const { target } = spec;
  return ["--kind", spec.kind, "--label", target.label, "--stack", target.stack, ...(target.ciAgents === undefined ? [] : ["--ci-agents", String(target.ciAgents)]), "--shape", spec.shapeFile];
}

function specOf(argv: readonly string[]): WorkerSpec {
  const OPTIONS = { kind: { type: "string" }, label: { type: "string" }, stack: { type: "string" }, "ci-agents": { type: "string" }, shape: { type: "string" } } as const;
  const { values: v } = parseCommandLine(argv, OPTIONS);
  if ((v.kind !== "plan" && v.kind !== "floor") || !v.stack || !v.shape) throw new Error(`worker: --kind plan|floor, --stack and --shape are required (got ${argv.join(" ")})`);
  const ciAgents = v["ci-agents"] === undefined ? undefined : Number(v["ci-agents"]);
  return { kind: v.kind, shapeFile: v.shape, target: { label: v.label ?? v.stack, stack: v.stack, ciAgents } };
}

if (require.main === module) {
  Promise.resolve()
    .then(() => main(specOf(process.argv.slice(2))))
    .catch(fail);
}
