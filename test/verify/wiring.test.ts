/**
 * `npm run verify` is wired as a package script. That it is the last step of every
 * deploy (in the reusable pulumi-stack.yml, on the stack just deployed) is checked
 * with the other workflow properties in test/delivery/workflows.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "../..");

describe("npm run verify: wiring", () => {
  it("is an npm script that runs the verify CLI", () => {
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.verify).toMatch(/\bsrc\/verify\/cli\.(ts|js)$/);
  });
});
