import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CATALOG } from "../../src/matrix/catalog";
import { OLD_SDK_STORAGE_TESTS } from "../../src/matrix/data/kops";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HARVESTER_TESTS_READ } from "../../src/matrix/data/harvester-tests";
import { bundleJobs, combinationJobs } from "../../src/matrix/jobs";
import { bundleCheckScript, validationScript } from "../../src/matrix/pytest-job";
import { TARGET_OPTIONS } from "../../src/matrix/targets";
import { HARVESTER_TESTS } from "../../src/versions";
import { renderJobDsl } from "../../src/matrix/render/job-dsl";
import { KopsJobBinding, renderBoundKopsUpgradeJobs, renderKopsUpgradeJobs } from "../../src/matrix/render/prow";
import { renderReport } from "../../src/matrix/render/report";
import type { Catalog } from "../../src/matrix/types";
import { ROW_2_11, SEED, withKops } from "./fixtures";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

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

const TRIPLE = "'".repeat(3);

/** The pipeline script of each pipelineJob (the Job DSL's triple-quoted literal, unescaped). */
function pipelines(dsl: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const call of topLevelCalls(dsl).filter((c) => c.startsWith("pipelineJob("))) {
    const name = call.match(/^pipelineJob\('([^']+)'\)/)![1];
    const body = call.slice(call.indexOf(`script(${TRIPLE}`) + 7 + 3, call.lastIndexOf(`${TRIPLE})`));
    out.set(name, body.replace(/\\\\/g, "\\"));
  }
  return out;
}

/** The shell of each `sh(..., script: '<groovy string>')` step, unescaped as Groovy does. */
function shellSteps(pipeline: string): string[] {
  return [...pipeline.matchAll(/script: '((?:\\.|[^'\\])*)'\)/g)].map((m) => m[1].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)));
}

describe("Jenkins Job DSL", () => {
  it("has a folder per matrix, a validation job per combination and a bundle check per RKE2 release", () => {
    for (const catalog of [CATALOG, TWO_MATRICES]) {
      const calls = topLevelCalls(renderJobDsl(catalog));
      const folders = calls.filter((c) => c.startsWith("folder("));
      const jobs = calls.filter((c) => c.startsWith("pipelineJob("));
      expect(folders.map((f) => f.match(/^folder\('([^']+)'\)/)?.[1])).toEqual(catalog.matrices.map((m) => m.name));
      const rke2s = catalog.matrices.reduce((n, m) => n + new Set(m.combinations.map((c) => c.rke2)).size, 0);
      expect(jobs).toHaveLength(catalog.matrices.reduce((n, m) => n + m.combinations.length, 0) + rke2s);
      expect(calls).toHaveLength(folders.length + jobs.length);
      for (const job of [...combinationJobs(catalog), ...bundleJobs(catalog)]) {
        const index = calls.findIndex((c) => c.startsWith(`pipelineJob('${job.folder}/${job.name}')`));
        expect(index, job.name).toBeGreaterThan(calls.indexOf(folders[catalog.matrices.indexOf(job.matrix)]));
      }
      expect(new Set(jobs.map((j) => j.match(/^pipelineJob\('([^']+)'\)/)?.[1])).size).toBe(jobs.length);
    }
  });

  it("runs harvester/tests' Rancher integration test at the pinned commit, in the pinned image, on the docker agents", () => {
    const scripts = pipelines(renderJobDsl());
    for (const job of combinationJobs(CATALOG)) {
      const p = scripts.get(`${job.folder}/${job.name}`)!;
      expect(p).toMatch(/^pipeline \{\n {2}agent \{ label 'docker' \}/);
      expect(p).toContain(`checkout([$class: 'GitSCM', branches: [[name: '${HARVESTER_TESTS.commit}']], userRemoteConfigs: [[url: 'https://github.com/harvester/tests.git']]])`);
      expect(HARVESTER_TESTS.commit).toMatch(/^[0-9a-f]{40}$/);
      const [sh] = shellSteps(p);
      expect(sh).toContain(`docker run --rm --network host --user "$(id -u):$(id -g)"`);
      expect(sh).toContain(` ${HARVESTER_TESTS.image} sh -ec '`);
      expect(sh).toContain("exec /tmp/venv/bin/pytest harvester_e2e_tests/integrations/test_9_rancher_integration.py::test_import_harvester harvester_e2e_tests/integrations/test_9_rancher_integration.py::TestRKE2 ");
      // The combination is fixed in the job, not a parameter someone can change.
      expect(p).not.toContain("parameters");
      expect(p).toContain(`RKE2_VERSION = '${job.combination.rke2}'`);
      expect(p).toContain("GUEST_IMAGE_URL = 'https://cloud-images.ubuntu.com/releases/releases/24.04/release/ubuntu-24.04-server-cloudimg-amd64.img'");
      // JUnit results published, reports kept, whatever the outcome.
      expect(p).toMatch(/post \{\n {4}always \{\n {6}junit\(testResults: 'tests\/results\/junit\.xml', allowEmptyResults: true\)\n {6}archiveArtifacts\(artifacts: 'tests\/results\/\*\*', allowEmptyArchive: true\)/);
      expect(sh).toContain("--junitxml=results/junit.xml");
    }
  });

  it("takes endpoints and credentials only from Jenkins credentials, by ID, and expands secrets inside the container", () => {
    const scripts = pipelines(renderJobDsl());
    const job = combinationJobs(CATALOG).find((j) => j.combination.rancher === "v2.10.6")!;
    const p = scripts.get(`${job.folder}/${job.name}`)!;
    expect(p).toContain("usernamePassword(credentialsId: 'matrix-harvester-v1.4.3', usernameVariable: 'HARVESTER_USERNAME', passwordVariable: 'HARVESTER_PASSWORD')");
    expect(p).toContain("string(credentialsId: 'matrix-harvester-v1.4.3-options', variable: 'HARVESTER_OPTIONS')");
    expect(p).toContain("string(credentialsId: 'matrix-rancher-v2.10.6-admin-password', variable: 'RANCHER_ADMIN_PASSWORD')");
    expect(p).toContain("string(credentialsId: 'matrix-rancher-v2.10.6-options', variable: 'RANCHER_OPTIONS')");
    expect(p).not.toMatch(/https:\/\/(?!github\.com|cloud-images\.ubuntu\.com)/);
    const [sh] = shellSteps(p);
    // On the agent only names are passed (-e NAME); the values are read inside sh -ec '...'.
    expect(sh).toContain("-e HARVESTER_PASSWORD -e RANCHER_ADMIN_PASSWORD");
    expect(sh).toContain(`--password="$HARVESTER_PASSWORD"`);
    expect(sh.slice(0, sh.indexOf("sh -ec '"))).not.toMatch(/--password/);
  });

  it("refers only to paths, tests and options that exist at the pinned harvester/tests commit", () => {
    const verified = new Set<string>(HARVESTER_TESTS_READ.paths);
    const options = new Set<string>([...HARVESTER_TESTS_READ.conftestOptions, ...HARVESTER_TESTS_READ.pytestOptions]);
    const scripts = [...pipelines(renderJobDsl()).values()].filter((p) => p.includes("harvester/tests"));
    expect(scripts).toHaveLength(CATALOG.matrices[0].combinations.length);
    for (const p of scripts) {
      const [sh] = shellSteps(p);
      const inner = sh.slice(sh.indexOf("sh -ec '") + 8, sh.lastIndexOf("'"));
      // Files the in-container script reads from the checkout.
      const files = [...inner.matchAll(/(?:^|[\s=])((?:\.\/)?[\w./-]+\.(?:py|txt|sh))(?:::\w+)?/g)].map((m) => m[1]);
      expect(files).toEqual(expect.arrayContaining(["test-requirements.txt", "harvester_e2e_tests/integrations/test_9_rancher_integration.py"]));
      for (const f of files) expect(verified, f).toContain(f.replace(/^\.\//, ""));
      expect(inner).toContain("--no-deps ./apiclient");
      expect(verified).toContain("apiclient/setup.py");
      for (const [, path, name] of inner.matchAll(/([\w/]+\.py)::(\w+)/g)) expect(HARVESTER_TESTS_READ.definitions[path]).toContain(name);
      const pytest = inner.slice(inner.indexOf("pytest "));
      const used = [...pytest.matchAll(/(?:^|\s)(--[\w-]+)/g)].map((m) => m[1]);
      expect(used.length).toBeGreaterThan(5);
      for (const o of used) expect(options, o).toContain(o);
    }
    // The environments' options (PYTEST_ADDOPTS) are declared by the conftest too.
    for (const o of TARGET_OPTIONS) expect(options, o).toContain(o);
  });

  it("checks in minutes that each RKE2 release bundles the chart under test, reading its own manifest", () => {
    const scripts = pipelines(renderJobDsl());
    const bundles = bundleJobs(CATALOG);
    expect(bundles.map((b) => [b.rke2, b.expectedPackaged])).toEqual([
      ["v1.30.13+rke2r1", "0.2.1000"],
      ["v1.31.9+rke2r1", "0.2.1000"],
      ["v1.32.5+rke2r1", "0.2.1000"],
    ]);
    const p = scripts.get(`${bundles[0].folder}/${bundles[0].name}`)!;
    expect(p).toContain("timeout(time: 15, unit: 'MINUTES')");
    expect(shellSteps(p)).toEqual([bundleCheckScript()]);
  });

  it("the bundle check passes on the manifest's version and fails on another (run with a stand-in git)", () => {
    const dir = tempDir("bundle-");
    // charts/chart_versions.yaml as rancher/rke2 v1.31.9+rke2r1 writes it (entries abridged).
    const manifest = "charts:\n  - version: 1.17.301\n    filename: /charts/rke2-cilium.yaml\n    bootstrap: true\n  - version: 0.2.1000\n    filename: /charts/harvester-cloud-provider.yaml\n    bootstrap: true\n  - version: 0.1.2300\n    filename: /charts/harvester-csi-driver.yaml\n    bootstrap: true\n";
    writeFileSync(join(dir, "manifest.yaml"), manifest);
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin", "git"), `#!/bin/sh\ncase "$*" in *" show "*) cat "${dir}/manifest.yaml" ;; *) : ;; esac\n`, { mode: 0o755 });
    const run = (expected: string) =>
      spawnSync("sh", ["-c", bundleCheckScript()], { cwd: dir, encoding: "utf8", env: { PATH: `${dir}/bin:${process.env.PATH}`, RKE2_VERSION: "v1.31.9+rke2r1", CHART_NAME: "harvester-cloud-provider", CHART_PACKAGED_VERSION: expected } });
    const ok = run("0.2.1000");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("bundles harvester-cloud-provider version '0.2.1000'");
    expect(run("0.2.900").status).not.toBe(0);
  });

  it("keeps quotes and dollars in data from breaking out of Groovy strings", () => {
    const catalog: Catalog = { ...CATALOG, matrices: [{ ...SEED, title: "it's ${danger} \\ here" }] };
    const dsl = renderJobDsl(catalog);
    expect(dsl).toContain("displayName('it\\'s ${danger} \\\\ here')");
    expect(topLevelCalls(dsl).filter((c) => c.startsWith("pipelineJob("))).toHaveLength(6);
    // The shell survives Groovy quoting both ways.
    const job = combinationJobs(CATALOG)[0];
    expect(shellSteps(pipelines(dsl).get(`${job.folder}/${job.name}`)!)).toEqual([validationScript(SEED.test)]);
  });
});

describe("kOps upgrade jobs (Prow YAML)", () => {
  type Periodic = {
    name: string;
    cron: string;
    cluster: string;
    extra_refs: { repo: string; base_ref: string }[];
    annotations: Record<string, string>;
    spec: { containers: { args: string[]; env: { name: string; value: string }[] }[] };
  };
  const binding: KopsJobBinding = {
    cluster: "build-cluster",
    serviceAccountName: "kops-e2e",
    resources: { cpu: "4", memory: "6Gi" },
    env: { KOPS_STATE_STORE: "s3://state" },
    volumes: [],
    volumeMounts: [],
    clusterDomain: "tests.example.org",
    zones: ["us-east-2a", "us-east-2b"],
    createFlags: ["--set=cluster.spec.iam.permissionsBoundary=arn:aws:iam::1:policy/b"],
  };
  const periodics = (catalog?: Catalog): Periodic[] => parse(renderBoundKopsUpgradeJobs(binding, catalog)).periodics;
  const env = (p: Periodic) => Object.fromEntries(p.spec.containers[0].env.map((e) => [e.name, e.value]));

  it("holds one job per upgrade path, named by its Kubernetes and kOps versions, bound to the stack", () => {
    const jobs = periodics();
    expect(jobs.map((j) => j.name)).toEqual(["e2e-kops-aws-upgrade-k124-ko127-to-k125-ko128", "e2e-kops-aws-upgrade-k125-ko128-to-k126-ko129"]);
    // A: the newest release of kOps 1.27, downloaded; B: the release-1.28 marker.
    expect(env(jobs[0])).toMatchObject({ KOPS_VERSION_A: "v1.27.3", K8S_VERSION_A: "v1.24.17", KOPS_VERSION_B: "1.28", K8S_VERSION_B: "v1.25.16", KOPS_STATE_STORE: "s3://state" });
    expect(env(jobs[1])).toMatchObject({ KOPS_VERSION_A: "v1.28.7", K8S_VERSION_A: "v1.25.16", KOPS_VERSION_B: "1.29", K8S_VERSION_B: "v1.26.15" });
    for (const j of jobs) {
      expect(j.cluster).toBe("build-cluster");
      expect(j.spec.containers[0].args).toEqual(["./tests/e2e/scenarios/upgrade-ab/run-test.sh"]);
      expect(j.cron).toMatch(/^\d{1,2} \d-23\/8 \* \* \*$/);
      expect(env(j).KOPS_EXTRA_FLAGS).toMatch(/^--zones=us-east-2[ab] --set=cluster\.spec\.iam\.permissionsBoundary=arn:aws:iam::1:policy\/b$/);
      expect(env(j).CLUSTER_NAME).toMatch(/^e2e-[0-9a-f]{10}\.tests\.example\.org$/);
    }
    expect(new Set(jobs.map((j) => env(j).CLUSTER_NAME)).size).toBe(jobs.length);
  });

  it("derives each job's schedule, zone and cluster name from its name alone, so a plan never moves them", () => {
    const pinned = (p: Periodic) => ({ cron: p.cron, cluster: env(p).CLUSTER_NAME, zone: env(p).KOPS_EXTRA_FLAGS.split(" ")[0] });
    // Written out: a change to how they are derived renames live clusters and moves schedules.
    expect(periodics().map(pinned)).toEqual([
      { cron: "34 7-23/8 * * *", cluster: "e2e-38b2474ab7.tests.example.org", zone: "--zones=us-east-2a" },
      { cron: "42 7-23/8 * * *", cluster: "e2e-8d53a792ef.tests.example.org", zone: "--zones=us-east-2a" },
    ]);
    // Another build cluster, service account, environment and flags change none of them.
    const other = parse(renderBoundKopsUpgradeJobs({ ...binding, cluster: "other", serviceAccountName: "sa", env: { X: "1" }, createFlags: [] })).periodics as Periodic[];
    expect(other.map(pinned)).toEqual(periodics().map(pinned));
  });

  it("checks out the kOps tester that applies a minor's skips, and master when a minor has none", () => {
    const jobs = periodics(withKops({ skips: { "1.26": [OLD_SDK_STORAGE_TESTS] } }));
    expect(jobs.map((j) => j.extra_refs.find((r) => r.repo === "kops")!.base_ref)).toEqual(["master", "release-1.31"]);
    expect(jobs[0].annotations["ci-infra/skips"]).toBeUndefined();
    expect(jobs[1].annotations["ci-infra/skips"]).toContain("(remove after 1.26)");
  });

  it("without a stack, lists no job: an unbound job could not run", () => {
    expect(parse(renderKopsUpgradeJobs()).periodics).toEqual([]);
    expect(renderKopsUpgradeJobs()).toContain("prow/kops-upgrade-jobs.yaml");
  });
});

describe("reports", () => {
  it("markdown has a row per combination and per upgrade path", () => {
    const md = renderReport("markdown");
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---"));
    // Two header rows plus 3 combinations plus 2 upgrade paths.
    expect(rows).toHaveLength(2 + 3 + 2);
    expect(md).toContain("| v2.10.6 | v1.4.3 | v1.31.9+rke2r1 | 1.31.9 | 2025-11-11 | ubuntu-24.04 |");
  });

  it("json lists every combination with its job", () => {
    const json = JSON.parse(renderReport("json"));
    expect(json.matrices[0].combinations).toHaveLength(3);
    expect(json.matrices[0].combinations[0]).toMatchObject({ rancher: "v2.9.10", kubernetes: "1.30.13", job: expect.stringMatching(/^harvester-cloud-provider-0\.2\.10\//) });
    expect(json.kops.upgrades.map((u: { from: string; to: string }) => `${u.from}->${u.to}`)).toEqual(["1.24->1.25", "1.25->1.26"]);
  });
});
