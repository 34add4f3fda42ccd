/**
 * Runs a workflow's actions/github-script body against a fake GitHub client, the
 * way the action does (an async function of github, context, core, require,
 * process), so a test can judge what the script reads, writes and refuses.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const DIR = resolve(__dirname, "../../.github/workflows");

/** The `script:` of the step with this id (or the n-th github-script step of the job). */
export function scriptOf(file: string, job: string, step: string | number): string {
  const steps: Any[] = parse(readFileSync(join(DIR, file), "utf8")).jobs[job].steps;
  const scripts = steps.filter((s) => String(s.uses ?? "").startsWith("actions/github-script@"));
  const found = typeof step === "number" ? scripts[step] : scripts.find((s) => s.id === step);
  if (!found) throw new Error(`${file} ${job}: no github-script step ${step}`);
  return found.with.script as string;
}

export interface Calls {
  readonly calls: { api: string; params: Any }[];
  readonly outputs: Record<string, string>;
  readonly warnings: string[];
  readonly failed: string[];
}

/** A fake `github` whose endpoints answer from `routes` and record every call. */
export function fakeGithub(routes: Record<string, (params: Any) => Any>, rec: Calls): Any {
  const endpoint = (api: string) => async (params: Any) => {
    rec.calls.push({ api, params });
    const route = routes[api];
    return { data: route ? route(params) : {} };
  };
  const rest = new Proxy({}, { get: (_t, ns: string) => new Proxy({}, { get: (_u, fn: string) => Object.assign(endpoint(`${ns}.${fn}`), { endpointName: `${ns}.${fn}` }) }) });
  return {
    rest,
    paginate: async (fn: Any, params: Any) => (await fn(params)).data,
  };
}

export async function runScript(script: string, deps: { github: Any; env: Record<string, string>; require?: (m: string) => Any; rec: Calls; fetch?: Any }): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: Any[]) => Promise<void>;
  const core = {
    setOutput: (k: string, v: string) => (deps.rec.outputs[k] = v),
    warning: (m: string) => deps.rec.warnings.push(m),
    notice: () => {},
    info: () => {},
    setFailed: (m: string) => deps.rec.failed.push(m),
  };
  const context = { repo: { owner: "o", repo: "r" }, serverUrl: "https://github.com", runId: 7 };
  const fn = new AsyncFunction("github", "context", "core", "require", "process", "fetch", script);
  await fn(deps.github, context, core, deps.require ?? require, { env: deps.env }, deps.fetch);
}

export const newCalls = (): Calls => ({ calls: [], outputs: {}, warnings: [], failed: [] });
