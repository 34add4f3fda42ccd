/**
 * The workflows as GitHub runs them: a job that calls a reusable workflow
 * (`uses: ./.github/workflows/<file>`) becomes that workflow's jobs, evaluated with
 * the caller's inputs, matrix, event, ref and permissions; a step that uses a
 * composite action of this repository (`uses: ./.github/actions/<name>`, also from
 * another checkout path such as `./head/.github/…`) becomes the action's steps with
 * its inputs. Steps whose `if:` is false for those inputs are dropped, so a test
 * sees the auth step, environment and runners a given caller really gets.
 *
 * `evaluate` implements the part of GitHub's expression language the workflows
 * use (literals, contexts, `!`, `==`, `!=`, `&&`, `||`, parentheses, fromJSON,
 * format, contains); a context the test does not know (steps, needs, runner, env)
 * is UNKNOWN, and so is anything computed from it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Yaml = any;

export const ROOT = resolve(__dirname, "../..");
export const WORKFLOW_DIR = join(ROOT, ".github/workflows");
export const ACTION_DIR = join(ROOT, ".github/actions");
export const WORKFLOW_FILES = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
/** `<name>/action.yml` of every composite action of this repository. */
export const ACTION_FILES = existsSync(ACTION_DIR) ? readdirSync(ACTION_DIR).filter((d) => existsSync(join(ACTION_DIR, d, "action.yml"))).map((d) => `${d}/action.yml`).sort() : [];

export const workflowText = (f: string) => readFileSync(join(WORKFLOW_DIR, f), "utf8");
export const workflow = (f: string): Yaml => parse(workflowText(f));
export const actionText = (f: string) => readFileSync(join(ACTION_DIR, f), "utf8");
export const action = (f: string): Yaml => parse(actionText(f));
/** The events a workflow runs on (`on:` parses as the key `true` in YAML 1.1 readers). */
export const triggers = (w: Yaml): string[] => Object.keys(w.on ?? w[true as unknown as string] ?? {});

export const UNKNOWN = Symbol("unknown");
type Value = string | number | boolean | null | Value[] | { [k: string]: Value } | typeof UNKNOWN;
export type Context = Record<string, Value>;

// -- expressions ---------------------------------------------------------------

function tokenize(src: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||<=|>=|[()!,<>])|([A-Za-z_][\w-]*(?:\.(?:[\w-]+|\*))*)|(-?\d+(?:\.\d+)?))/y;
  let m: RegExpExecArray | null;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    m = re.exec(src);
    if (!m) throw new Error(`cannot read expression at ${JSON.stringify(src.slice(i))}`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    i = re.lastIndex;
  }
  return out;
}

const truthy = (v: Value) => v !== null && v !== false && v !== 0 && v !== "";

function lookup(path: string, ctx: Context): Value {
  const [head, ...rest] = path.split(".");
  let v: Value = head in ctx ? ctx[head] : UNKNOWN;
  for (const k of rest) {
    if (v === UNKNOWN) return UNKNOWN;
    if (k === "*") return UNKNOWN;
    if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
    v = k in v ? (v as Record<string, Value>)[k] : null;
  }
  return v;
}

/** The value of one expression (the text between `${{` and `}}`). */
export function evaluate(src: string, ctx: Context): Value {
  const t = tokenize(src);
  let p = 0;
  const peek = () => t[p];
  const take = (s?: string) => {
    const x = t[p++];
    if (s !== undefined && x !== s) throw new Error(`expected ${s} in ${src}`);
    return x;
  };
  const or = (): Value => {
    let l = and();
    while (peek() === "||") {
      take();
      const r = and();
      if (l === UNKNOWN) continue;
      l = truthy(l) ? l : r;
    }
    return l;
  };
  const and = (): Value => {
    let l = eq();
    while (peek() === "&&") {
      take();
      const r = eq();
      if (l === UNKNOWN) continue;
      l = truthy(l) ? r : l;
    }
    return l;
  };
  const eq = (): Value => {
    let l = not();
    while (peek() === "==" || peek() === "!=") {
      const op = take();
      const r = not();
      if (l === UNKNOWN || r === UNKNOWN) l = UNKNOWN;
      else {
        const same = typeof l === "string" && typeof r === "string" ? l.toLowerCase() === r.toLowerCase() : l === r;
        l = op === "==" ? same : !same;
      }
    }
    return l;
  };
  const not = (): Value => {
    if (peek() === "!") {
      take();
      const v = not();
      return v === UNKNOWN ? UNKNOWN : !truthy(v);
    }
    return primary();
  };
  const primary = (): Value => {
    const x = take();
    if (x === undefined) throw new Error(`unexpected end of ${src}`);
    if (x === "(") {
      const v = or();
      take(")");
      return v;
    }
    if (x.startsWith("'")) return x.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(x)) return Number(x);
    if (x === "true" || x === "false") return x === "true";
    if (x === "null") return null;
    if (peek() === "(") {
      take("(");
      const args: Value[] = [];
      while (peek() !== ")") {
        args.push(or());
        if (peek() === ",") take(",");
      }
      take(")");
      if (args.includes(UNKNOWN)) return UNKNOWN;
      switch (x.toLowerCase()) {
        case "fromjson":
          return JSON.parse(String(args[0])) as Value;
        case "tojson":
          return JSON.stringify(args[0]);
        case "format":
          return String(args[0]).replace(/\{(\d+)\}/g, (_m, i) => String(args[Number(i) + 1]));
        case "contains":
          return Array.isArray(args[0]) ? args[0].includes(args[1]) : String(args[0]).toLowerCase().includes(String(args[1]).toLowerCase());
        default:
          return UNKNOWN;
      }
    }
    return lookup(x, ctx);
  };
  const v = or();
  if (p !== t.length) throw new Error(`trailing tokens in ${src}`);
  return v;
}

/** A YAML value with `${{ }}` in it: one whole expression keeps its type, others are interpolated. */
export function resolveValue(v: Yaml, ctx: Context): Value {
  if (typeof v !== "string") return v;
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(v.trim());
  if (whole && !whole[1].includes("}}")) return evaluate(whole[1], ctx);
  let unknown = false;
  const out = v.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, e) => {
    const r = evaluate(e, ctx);
    if (r === UNKNOWN) unknown = true;
    return r === null ? "" : typeof r === "object" ? JSON.stringify(r) : String(r);
  });
  return unknown ? UNKNOWN : out;
}

/** A step's or job's `if:` (which may omit `${{ }}`): true, false or UNKNOWN. */
export function condition(expr: Yaml, ctx: Context): boolean | typeof UNKNOWN {
  if (expr === undefined) return true;
  const src = String(expr).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  let v: Value;
  try {
    v = evaluate(src, ctx);
  } catch {
    return UNKNOWN;
  }
  return v === UNKNOWN ? UNKNOWN : truthy(v);
}

// -- repository variables as a test sees them -----------------------------------

/** Every `vars.X` set: labels as a one-label JSON array naming the variable, the rest as `vars.X`. */
export const VARS_SET: Record<string, Value> = new Proxy({}, { get: (_t, k: string) => (k.startsWith("RUNNER_LABELS_") ? JSON.stringify([`vars.${k}`]) : `vars.${k}`), has: () => true });
/** No repository variable set: the workflows' defaults apply. */
export const VARS_UNSET: Record<string, Value> = {};

// -- following uses: -----------------------------------------------------------

/** The composite action a step's `uses:` names, as `<name>/action.yml`, or undefined. */
export function localAction(uses: unknown): string | undefined {
  const m = /^\.\/(?:[\w.-]+\/)*?\.github\/actions\/([\w.-]+)\/?$/.exec(String(uses ?? ""));
  return m ? `${m[1]}/action.yml` : undefined;
}
/** The reusable workflow a job's `uses:` names, or undefined. */
export function localWorkflow(uses: unknown): string | undefined {
  return /^\.\/\.github\/workflows\/([\w.-]+\.ya?ml)$/.exec(String(uses ?? ""))?.[1];
}

export interface Step {
  readonly step: Yaml;
  /** `<name>/action.yml` when the step comes from a composite action. */
  readonly action?: string;
  /** The step's `if:` for these inputs. */
  readonly when: boolean | typeof UNKNOWN;
}

/** A job's steps with composite actions expanded; steps whose `if:` is false are dropped. */
export function expandSteps(steps: Yaml[], ctx: Context): Step[] {
  const out: Step[] = [];
  for (const step of steps ?? []) {
    const when = condition(step.if, ctx);
    if (when === false) continue;
    const act = localAction(step.uses);
    if (!act) {
      out.push({ step, when });
      continue;
    }
    const a = action(act);
    const inputs: Record<string, Value> = {};
    for (const [k, d] of Object.entries<Yaml>(a.inputs ?? {})) inputs[k] = d.default ?? "";
    for (const [k, v] of Object.entries<Yaml>(step.with ?? {})) inputs[k] = typeof v === "string" ? resolveValue(v, ctx) : String(v);
    for (const inner of expandSteps(a.runs.steps, { ...ctx, inputs })) out.push({ ...inner, action: inner.action ?? act, when: inner.when === true ? when : inner.when });
  }
  return out;
}

export interface RunningJob {
  /** The workflow and job that start it (the caller): `<file>#<id>`. */
  readonly key: string;
  readonly file: string;
  readonly id: string;
  /** `<file>#<job>` of the called workflow's job, when the caller's job has `uses:`. */
  readonly via?: string;
  /** The job as written where its steps are (the called job, or the caller's own). */
  readonly job: Yaml;
  /** The caller's job. */
  readonly caller: Yaml;
  readonly matrix: Record<string, Value>;
  /** The caller's inputs to the called workflow (its declared defaults applied), evaluated. */
  readonly inputs: Record<string, Value>;
  /** The events that start it: the caller's. */
  readonly triggers: string[];
  /** The GITHUB_TOKEN permissions it gets: the called job's if it declares them, else the caller's. */
  readonly permissions: Yaml;
  readonly environment: Value | undefined;
  readonly runsOn: Value;
  readonly concurrency: { group: Value; "cancel-in-progress": Value } | undefined;
  /** `env:` of the workflow holding the steps, then of the job. */
  readonly env: Record<string, Yaml>;
  readonly steps: Step[];
  /** Whether it runs at all for this context (the caller's and the called job's `if:`). */
  readonly runs: boolean | typeof UNKNOWN;
}

/** The matrix entries of a job: every combination of lists plus `include`; one empty entry without a matrix or when it is computed. */
function matrixEntries(job: Yaml): Record<string, Value>[] {
  const m = job.strategy?.matrix;
  if (!m || typeof m !== "object") return [{}];
  let entries: Record<string, Value>[] = [{}];
  for (const [k, v] of Object.entries<Yaml>(m)) {
    if (k === "include" || k === "exclude") continue;
    entries = Array.isArray(v) ? entries.flatMap((e) => v.map((x: Value) => ({ ...e, [k]: x }))) : entries.map((e) => ({ ...e, [k]: UNKNOWN }));
  }
  if (Array.isArray(m.include)) entries = Object.keys(entries[0]).length ? [...entries, ...m.include] : m.include;
  return entries;
}

export interface Situation {
  /** github.ref; default refs/heads/main. */
  readonly ref?: string;
  /** Repository variables; default VARS_SET. */
  readonly vars?: Record<string, Value>;
}

/** Every job of every (caller) workflow as it runs, per matrix entry, reusable workflows followed. */
export function runningJobs(situation: Situation = {}): RunningJob[] {
  const out: RunningJob[] = [];
  for (const file of WORKFLOW_FILES) {
    const w = workflow(file);
    const on = triggers(w);
    if (on.length === 1 && on[0] === "workflow_call") continue; // reached through its callers
    const github = {
      ref: situation.ref ?? "refs/heads/main",
      event_name: on[0],
      repository: "<owner>/<repo>",
      sha: "<sha>",
      actor: "<actor>",
      run_id: "<run>",
      run_attempt: "1",
      event: { pull_request: { number: 42, head: { repo: { full_name: "<owner>/<repo>" } } }, repository: { default_branch: "main" } },
    } as Value;
    const base: Context = { github, vars: situation.vars ?? VARS_SET, inputs: {}, matrix: {} };
    for (const [id, caller] of Object.entries<Yaml>(w.jobs)) {
      for (const matrix of matrixEntries(caller)) {
        const ctx: Context = { ...base, matrix };
        const called = localWorkflow(caller.uses);
        const target = called ? workflow(called) : w;
        const targetJobs: [string, Yaml][] = called ? Object.entries<Yaml>(target.jobs) : [[id, caller]];
        const inputs: Record<string, Value> = {};
        if (called) {
          for (const [k, d] of Object.entries<Yaml>(target.on.workflow_call.inputs ?? {})) if (d.default !== undefined) inputs[k] = d.default;
          for (const [k, v] of Object.entries<Yaml>(caller.with ?? {})) inputs[k] = resolveValue(v, ctx);
        }
        for (const [jid, job] of targetJobs) {
          const jctx: Context = { ...ctx, inputs, matrix: called ? {} : matrix };
          const a = condition(caller.if, ctx);
          const b = called ? condition(job.if, jctx) : true;
          const runs = a === false || b === false ? false : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : true;
          const r = (v: Yaml) => (v === undefined ? undefined : resolveValue(v, jctx));
          out.push({
            key: `${file}#${id}`,
            file,
            id,
            via: called ? `${called}#${jid}` : undefined,
            job,
            caller,
            matrix,
            inputs,
            triggers: on,
            permissions: job.permissions ?? (called ? caller.permissions : w.permissions),
            environment: typeof job.environment === "object" && job.environment ? r(job.environment.name) : r(job.environment),
            runsOn: r(job["runs-on"]) as Value,
            concurrency: job.concurrency ? { group: r(job.concurrency.group) as Value, "cancel-in-progress": r(job.concurrency["cancel-in-progress"]) as Value } : undefined,
            env: { ...(target.env ?? {}), ...(job.env ?? {}) },
            steps: expandSteps(job.steps ?? [], jctx),
            runs,
          });
        }
      }
    }
  }
  return out;
}

/** The steps of every job and composite action as written (for linting: every `run:` and `uses:` once). */
export function writtenJobs(): { where: string; steps: Yaml[]; defaults?: Yaml }[] {
  return [
    ...WORKFLOW_FILES.flatMap((f) => Object.entries<Yaml>(workflow(f).jobs).map(([id, job]) => ({ where: `${f}#${id}`, steps: job.steps ?? [] }))),
    ...ACTION_FILES.map((f) => ({ where: f, steps: action(f).runs?.steps ?? [] })),
  ];
}
