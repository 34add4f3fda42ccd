/**
 * What the benchmark's orchestrator (plan-bench.ts) and its child processes
 * (worker.ts) exchange. Kept free of Pulumi imports so the orchestrator stays light.
 */
import { ConfigEdit, configEdit, editValues } from "../src/plan/config-edit";

/** One thing to plan: a shipped stack, optionally with a different number of ci-agent VMs. */
export interface Target {
  /** Row label, e.g. "oci-prod" or "oci-staging ciAgent=300". */
  readonly label: string;
  readonly stack: string;
  /** Overrides `ci-infra:nodes.ciAgent.count` (scale series). */
  readonly ciAgents?: number;
}

export interface WorkerSpec {
  /** `plan`: the real offline plan (`planStack`). `floor`: a bare replay of its registrations. */
  readonly kind: "plan" | "floor";
  readonly target: Target;
  /** JSON file of the plan's registrations: written by `plan` after its warm-up, replayed by `floor`. */
  readonly shapeFile: string;
}

/** Orchestrator → worker. */
export type Command = { readonly cmd: "run" } | { readonly cmd: "finish" };

/** Worker → orchestrator, once the modules are loaded and the warm-up run is done. */
export interface Ready {
  readonly type: "ready";
  /** Registered resources, the stack itself excluded. */
  readonly resources: number;
  /** Loading the modules the run needs (tsx-compiled src/, @pulumi/pulumi, ...), in a fresh process. */
  readonly importMs: number;
  /** The warm-up run: the first in the process, so it includes lazily loaded modules and JIT warm-up. */
  readonly firstMs: number;
  /** `process.memoryUsage().rss` right after the imports, in MB. */
  readonly importRssMb: number;
}

export interface RunDone {
  readonly type: "run";
  /** Wall time of the run. */
  readonly ms: number;
  /** CPU time (user + system, all threads of the process: GC helpers included) during the run. */
  readonly cpuMs: number;
  /** Sum of the durations of GC events (PerformanceObserver "gc") during the run. */
  readonly gcMs: number;
  readonly resources: number;
}

export interface Finished {
  readonly type: "finished";
  /** `process.resourceUsage().maxRSS`: peak resident set of the whole child (modules, warm-up, timed runs), in MB. */
  readonly maxRssMb: number;
}

export interface Failed {
  readonly type: "failed";
  readonly error: string;
}

export type WorkerMessage = Ready | RunDone | Finished | Failed;

/** What the orchestrator keeps of one measurement. */
export interface Measurement {
  readonly ok: true;
  readonly resources: number;
  readonly importMs: number;
  readonly firstMs: number;
  readonly importRssMb: number;
  readonly timesMs: number[];
  readonly cpuMs: number[];
  readonly gcMs: number[];
  readonly maxRssMb: number;
}

export type MeasurementResult = Measurement | { readonly ok: false; readonly error: string };

/** What the plan worker writes after its warm-up and the floor replays. */
export interface Shape {
  readonly project: string;
  readonly stack: string;
  /** Settings in effect when the plan installed its mocks; the floor runs under the same. */
  readonly settings?: { readonly stackTraceLimit: number; readonly sourceMapsEnabled: boolean };
  readonly registrations: Registration[];
}

/** A registration as the floor replays it (from `PlannedResource`). */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly inputs: Record<string, unknown>;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `ci-infra:nodes.ciAgent.count = n`; the node subnet is widened to a /22 (inside the
 * staging VCN) so 300 VMs fit, as an operator would have to. Applied to the raw values
 * (in-process plans) or to a stack file (the end-to-end `npm run plan`), by the same
 * config-edit helper the tests and review stacks use.
 */
export function ciAgentEdits(n: number): ConfigEdit[] {
  return [configEdit("nodes.ciAgent.count", n), configEdit("network.nodeSubnetCidr", "10.20.4.0/22")];
}

export function ciAgentEdit(n: number): (values: Record<string, string>) => void {
  return (values) => editValues(values, ciAgentEdits(n));
}
