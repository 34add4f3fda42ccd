/** The matrices for people: a plain table for terminals, Markdown for PR descriptions, JSON for tools. */
import { CATALOG } from "../catalog";
import { bundleJobs, combinationJobs, upgradeJobs } from "../jobs";
import type { Catalog } from "../types";
import { minorOf } from "../version";

export type ReportFormat = "table" | "json" | "markdown";
export const REPORT_FORMATS: readonly ReportFormat[] = ["table", "json", "markdown"];

interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function sections(catalog: Catalog): Section[] {
  const eol = (kubernetes: string) => {
    const k = catalog.kubernetes.find((m) => m.minor === minorOf(kubernetes));
    return k ? `${k.endOfLife}${k.endOfLifeProjected ? " (projected)" : ""}` : "unknown";
  };
  const jobs = combinationJobs(catalog);
  const out: Section[] = catalog.matrices.map((m) => ({
    title: `${m.title} (${m.chart.name} ${m.chart.version})`,
    header: ["rancher", "harvester", "rke2", "kubernetes", "kubernetes end of life", "os", "jenkins job"],
    rows: jobs
      .filter((j) => j.matrix === m)
      .map((j) => [j.combination.rancher, j.combination.harvester ?? "-", j.combination.rke2, j.kubernetes, eol(j.kubernetes), j.combination.os, `${j.folder}/${j.name}`]),
  }));
  out.push({
    title: `kOps upgrades (window ${catalog.kops.window.oldest}-${catalog.kops.window.newest})`,
    header: ["from", "to", "kubernetes", "skip regex", "prow job"],
    rows: upgradeJobs(catalog).map((j) => [j.path.from, j.path.to, `${j.kubernetesFrom} -> ${j.kubernetesTo}`, j.skipRegex || "-", j.name]),
  });
  return out;
}

function table(s: Section): string {
  const widths = s.header.map((h, i) => Math.max(h.length, ...s.rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [s.title, line(s.header), line(widths.map((w) => "-".repeat(w))), ...s.rows.map(line)].join("\n");
}

function markdown(s: Section): string {
  const cell = (c: string) => c.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [`### ${s.title}`, "", line(s.header), line(s.header.map(() => "---")), ...s.rows.map(line)].join("\n");
}

/** The matrices as data: each combination and upgrade path with the job it becomes. */
export function matrixJson(catalog: Catalog = CATALOG): object {
  const jobs = combinationJobs(catalog);
  return {
    matrices: catalog.matrices.map((m) => ({
      name: m.name,
      title: m.title,
      chart: m.chart,
      test: { repository: m.test.repository, commit: m.test.commit, tests: m.test.tests },
      combinations: jobs.filter((j) => j.matrix === m).map((j) => ({ ...j.combination, kubernetes: j.kubernetes, job: `${j.folder}/${j.name}` })),
      bundleChecks: bundleJobs(catalog)
        .filter((b) => b.matrix === m)
        .map((b) => ({ rke2: b.rke2, chart: m.chart.name, expected: b.expectedPackaged, job: `${b.folder}/${b.name}` })),
    })),
    kops: {
      window: catalog.kops.window,
      upgrades: upgradeJobs(catalog).map((j) => ({ ...j.path, kubernetesFrom: j.kubernetesFrom, kubernetesTo: j.kubernetesTo, skipRegex: j.skipRegex, skips: j.skips, job: j.name })),
    },
  };
}

export function renderReport(format: ReportFormat, catalog: Catalog = CATALOG): string {
  if (format === "json") return `${JSON.stringify(matrixJson(catalog), null, 2)}\n`;
  const render = format === "markdown" ? markdown : table;
  return `${sections(catalog).map(render).join("\n\n")}\n`;
}
