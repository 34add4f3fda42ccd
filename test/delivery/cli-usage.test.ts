/**
 * The small command lines around delivery say how to call them: `npm run
 * review-stack` (review-stack.yml runs it) and `npm run bench`. Run as the npm
 * scripts run them, with tsx, in a child process.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const TSX = resolve(ROOT, "node_modules/.bin/tsx");
const run = (script: string, args: string[]) => spawnSync(TSX, [script, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60000 });

describe("npm run review-stack", () => {
  it("with no argument prints its usage, not an error about stack \"\", and exits 1", () => {
    const r = run("src/plan/review-stack-cli.ts", []);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^usage: npm run review-stack -- <pr-number>\n/);
    expect(r.stderr).not.toContain("is not a review stack name");
  });

  it("--help prints the usage on stdout and exits 0", () => {
    const r = run("src/plan/review-stack-cli.ts", ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run review-stack -- <pr-number>\n/);
  });
});

describe("npm run bench", () => {
  it("--help prints the usage and exits 0", () => {
    const r = run("bench/plan-bench.ts", ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run bench -- /);
    for (const option of ["--runs", "--budget", "--stacks", "--scale", "--json"]) expect(r.stdout).toContain(option);
  });

  it("an unknown stack name exits non-zero before measuring anything, naming the shipped stacks", () => {
    const r = run("bench/plan-bench.ts", ["--stacks", "oci-staging,no-such-stack", "--scale", "none"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("no stack file for no-such-stack");
    expect(r.stderr).toContain("oci-prod");
    expect(r.stdout).not.toContain("Offline plan vs floor");
  });
});
