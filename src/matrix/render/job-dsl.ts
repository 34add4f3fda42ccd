/**
 * Jenkins Job DSL for the chart matrices: a folder per matrix, one pipeline job per
 * combination (harvester/tests' Rancher integration test) and one per RKE2 release
 * (does it bundle the chart under test?). The platform's Jenkins seeds it through
 * JCasC (`jobs: [{ script: renderJobDsl() }]`, configuration-as-code + job-dsl plugins).
 *
 * Jobs are the same for every stack: an environment reaches a job only through the
 * Jenkins credentials named in src/matrix/targets.ts, never through parameters.
 */
import { CATALOG } from "../catalog";
import { BundleJob, bundleJobs, combinationJobs, CombinationJob } from "../jobs";
import { BUNDLE_ARTIFACT, BUNDLE_ENV, bundleCheckScript, RESULTS_DIR, TESTS_DIR, VALIDATION_ENV, validationScript } from "../pytest-job";
import type { Catalog } from "../types";
import { JENKINS_AGENT_LABEL } from "../../cloud-init/jenkins-agent";

/** A Groovy single-quoted string literal: no interpolation of `$`. */
export function groovyString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

const indent = (lines: readonly string[], by: string) => lines.map((l) => `${by}${l}`);

/** A declarative pipeline: agent, options, fixed environment, stages and post steps. */
function pipeline(a: { timeoutMinutes: number; env: Record<string, string>; stages: string[]; post: string[] }, label: string): string {
  return [
    "pipeline {",
    `  agent { label ${groovyString(label)} }`,
    "  options {",
    `    timeout(time: ${a.timeoutMinutes}, unit: 'MINUTES')`,
    "    buildDiscarder(logRotator(numToKeepStr: '30'))",
    "    disableConcurrentBuilds()",
    "  }",
    "  environment {",
    ...Object.entries(a.env).map(([k, v]) => `    ${k} = ${groovyString(v)}`),
    "  }",
    "  stages {",
    ...indent(a.stages, "    "),
    "  }",
    "  post {",
    "    always {",
    ...indent(a.post, "      "),
    "    }",
    "  }",
    "}",
  ].join("\n");
}

/**
 * The validation pipeline of one combination: check out harvester/tests at the
 * pinned commit, bind the environment's credentials, run the test in the pinned
 * image, publish JUnit results and keep the reports.
 */
export function validationPipeline(job: CombinationJob, label: string = JENKINS_AGENT_LABEL): string {
  const { matrix: m, combination: c } = job;
  const e = VALIDATION_ENV;
  const bindings = [
    ...(job.credentials.harvester
      ? [
          `usernamePassword(credentialsId: ${groovyString(job.credentials.harvester.login)}, usernameVariable: '${e.harvesterUsername}', passwordVariable: '${e.harvesterPassword}')`,
          `string(credentialsId: ${groovyString(job.credentials.harvester.options)}, variable: '${e.harvesterOptions}')`,
        ]
      : []),
    `string(credentialsId: ${groovyString(job.credentials.rancher.adminPassword)}, variable: '${e.rancherAdminPassword}')`,
    `string(credentialsId: ${groovyString(job.credentials.rancher.options)}, variable: '${e.rancherOptions}')`,
  ];
  const stages = [
    `stage('Checkout harvester/tests') {`,
    "  steps {",
    `    dir('${TESTS_DIR}') {`,
    `      checkout([$class: 'GitSCM', branches: [[name: ${groovyString(m.test.commit)}]], userRemoteConfigs: [[url: ${groovyString(m.test.repository)}]]])`,
    "    }",
    "  }",
    "}",
    `stage('Rancher integration test') {`,
    "  steps {",
    "    withCredentials([",
    ...bindings.map((b, i) => `      ${b}${i < bindings.length - 1 ? "," : ""}`),
    "    ]) {",
    `      dir('${TESTS_DIR}') {`,
    `        sh(label: 'pytest in the pinned image', script: ${groovyString(validationScript(m.test))})`,
    "      }",
    "    }",
    "  }",
    "}",
  ];
  const post = [
    `junit(testResults: '${TESTS_DIR}/${RESULTS_DIR}/junit.xml', allowEmptyResults: true)`,
    `archiveArtifacts(artifacts: '${TESTS_DIR}/${RESULTS_DIR}/**', allowEmptyArchive: true)`,
  ];
  const env: Record<string, string> = {
    RANCHER_VERSION: c.rancher,
    HARVESTER_VERSION: c.harvester ?? "",
    [e.rke2Version]: c.rke2,
    KUBERNETES_VERSION: job.kubernetes,
    NODE_OS: c.os,
    [e.guestImageUrl]: job.guestImageUrl ?? "",
    CHART_NAME: m.chart.name,
    CHART_VERSION: m.chart.version,
  };
  // Two guest clusters (1 and 3 machines), each allowed 30 minutes to turn active (config.yml rancher-cluster-wait-timeout).
  return pipeline({ timeoutMinutes: 240, env, stages, post }, label);
}

/** The bundle check of one RKE2 release: minutes, no environment, no credentials. */
export function bundlePipeline(job: BundleJob, label: string = JENKINS_AGENT_LABEL): string {
  const e = BUNDLE_ENV;
  const stages = [
    `stage('Read ${job.rke2} charts/chart_versions.yaml') {`,
    "  steps {",
    `    sh(label: 'bundled chart version', script: ${groovyString(bundleCheckScript())})`,
    "  }",
    "}",
  ];
  const env = { [e.rke2Version]: job.rke2, [e.chart]: job.matrix.chart.name, [e.packaged]: job.expectedPackaged };
  return pipeline({ timeoutMinutes: 15, env, stages, post: [`archiveArtifacts(artifacts: '${BUNDLE_ARTIFACT}', allowEmptyArchive: true)`] }, label);
}

function pipelineJob(path: string, displayName: string, description: string, script: string): string {
  if (script.includes("'''")) throw new Error("pipeline script must not contain '''");
  return [
    `pipelineJob(${groovyString(path)}) {`,
    `  displayName(${groovyString(displayName)})`,
    `  description(${groovyString(`${description} Generated from src/matrix; edit the matrix, not this job.`)})`,
    "  definition {",
    "    cps {",
    `      script('''${script.replace(/\\/g, "\\\\")}''')`,
    "      sandbox()",
    "    }",
    "  }",
    "}",
  ].join("\n");
}

export function renderJobDsl(catalog: Catalog = CATALOG): string {
  const jobs = combinationJobs(catalog);
  const bundles = bundleJobs(catalog);
  const out = ["// Generated by ci-infra from src/matrix (npm run plan -- --out <dir>). Do not edit: change the matrix data."];
  for (const m of catalog.matrices) {
    out.push(
      "",
      `folder(${groovyString(m.name)}) {`,
      `  displayName(${groovyString(m.title)})`,
      `  description(${groovyString(`${m.chart.name} ${m.chart.version}: ${m.combinations.length} combinations, each run by harvester/tests at ${m.test.commit.slice(0, 12)}`)})`,
      "}",
    );
    for (const b of bundles.filter((j) => j.matrix === m)) {
      out.push("", pipelineJob(`${b.folder}/${b.name}`, `rke2 ${b.rke2} bundles ${m.chart.name} ${m.chart.version}`, `Reads ${b.rke2}'s charts/chart_versions.yaml and fails unless it bundles ${m.chart.name} ${b.expectedPackaged}.`, bundlePipeline(b)));
    }
    for (const j of jobs.filter((x) => x.matrix === m)) {
      out.push("", pipelineJob(`${j.folder}/${j.name}`, j.label, `${m.title}: ${j.label} (Kubernetes ${j.kubernetes}); runs ${m.test.tests.join(" ")} against the configured Harvester and Rancher.`, validationPipeline(j)));
    }
  }
  return `${out.join("\n")}\n`;
}
