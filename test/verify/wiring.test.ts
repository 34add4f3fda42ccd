/** `npm run verify` is wired: the package script, and the last step of each deploy job. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(__dirname, "../..");

describe("npm run verify: wiring", () => {
  it("is an npm script", () => {
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.verify).toBe("tsx src/verify/cli.ts");
  });

  it("runs last in every job that deploys, on the stack just deployed", () => {
    const w = parse(readFileSync(join(root, ".github/workflows/deploy.yml"), "utf8")) as { jobs: Record<string, { steps: { run?: string; uses?: string; with?: { command?: string } }[] }> };
    const deploying = Object.entries(w.jobs).filter(([, j]) => j.steps.some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up"));
    expect(deploying.map(([id]) => id).sort()).toEqual(["production", "staging"]);
    for (const [, job] of deploying) expect(job.steps.at(-1)?.run).toBe('npm run --silent verify -- "$PULUMI_ORG/$STACK"');
  });
});
