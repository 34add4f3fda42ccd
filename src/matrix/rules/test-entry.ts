/**
 * A matrix's test entry must name only what exists at its pinned commit: the
 * repository and commit whose files were read, test files and test names found
 * there, options its conftest declares, and an image pinned by digest. Anything else
 * is a job that fails on its first step, hours after the plan said it was fine.
 */
import { HARVESTER_TESTS_READ } from "../data/harvester-tests";
import { PYTEST_OPTIONS_USED } from "../pytest-job";
import type { ChartMatrix } from "../types";
import { problem } from "./problem";

const READ_REPOSITORY = `https://github.com/${HARVESTER_TESTS_READ.repository}.git`;

export function testEntryProblems(m: ChartMatrix): string[] {
  const subject = `matrix ${m.name} test`;
  const problems: string[] = [];
  const add = (rule: string) => problems.push(problem(subject, rule, "test-entry"));
  const t = m.test;
  if (t.repository !== READ_REPOSITORY) add(`repository must be ${READ_REPOSITORY}, the one whose files were read (src/matrix/data/harvester-tests.ts) (got ${t.repository})`);
  if (!/^[0-9a-f]{40}$/.test(t.commit)) add(`commit must be a 40-hex commit, not a branch or tag that moves (got ${t.commit})`);
  else if (t.commit !== HARVESTER_TESTS_READ.commit) add(`commit must be ${HARVESTER_TESTS_READ.commit}, where the test and its options were read; re-read them before moving it (got ${t.commit})`);
  if (!/@sha256:[0-9a-f]{64}$/.test(t.image)) add(`image must be pinned by digest (got ${t.image})`);
  if (t.tests.length === 0) add("tests must name at least one pytest node id");
  for (const id of t.tests) {
    const [path, name] = id.split("::");
    if (!(HARVESTER_TESTS_READ.paths as readonly string[]).includes(path)) {
      add(`tests must name files present at ${HARVESTER_TESTS_READ.commit.slice(0, 12)} (src/matrix/data/harvester-tests.ts paths) (got ${path})`);
    } else if (name !== undefined && !(HARVESTER_TESTS_READ.definitions[path] ?? []).includes(name)) {
      add(`tests must name a test or class defined in ${path} at ${HARVESTER_TESTS_READ.commit.slice(0, 12)} (got ${name})`);
    }
  }
  const known = new Set<string>([...HARVESTER_TESTS_READ.conftestOptions, ...HARVESTER_TESTS_READ.pytestOptions]);
  for (const o of PYTEST_OPTIONS_USED) if (!known.has(o)) add(`the job must pass only options declared at the commit (conftest.py pytest_addoption, or pytest's own) (got ${o})`);
  return problems;
}
