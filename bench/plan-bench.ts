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
import { ChildProcess, execFileSync, fork, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { shippedStacks } from "../src/plan/stack-file";
import { parseDocument } from "yaml";
import { parseCommandLine } from "../src/cli/args";
import { editDocument } from "../src/plan/config-edit";
import { stackFilePath } from "../src/plan/stack-file";
import { ciAgentEdits, Command, MeasurementResult, Measurement, median, Ready, Target, WorkerMessage, WorkerSpec } from "./protocol";
import { workerArgs } from "./worker";

const ROOT = resolve(__dirname, "..");
const WORKER = join(__dirname, "worker.ts");
const SCALE_STACK = "oci-staging";
const TARGET_RATIO = 1.3;
/** A series is called linear when the marginal cost per resource grows by at most this factor. */
const LINEAR_TOLERANCE = 1.25;
/** A child silent for longer than this is stopped and its row reported as failed. */
const WORKER_TIMEOUT_MS = 150_000;

export const USAGE = [
  "usage: npm run bench -- [--runs <n>] [--budget <s>] [--stacks <a,b>] [--scale <n,n,...>] [--steady] [--json <file>]",
  "  --runs <n>          most timed runs per measurement (default 7; at least 3)",
  "  --budget <s>        seconds of timed runs per measurement before fewer runs are taken (default 10; end-to-end: 4 times that)",
  "  --stacks <a,b>      only these stacks (default: every stacks/Pulumi.*.yaml)",
  "  --scale <n,n,...>   ci-agent counts of the oci-staging series (default 10,100,300; \"none\" to skip)",
  "  --steady            also the in-process steady state (warm process, plan vs floor, CPU, GC, RSS)",
  "  --json <file>       also write every raw figure as JSON",
].join("\n");

interface Options {
  maxRuns: number;
  budgetMs: number;
  stacks?: string[];
  scale: number[];
  steady: boolean;
  json?: string;
}

const OPTIONS = {
  runs: { type: "string" },
  budget: { type: "string" },
  stacks: { type: "string" },
  scale: { type: "string" },
  steady: { type: "boolean" },
  json: { type: "string" },
} as const;

function parseOptions(argv: readonly string[]): Options {
  let v;
  try {
    v = parseCommandLine(argv, OPTIONS).values;
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const int = (name: string, x: string) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: not a non-negative integer: ${x}`);
    return n;
  };
  const o: Options = { maxRuns: 7, budgetMs: 10_000, scale: [10, 100, 300], steady: v.steady ?? false, json: v.json };
  if (v.runs !== undefined) o.maxRuns = Math.max(3, int("runs", v.runs));
  if (v.budget !== undefined) {
    o.budgetMs = Number(v.budget) * 1000;
    if (!(o.budgetMs > 0)) throw new Error(`--budget: not a positive number of seconds: ${v.budget}`);
  }
  if (v.stacks !== undefined) {
    o.stacks = v.stacks.split(",").filter(Boolean);
    // A misspelt stack must fail the run, not become a "plan failed" row of a run that exits 0.
    const shipped = shippedStacks();
    const unknown = o.stacks.filter((s) => !shipped.includes(s));
    if (unknown.length) throw new Error(`--stacks: no stack file for ${unknown.join(", ")} (shipped: ${shipped.join(", ")})`);
  }
  if (v.scale !== undefined) o.scale = v.scale === "none" ? [] : v.scale.split(",").map((x) => int("scale", x));
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
    this.process = fork(WORKER, workerArgs(spec), { cwd: ROOT, execArgv: [...process.execArgv, "--expose-gc"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
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

/** One end-to-end side: a command run to completion, timed from spawn to exit. */
interface Side {
  readonly name: "npm run plan" | "node bin" | "floor";
  readonly command: string;
  readonly args: string[];
  readonly times: number[];
  error?: string;
}

interface EndToEndRow {
  readonly target: Target;
  readonly resources?: number;
  readonly sides: Side[];
  readonly error?: string;
  readonly load: [number, number];
}

const PLAN_ENTRY = join(ROOT, "bin/cli/start-plan.js");
const FLOOR_ENTRY = join(ROOT, "bin/.bench/bench/floor-run.js");

function timedSpawn(side: Side): number | undefined {
  const t = performance.now();
  const r = spawnSync(side.command, side.args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) {
    side.error = `${side.name} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().split("\n").slice(-2).join(" | ")}`;
    return undefined;
  }
  return ms;
}

/**
 * `npm run plan -- <stack>` as a user runs it, the same without npm (`node
 * bin/cli/start-plan.js`), and the floor in a process of its own: each a fresh Node,
 * so module loading and SDK start-up count on both sides. One untimed run of each
 * (disk cache), then rounds in rotating order so load changes hit every side alike.
 */
async function measureEndToEnd(target: Target, o: Options, dir: string): Promise<EndToEndRow> {
  const load0 = loadavg()[0];
  const shapeFile = join(dir, `${target.label.replace(/\W+/g, "_")}.e2e.json`);
  process.stderr.write(`… ${target.label}: end to end, recording the registrations`);
  const recorder = new Child({ kind: "plan", target, shapeFile });
  const ready = await recorder.next();
  recorder.stop();
  if (ready.type !== "ready") {
    process.stderr.write(" failed\n");
    return { target, sides: [], error: failed(ready).error, load: [load0, loadavg()[0]] };
  }
  let planArgs = [target.stack];
  if (target.ciAgents !== undefined) {
    // The CLI plans files: the shipped stack file with the series' edits, under the stack's own name.
    const doc = parseDocument(readFileSync(stackFilePath(target.stack), "utf8"));
    editDocument(doc, ciAgentEdits(target.ciAgents));
    mkdirSync(join(dir, target.label.replace(/\W+/g, "_")), { recursive: true });
    const file = join(dir, target.label.replace(/\W+/g, "_"), `Pulumi.${target.stack}.yaml`);
    writeFileSync(file, doc.toString());
    planArgs = ["--config-file", file];
  }
  const sides: Side[] = [
    { name: "npm run plan", command: "npm", args: ["run", "-s", "plan", "--", ...planArgs], times: [] },
    { name: "node bin", command: process.execPath, args: [PLAN_ENTRY, ...planArgs], times: [] },
    { name: "floor", command: process.execPath, args: [FLOOR_ENTRY, "--shape", shapeFile], times: [] },
  ];
  process.stderr.write(", warm-up");
  const first = sides.map(timedSpawn);
  const perRound = first.reduce((a: number, b) => a + (b ?? 0), 0);
  const runs = Math.max(3, Math.min(o.maxRuns, Math.floor((4 * o.budgetMs) / Math.max(perRound, 1))));
  process.stderr.write(`, ${runs} timed runs each\n`);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length];
      if (side.error) continue;
      const t = timedSpawn(side);
      if (t !== undefined) side.times.push(t);
    }
  }
  return { target, resources: (ready as Ready).resources, sides, load: [load0, loadavg()[0]] };
}

function endToEndTable(rows: EndToEndRow[]): string {
  const header = ["stack", "resources", "runs", "npm run plan ms", "node bin ms", "floor ms", "npm/floor", "node/floor", `≤${TARGET_RATIO}`, "npm min–max", "floor min–max", "load 1m"];
  return table(
    header,
    rows.map((row) => {
      const label = row.target.label;
      if (row.error) return [label, `failed: ${row.error}`];
      const broken = row.sides.find((x) => x.error);
      if (broken) return [label, `failed: ${broken.error}`];
      const [npm, node, floor] = row.sides.map((x) => median(x.times));
      const r = npm / floor;
      const range = (x: Side) => `${ms(Math.min(...x.times))}–${ms(Math.max(...x.times))}`;
      return [label, String(row.resources), String(row.sides[0].times.length), ms(npm), ms(node), ms(floor), r.toFixed(2), (node / floor).toFixed(2), r <= TARGET_RATIO ? "ok" : "ABOVE", range(row.sides[0]), range(row.sides[2]), `${row.load[0].toFixed(1)}→${row.load[1].toFixed(1)}`];
    }),
  );
}

/** The compiled plan (npm ci's prepare) and the compiled floor (tsconfig.bench.json), fresh. */
function build(): void {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  process.stderr.write("… building bin/ (npm run build) and the floor (tsconfig.bench.json)\n");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.bench.json"], { cwd: ROOT, stdio: "inherit" });
  if (!existsSync(PLAN_ENTRY) || !existsSync(FLOOR_ENTRY)) throw new Error(`build did not produce ${PLAN_ENTRY} and ${FLOOR_ENTRY}`);
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
    build();
    const targets: Target[] = stacks.map((stack) => ({ label: stack, stack }));
    const scaleTargets: Target[] = o.scale.length && shippedStacks().includes(SCALE_STACK) ? o.scale.map((n) => ({ label: `${SCALE_STACK} ciAgent=${n}`, stack: SCALE_STACK, ciAgents: n })) : [];
    const e2eRows: EndToEndRow[] = [];
    for (const t of [...targets, ...scaleTargets]) e2eRows.push(await measureEndToEnd(t, o, dir));
    const stackRows: Row[] = [];
    const scaleRows: Row[] = [];
    if (o.steady) {
      for (const t of targets) stackRows.push(await measureTarget(t, o, dir));
      for (const t of scaleTargets) scaleRows.push(await measureTarget(t, o, dir));
    }

    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const lines = [
      "",
      `Offline plan vs floor: ci-infra ${revision()}, node ${process.version}, ${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM`,
      `Floor: the same registrations (count, type tokens, names, parent tree, recorded inputs) as plain Custom/ComponentResources under PlanMocks, nothing else,`,
      `       under the runtime settings the plan ran with (Error.stackTraceLimit, source maps: observed when planStack installed its mocks).`,
      `load 1m: os.loadavg() before→after the row; above ${availableParallelism()} other processes competed for the CPUs and times are inflated (all sides alike, as their runs rotate).`,
      "",
      `End to end: each run a fresh process, timed from spawn to exit (median of the timed runs, after one untimed run of each; sides in rotating order).`,
      `  npm run plan: \`npm run -s plan -- <stack>\` (scale rows: \`--config-file\` with the series' edits), as a user runs it`,
      `  node bin:     \`node bin/cli/start-plan.js <stack>\`, what that script runs, without npm's own start-up`,
      `  floor:        \`node bin/.bench/bench/floor-run.js --shape <file>\`: Node, @pulumi/pulumi and PlanMocks, then the plan's registrations as plain Custom/ComponentResources`,
      "",
      endToEndTable(e2eRows),
    ];
    if (o.steady) lines.push("", "In-process steady state (--steady):", "", stackTable(stackRows));
    if (o.steady) lines.push(`Steady state: median of the timed runs after one warm-up in a warm process, full GC before each run; cpu ms: user+system CPU of the process.`);
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
    if (o.json) writeFileSync(o.json, JSON.stringify({ node: process.version, cpus: availableParallelism(), cpu, options: o, endToEnd: e2eRows, stacks: stackRows, scale: scaleRows }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
