/**
 * ESC environments: every shipped stack imports its own (`environment:` in the
 * stack file), the offline plan lists it, and .github/scripts/esc-tier.mjs moves
 * those imports to the read-only or review tier for the jobs that may open only those.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT, planStack } from "../../src/plan/run";
import { readStackFile, shippedStacks, stackFilePath } from "../../src/plan/stack-file";
import { renderSummary } from "../../src/plan/summary";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const SCRIPT = resolve(__dirname, "../../.github/scripts/esc-tier.mjs");
let retier: (text: string, tier: string) => { text: string; imports: string[] };
beforeAll(async () => {
  retier = (await import(SCRIPT)).retier;
});

describe("stack files", () => {
  it.each(shippedStacks())("%s imports its own ESC environment, <project>/<stack>", (stack) => {
    expect(readStackFile(stackFilePath(stack), PROJECT).environments).toEqual([`${PROJECT}/${stack}`]);
  });

  it("the offline plan lists the imported environment", async () => {
    const plan = await planStack({ stack: "oci-staging" });
    expect(plan.environments).toEqual([`${PROJECT}/oci-staging`]);
    expect(renderSummary(plan, [])).toContain(`ESC environments: ${PROJECT}/oci-staging`);
  }, 60000);
});

describe("esc-tier.mjs", () => {
  it.each(shippedStacks())("moves %s's imports to the readonly tier and leaves the config as it was", (stack) => {
    const before = readFileSync(stackFilePath(stack), "utf8");
    const r = retier(before, "readonly");
    expect(r.imports).toEqual([`${PROJECT}/${stack}-readonly`]);
    const [a, b]: Any[] = [parse(before), parse(r.text)];
    expect(b.environment).toEqual([`${PROJECT}/${stack}-readonly`]);
    expect(b.config).toEqual(a.config);
    expect(retier(r.text, "readonly").text).toBe(r.text);
  });

  it("handles the `imports:` form, quotes and comments", () => {
    const text = 'environment:\n  imports:\n    - "ci-infra/oci-staging" # credentials\n    - ci-infra/shared\nconfig:\n  a: 1\n';
    expect(retier(text, "review").text).toBe('environment:\n  imports:\n    - "ci-infra/oci-staging-review" # credentials\n    - ci-infra/shared-review\nconfig:\n  a: 1\n');
  });

  it("refuses a file without imports, an entry it does not understand, and a bad tier", () => {
    expect(() => retier("config:\n  a: 1\n", "readonly")).toThrow(/imports no ESC environment/);
    expect(() => retier("environment:\n  - ci-infra/x\n  - { weird: true }\n", "readonly")).toThrow(/line 3/);
    expect(() => retier("environment:\n  - ci-infra/x\n", "Read Only")).toThrow(/tier/);
  });

  it("runs as a CLI: rewrites the file in place, exits 1 on a file it cannot rewrite, 2 without arguments", () => {
    const dir = tempDir("esc-tier-");
    const file = join(dir, "Pulumi.oci-prod.yaml");
    writeFileSync(file, readFileSync(stackFilePath("oci-prod"), "utf8"));
    expect(spawnSync("node", [SCRIPT, file, "readonly"]).status).toBe(0);
    expect(readStackFile(file, PROJECT).environments).toEqual([`${PROJECT}/oci-prod-readonly`]);
    writeFileSync(file, "config: {}\n");
    expect(spawnSync("node", [SCRIPT, file, "readonly"]).status).toBe(1);
    expect(spawnSync("node", [SCRIPT]).status).toBe(2);
  });
});
