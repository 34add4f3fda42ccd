/**
 * `npm run bench [-- options]`: the offline plan of every shipped stack against
 * its floor (a bare program making the same registrations under the same
 * mocks), and a scale series of oci-staging with more ci-agent VMs.
 *
 * Each (row, plan|floor) is measured in its own child process (see worker.ts):
 * one warm-up run, then the median of several timed runs. A row's plan and
 * floor processes run one at a time, alternately, never competing for the CPU. This is a benchmark, not a test: it asserts
 * nothing and is not part of `npm test`.
 *
 * Options: USAGE below (`npm run bench -- --help` prints it).
 */
import { ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { shippedStacks } from "../src/plan/stack-file";
import { Command, MeasurementResult, Measurement, median, Ready, Target, WorkerMessage, WorkerSpec } from "./protocol";

const ROOT = resolve(__dirname, "..");
const WORKER = join(__dirname, "worker.ts");
const SCALE_STACK = "oci-staging";
const TARGET_RATIO = 1.3;
/** A series is called linear when the marginal cost per resource grows by at most this factor. */
const LINEAR_TOLERANCE = 1.25;
/** A child silent for longer than this is stopped and its row reported as failed. */
const WORKER_TIMEOUT_MS = 150_000;

export const USAGE = [
  "usage: npm run bench -- [--runs <n>] [--budget <s>] [--stacks <a,b>] [--scale <n,n,...>] [--json <file>]",
  "  --runs <n>          most timed runs per measurement (default 7; at least 3)",
  "  --budget <s>        seconds of timed runs per measurement before fewer runs are taken (default 10)",
  "  --stacks <a,b>      only these stacks (default: every stacks/Pulumi.*.yaml)",
  "  --scale <n,n,...>   ci-agent counts of the oci-staging series (default 10,100,300; \"none\" to skip)",
  "  --json <file>       also write every raw figure as JSON",
].join("\n");

interface Options {
  maxRuns: number;
  budgetMs: number;
  stacks?: string[];
  scale: number[];
  json?: string;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { maxRuns: 7, budgetMs: 10_000, scale: [10, 100, 300] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    const int = (x: string) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a}: not a non-negative integer: ${x}`);
      return n;
    };
    if (a === "--runs") o.maxRuns = Math.max(3, int(v()));
    else if (a === "--budget") {
      const x = v();
      o.budgetMs = Number(x) * 1000;
      if (!(o.budgetMs > 0)) throw new Error(`--budget: not a positive number of seconds: ${x}`);
    }
    else if (a === "--stacks") {
      o.stacks = v().split(",").filter(Boolean);
      // A misspelt stack must fail the run, not become a "plan failed" row of a run that exits 0.
      const shipped = shippedStacks();
      const unknown = o.stacks.filter((s) => !shipped.includes(s));
      if (unknown.length) throw new Error(`--stacks: no stack file for ${unknown.join(", ")} (shipped: ${shipped.join(", ")})`);
    }
    else if (a === "--scale") {
      const x = v();
      o.scale = x === "none" ? [] : x.split(",").map(int);
    } else if (a === "--json") o.json = v();
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

/** The commit measured, `-dirty` when the work tree has changes (others edit src/ concurrently). */
function revision(): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown (not a git work tree)";
  }
}


/** A worker process and its messages, in order. */
class Child {
  private readonly process: ChildProcess;
  private readonly messages: WorkerMessage[] = [];
  private waiter?: (m: WorkerMessage) => void;
  private output = "";
  private exited = false;

  constructor(spec: WorkerSpec) {
    // tsx's loader flags (process.execArgv) so the child runs TypeScript too; --expose-gc for a full GC before each run.
    this.process = fork(WORKER, [JSON.stringify(spec)], { cwd: ROOT, execArgv: [...process.execArgv, "--expose-gc"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    this.process.stdout?.on("data", (d) => (this.output += d));
    this.process.stderr?.on("data", (d) => (this.output += d));
    this.process.on("message", (m) => this.push(m as WorkerMessage));
    this.process.on("exit", (code, signal) => {
      this.exited = true;
      const tail = this.output.trim().split("\n").slice(-3).join(" | ");
      this.push({ type: "failed", error: `worker exited (${signal ?? code})${tail ? `: ${tail}` : ""}` });
    });
  }

  private push(m: WorkerMessage): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w(m);
    else this.messages.push(m);
  }

  /** The next message; a child silent for WORKER_TIMEOUT_MS is stopped (and reported as failed). */
  next(): Promise<WorkerMessage> {
    const m = this.messages.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.output += `\nstopped: silent for ${WORKER_TIMEOUT_MS / 1000} s`;
        this.process.kill("SIGKILL");
      }, WORKER_TIMEOUT_MS);
      this.waiter = (x) => {
        clearTimeout(timer);
        resolve(x);
      };
    });
  }

  command(c: Command): Promise<WorkerMessage> {
    if (!this.exited) this.process.send(c);
    return this.next();
  }

  stop(): void {
    if (!this.exited) this.process.kill("SIGKILL");
  }
}

interface Row {
  readonly target: Target;
  readonly plan: MeasurementResult;
  readonly floor?: MeasurementResult;
  /** 1-minute load average before and after the row: the machine may be shared. */
  readonly load: [number, number];
}

const failed = (m: WorkerMessage) => ({ ok: false as const, error: m.type === "failed" ? m.error : `unexpected ${m.type} message` });

/**
 * Plan first (its warm-up writes the registrations), then the floor; then their
 * timed runs alternate (plan, floor, floor, plan, ...) so that a change in
 * machine load affects both sides alike.
 */
async function measureTarget(target: Target, o: Options, dir: string): Promise<Row> {
  const load0 = loadavg()[0];
  const base = { target, shapeFile: join(dir, `${target.label.replace(/\W+/g, "_")}.json`) };
  const say = (s: string) => process.stderr.write(s);
  say(`… ${target.label}: plan warm-up`);
  const plan = new Child({ ...base, kind: "plan" });
  let floor: Child | undefined;
  try {
    const planReady = await plan.next();
    if (planReady.type !== "ready") {
      say(` failed\n`);
      return { target, plan: failed(planReady), load: [load0, loadavg()[0]] };
    }
    say(`, floor warm-up`);
    floor = new Child({ ...base, kind: "floor" });
    const floorMsg = await floor.next();
    const floorReady = floorMsg.type === "ready" ? floorMsg : undefined;
    const runs = Math.max(3, Math.min(o.maxRuns, Math.floor(o.budgetMs / (planReady.firstMs + (floorReady?.firstMs ?? 0)))));
    say(`, ${runs} timed runs each`);
    const sides = { plan: { child: plan, ready: planReady as Ready, times: [] as number[], cpu: [] as number[], gc: [] as number[], error: "" } } as Record<
      "plan" | "floor",
      { child: Child; ready: Ready; times: number[]; cpu: number[]; gc: number[]; error: string }
    >;
    if (floorReady) sides.floor = { child: floor, ready: floorReady, times: [], cpu: [], gc: [], error: "" };
    for (let i = 0; i < runs; i++) {
      for (const kind of i % 2 === 0 ? (["plan", "floor"] as const) : (["floor", "plan"] as const)) {
        const side = sides[kind];
        if (!side || side.error) continue;
        const m = await side.child.command({ cmd: "run" });
        if (m.type === "run") {
          side.times.push(m.ms);
          side.cpu.push(m.cpuMs);
          side.gc.push(m.gcMs);
        }
        else side.error = failed(m).error;
      }
    }
    const finish = async (kind: "plan" | "floor"): Promise<MeasurementResult> => {
      const side = sides[kind];
      if (side.error) return { ok: false, error: side.error };
      const m = await side.child.command({ cmd: "finish" });
      if (m.type !== "finished") return failed(m);
      const r = side.ready;
      return { ok: true, resources: r.resources, importMs: r.importMs, firstMs: r.firstMs, importRssMb: r.importRssMb, timesMs: side.times, cpuMs: side.cpu, gcMs: side.gc, maxRssMb: m.maxRssMb };
    };
    const planResult = await finish("plan");
    const floorResult = floorReady ? await finish("floor") : failed(floorMsg);
    say(`\n`);
    return { target, plan: planResult, floor: floorResult, load: [load0, loadavg()[0]] };
  } finally {
    plan.stop();
    floor?.stop();
  }
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const med = (r: Measurement) => median(r.timesMs);
const spread = (r: Measurement) => `${ms(Math.min(...r.timesMs))}–${ms(Math.max(...r.timesMs))}`;

const loadCell = (row: Row) => `${row.load[0].toFixed(1)}→${row.load[1].toFixed(1)}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function ratioCells(row: Row): string[] {
  const p = row.plan as Measurement;
  const f = row.floor?.ok ? row.floor : undefined;
  if (!f) return [ms(med(p)), "failed", "", "", ms(median(p.cpuMs)), "", ""];
  const r = med(p) / med(f);
  return [ms(med(p)), ms(med(f)), r.toFixed(2), r <= TARGET_RATIO ? "ok" : "ABOVE", ms(median(p.cpuMs)), ms(median(f.cpuMs)), (median(p.cpuMs) / median(f.cpuMs)).toFixed(2)];
}

const RATIO_HEADER = ["plan ms", "floor ms", "ratio", `≤${TARGET_RATIO}`, "plan cpu ms", "floor cpu ms", "cpu ratio"];

function stackTable(rows: Row[]): string {
  const header = ["stack", "resources", "runs", ...RATIO_HEADER, "plan min–max", "floor min–max", "peak RSS plan/floor MB", "cold plan ms", "load 1m"];
  return table(
    header,
    rows.map((row) => {
      if (!row.plan.ok) return [row.target.label, `plan failed: ${row.plan.error}`];
      const p = row.plan;
      const f = row.floor?.ok ? row.floor : undefined;
      return [
        row.target.label,
        String(p.resources),
        f ? `${p.timesMs.length}/${f.timesMs.length}` : String(p.timesMs.length),
        ...ratioCells(row),
        spread(p),
        f ? spread(f) : "",
        `${p.maxRssMb.toFixed(0)}/${f ? f.maxRssMb.toFixed(0) : "?"}`,
        `${ms(p.importMs)}+${ms(p.firstMs)}`,
        loadCell(row),
      ];
    }),
  );
}

function scaleTable(rows: Row[]): string {
  const header = ["ci-agent VMs", "resources", "runs", ...RATIO_HEADER, "plan ms/res", "floor ms/res", "plan/floor gc ms", "plan min–max", "peak RSS plan/floor MB", "load 1m"];
  return table(
    header,
    rows.map((row) => {
      if (!row.plan.ok) return [String(row.target.ciAgents), `plan failed: ${row.plan.error}`];
      const p = row.plan;
      const f = row.floor?.ok ? row.floor : undefined;
      return [
        String(row.target.ciAgents),
        String(p.resources),
        f ? `${p.timesMs.length}/${f.timesMs.length}` : String(p.timesMs.length),
        ...ratioCells(row),
        (med(p) / p.resources).toFixed(2),
        f ? (med(f) / f.resources).toFixed(2) : "",
        `${ms(median(p.gcMs))}/${f ? ms(median(f.gcMs)) : "?"}`,
        spread(p),
        `${p.maxRssMb.toFixed(0)}/${f ? f.maxRssMb.toFixed(0) : "?"}`,
        loadCell(row),
      ];
    }),
  );
}

/** Marginal cost per added resource between consecutive points, and whether it stays flat. */
function linearity(name: string, points: { n: number; ms: number }[]): string {
  if (points.length < 3) return `${name}: fewer than 3 points, no linearity check`;
  const steps = points.slice(1).map((p, i) => ({ from: points[i].n, to: p.n, perRes: (p.ms - points[i].ms) / (p.n - points[i].n) }));
  const growth = steps[steps.length - 1].perRes / steps[0].perRes;
  const verdict = growth <= LINEAR_TOLERANCE ? "linear" : "SUPER-LINEAR";
  return `${name}: ms per added resource ${steps.map((s) => `${s.from}→${s.to}: ${s.perRes.toFixed(2)}`).join(", ")}; last/first ${growth.toFixed(2)} → ${verdict} (tolerance ${LINEAR_TOLERANCE})`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const o = parseOptions(argv);
  const started = performance.now();
  const stacks = o.stacks ?? shippedStacks();
  const dir = mkdtempSync(join(tmpdir(), "ci-infra-bench-"));
  try {
    const stackRows: Row[] = [];
    for (const stack of stacks) stackRows.push(await measureTarget({ label: stack, stack }, o, dir));
    const scaleRows: Row[] = [];
    if (o.scale.length && shippedStacks().includes(SCALE_STACK)) {
      for (const n of o.scale) scaleRows.push(await measureTarget({ label: `${SCALE_STACK} ciAgent=${n}`, stack: SCALE_STACK, ciAgents: n }, o, dir));
    }

    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const lines = [
      "",
      `Offline plan vs floor: ci-infra ${revision()}, node ${process.version}, ${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM`,
      `Times are the median of the timed runs (runs = plan/floor) after one warm-up, each measurement in its own process, full GC before each run.`,
      `ms: wall time. cpu ms: user+system CPU time of the process during the run (less sensitive to other load; includes GC helper threads).`,
      `Floor: the same registrations (count, type tokens, names, parent tree, recorded inputs) as plain Custom/ComponentResources under PlanMocks, nothing else,`,
      `       under the runtime settings the plan ran with (Error.stackTraceLimit, source maps: observed when planStack installed its mocks).`,
      `Peak RSS: process.resourceUsage().maxRSS of each child (modules + warm-up + timed runs). Cold plan: module loading + first run in a fresh process.`,
      `load 1m: os.loadavg() before→after the row; above ${availableParallelism()} other processes competed for the CPUs and times are inflated (plan and floor alike, as their runs alternate).`,
      "",
      stackTable(stackRows),
    ];
    if (scaleRows.length) {
      lines.push("", `Scale series: ${SCALE_STACK} with ci-infra:nodes.ciAgent.count set to ${o.scale.join(", ")}`, "", scaleTable(scaleRows), "");
      const ok = scaleRows.filter((r) => r.plan.ok && r.floor?.ok).map((r) => ({ plan: r.plan as Measurement, floor: r.floor as Measurement }));
      if (ok.length === scaleRows.length) {
        const series = (pick: (x: { plan: Measurement; floor: Measurement }) => Measurement, t: (m: Measurement) => number[]) =>
          ok.map((x) => ({ n: pick(x).resources, ms: median(t(pick(x))) }));
        lines.push(linearity("plan  wall", series((x) => x.plan, (m) => m.timesMs)));
        lines.push(linearity("plan  cpu ", series((x) => x.plan, (m) => m.cpuMs)));
        lines.push(linearity("floor wall", series((x) => x.floor, (m) => m.timesMs)));
        lines.push(linearity("floor cpu ", series((x) => x.floor, (m) => m.cpuMs)));
      }
    }
    lines.push("", `bench total ${((performance.now() - started) / 1000).toFixed(0)} s`);
    console.log(lines.join("\n"));
    if (o.json) writeFileSync(o.json, JSON.stringify({ node: process.version, cpus: availableParallelism(), cpu, options: o, stacks: stackRows, scale: scaleRows }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
