import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CATALOG } from "../../src/matrix/catalog";
import { NO_CREDENTIAL_PROVIDERS } from "../../src/matrix/data/kops";
import { combinationJobs } from "../../src/matrix/jobs";
import { renderJobDsl } from "../../src/matrix/render/job-dsl";
import { renderKopsUpgradeJobs } from "../../src/matrix/render/prow";
import { renderReport } from "../../src/matrix/render/report";
import type { Catalog } from "../../src/matrix/types";
import { ROW_2_11, SEED, withKops } from "./fixtures";

/** Splits Groovy into its top-level calls, skipping quoted strings; fails on unbalanced brackets. */
function topLevelCalls(groovy: string): string[] {
  const calls: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < groovy.length; i++) {
    const ch = groovy[i];
    if (ch === "/" && groovy[i + 1] === "/" && depth === 0) {
      i = groovy.indexOf("\n", i);
      if (i < 0) break;
      continue;
    }
    if (ch === "'") {
      const triple = groovy.startsWith("'''", i);
      const end = triple ? groovy.indexOf("'''", i + 3) : findQuoteEnd(groovy, i + 1);
      expect(end, `unterminated string at ${i}`).toBeGreaterThan(i);
      i = triple ? end + 2 : end;
      continue;
    }
    if (depth === 0 && start < 0 && /\S/.test(ch)) start = i;
    if (ch === "{" || ch === "(") depth++;
    if (ch === "}" || ch === ")") {
      depth--;
      expect(depth, `unbalanced ${ch} at ${i}`).toBeGreaterThanOrEqual(0);
      if (depth === 0 && ch === "}") {
        calls.push(groovy.slice(start, i + 1));
        start = -1;
      }
    }
  }
  expect(depth).toBe(0);
  return calls;
}

function findQuoteEnd(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "'") return i;
  }
  return -1;
}

const TWO_MATRICES: Catalog = {
  ...CATALOG,
  matrices: [SEED, { ...SEED, name: "harvester-cloud-provider-0.2.10-latest", title: "latest Rancher", combinations: [ROW_2_11] }],
};

describe("Jenkins Job DSL", () => {
  it("has a folder per matrix and one pipelineJob per combination inside it", () => {
    for (const catalog of [CATALOG, TWO_MATRICES]) {
      const calls = topLevelCalls(renderJobDsl(catalog));
      const folders = calls.filter((c) => c.startsWith("folder("));
      const jobs = calls.filter((c) => c.startsWith("pipelineJob("));
      expect(folders.map((f) => f.match(/^folder\('([^']+)'\)/)?.[1])).toEqual(catalog.matrices.map((m) => m.name));
      expect(jobs).toHaveLength(catalog.matrices.reduce((n, m) => n + m.combinations.length, 0));
      expect(calls).toHaveLength(folders.length + jobs.length);
      // Each job sits in its matrix's folder, after that folder is declared.
      for (const job of combinationJobs(catalog)) {
        const index = calls.findIndex((c) => c.startsWith(`pipelineJob('${job.folder}/${job.name}')`));
        expect(index, job.name).toBeGreaterThan(calls.indexOf(folders[catalog.matrices.indexOf(job.matrix)]));
      }
      expect(new Set(jobs.map((j) => j.match(/^pipelineJob\('([^']+)'\)/)?.[1])).size).toBe(jobs.length);
    }
  });

  it("parameterises each job with its combination and runs it on the docker agents", () => {
    const jobs = topLevelCalls(renderJobDsl()).filter((c) => c.startsWith("pipelineJob("));
    SEED.combinations.forEach((c, i) => {
      const job = jobs[i];
      expect(job).toContain(`stringParam('RANCHER_VERSION', '${c.rancher}', `);
      expect(job).toContain(`stringParam('RKE2_VERSION', '${c.rke2}', `);
      expect(job).toContain(`stringParam('HARVESTER_VERSION', '${c.harvester ?? ""}', `);
      expect(job).toContain(`stringParam('NODE_OS', '${c.os}', `);
      expect(job).toContain("stringParam('CHART_NAME', 'harvester-cloud-provider', ");
      expect(job).toContain("stringParam('CHART_VERSION', '0.2.10', ");
      expect(job).toMatch(/definition \{\s+cps \{\s+script\('''pipeline \{\n {2}agent \{ label 'docker' \}/);
      expect(job).toContain("sandbox()");
    });
    expect(jobs[1]).toContain("stringParam('KUBERNETES_VERSION', '1.31.9', ");
  });

  it("keeps quotes and dollars in data from breaking out of Groovy strings", () => {
    const catalog: Catalog = { ...CATALOG, matrices: [{ ...SEED, title: "it's ${danger} \\ here" }] };
    const dsl = renderJobDsl(catalog);
    expect(dsl).toContain("displayName('it\\'s ${danger} \\\\ here')");
    expect(topLevelCalls(dsl).filter((c) => c.startsWith("pipelineJob("))).toHaveLength(3);
  });
});

describe("kOps upgrade jobs (Prow YAML)", () => {
  type Periodic = { name: string; cron: string; annotations: Record<string, string>; spec: { containers: { args: string[]; env: { name: string; value: string }[] }[] } };
  const periodics = (catalog?: Catalog): Periodic[] => parse(renderKopsUpgradeJobs(catalog)).periodics;
  const env = (p: Periodic) => Object.fromEntries(p.spec.containers[0].env.map((e) => [e.name, e.value]));

  it("parses and holds one job per upgrade path, from → to with the skip it needs", () => {
    const jobs = periodics();
    expect(jobs.map((j) => j.name)).toEqual(["e2e-kops-aws-upgrade-k124-ko124-to-k125-ko125", "e2e-kops-aws-upgrade-k125-ko125-to-k126-ko126"]);
    expect(env(jobs[0])).toMatchObject({ KOPS_VERSION_A: "1.24", K8S_VERSION_A: "v1.24.17", KOPS_VERSION_B: "1.25", K8S_VERSION_B: "v1.25.16", SKIP_REGEX: "NoCredentialProviders" });
    expect(env(jobs[1])).toMatchObject({ K8S_VERSION_A: "v1.25.16", K8S_VERSION_B: "v1.26.15", SKIP_REGEX: "NoCredentialProviders" });
    for (const j of jobs) {
      expect(j.spec.containers[0].args).toEqual(["./tests/e2e/scenarios/upgrade-ab/run-test.sh"]);
      expect(j.cron).toMatch(/^\d{1,2} \d-23\/8 \* \* \*$/);
      expect(new RegExp(env(j).SKIP_REGEX).test("[sig-storage] fails with NoCredentialProviders")).toBe(true);
    }
    // Schedules and cluster names are stable between runs.
    expect(renderKopsUpgradeJobs()).toBe(renderKopsUpgradeJobs());
    expect(new Set(jobs.map((j) => env(j).CLUSTER_NAME)).size).toBe(jobs.length);
  });

  it("gives a job to a minor without skips an empty skip regex, and joins several skips", () => {
    const flake = { regex: "\\[Feature:Foo\\]", reason: "flaky on 1.26", removeAfter: "1.26" };
    const jobs = periodics(withKops({ skips: { "1.26": [NO_CREDENTIAL_PROVIDERS, flake, NO_CREDENTIAL_PROVIDERS] } }));
    expect(jobs.map((j) => env(j).SKIP_REGEX)).toEqual(["", "NoCredentialProviders|\\[Feature:Foo\\]"]);
    expect(jobs[1].annotations["ci-infra/skip-reasons"]).toContain("flaky on 1.26 (remove after 1.26)");
  });
});

describe("reports", () => {
  it("markdown has a row per combination and per upgrade path", () => {
    const md = renderReport("markdown");
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---"));
    // Two header rows plus 3 combinations plus 2 upgrade paths.
    expect(rows).toHaveLength(2 + 3 + 2);
    expect(md).toContain("| v2.10.6 | - | v1.31.9+rke2r1 | 1.31.9 | 2025-10-28 | ubuntu-24.04 |");
  });

  it("json lists every combination with its job", () => {
    const json = JSON.parse(renderReport("json"));
    expect(json.matrices[0].combinations).toHaveLength(3);
    expect(json.matrices[0].combinations[0]).toMatchObject({ rancher: "v2.9.10", kubernetes: "1.30.13", job: expect.stringMatching(/^harvester-cloud-provider-0\.2\.10\//) });
    expect(json.kops.upgrades.map((u: { from: string; to: string }) => `${u.from}->${u.to}`)).toEqual(["1.24->1.25", "1.25->1.26"]);
  });
});
