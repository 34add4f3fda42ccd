/**
 * The `run:` blocks of a workflow, as the shell sees them, through shellcheck.
 *
 * GitHub substitutes `${{ … }}` into the script text before the shell runs it, so
 * each expression becomes a plain word here (as actionlint does before it calls
 * shellcheck). Steps without `shell:` run with bash on Linux runners (`bash -e {0}`,
 * GitHub's documented default), so bash is the dialect unless a step, its job or
 * the workflow says otherwise. A composite action (`runs.steps` of an action.yml)
 * names its shell on every run step, as GitHub requires.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;

export interface RunBlockVerdict {
  /** `<job> step <n> (<name>)` */
  readonly where: string;
  readonly ok: boolean;
  readonly output: string;
}

interface RunBlock {
  readonly where: string;
  readonly script: string;
  readonly shell: "bash" | "sh";
}

export function runBlocks(workflow: Yaml): RunBlock[] {
  const out: RunBlock[] = [];
  const composite = workflow.runs?.using === "composite";
  const jobs: [string, Yaml][] = composite ? [["runs", { steps: workflow.runs.steps }]] : Object.entries<Yaml>(workflow.jobs ?? {});
  for (const [id, job] of jobs) {
    (job.steps ?? []).forEach((step: Yaml, i: number) => {
      if (typeof step.run !== "string") return;
      if (composite && !step.shell) throw new Error(`${id} step ${i + 1}: a composite action's run step needs shell:`);
      const shell = String(step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? "bash");
      if (!/^(bash|sh)\b/.test(shell)) throw new Error(`${id} step ${i + 1}: shell ${shell} is not checked here`);
      out.push({ where: `${id} step ${i + 1}${step.name ? ` (${step.name})` : ""}`, script: step.run.replace(/\$\{\{[\s\S]*?\}\}/g, "_GH_EXPR_"), shell: shell.startsWith("sh") ? "sh" : "bash" });
    });
  }
  return out;
}

/** shellcheck at severity style (everything but nothing), one verdict per run block. */
export function shellcheckRunBlocks(workflow: Yaml): RunBlockVerdict[] {
  const blocks = runBlocks(workflow);
  const dir = mkdtempSync(join(tmpdir(), "run-blocks-"));
  try {
    return blocks.map((b, i) => {
      const file = join(dir, `block-${i}.sh`);
      writeFileSync(file, b.script);
      const r = spawnSync("shellcheck", ["-S", "style", "-s", b.shell, "-f", "gcc", file], { encoding: "utf8" });
      if (r.status !== 0 && r.status !== 1) return { where: b.where, ok: false, output: `shellcheck exited ${r.status}: ${r.stderr}${r.error ?? ""}` };
      const findings = r.stdout.split("\n").filter(Boolean).map((l) => `line ${l.slice(file.length + 1)}`);
      return { where: b.where, ok: findings.length === 0, output: findings.join("\n") };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
