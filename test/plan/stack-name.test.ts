import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/plan";
import { parseArgs } from "../../src/plan/cli";
import { stackFilePath } from "../../src/plan/stack-file";
import { captureConsole, removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

// Pulumi names a stack after its file: `Pulumi.<name>.yaml` holds stack `<name>`.
// A draft planned under another stack's name would diff as that stack, and every
// name that carries the stack (resources, URNs, the summary) would be wrong.

const capture = captureConsole;
afterEach(() => vi.restoreAllMocks());

function draft(fileName: string): string {
  const file = join(tempDir("stack-name-"), fileName);
  copyFileSync(stackFilePath("oci-staging"), file);
  return file;
}

describe("the stack a --config-file plans", () => {
  it("is the <name> of Pulumi.<name>.yaml, in the summary, the resource names and the JSON", async () => {
    const { out } = capture();
    const file = draft("Pulumi.draft-7.yaml");
    const json = join(tempDir("stack-name-"), "plan.json");
    expect(await main(["--config-file", file, "--json", json])).toBe(0);
    expect(out.join("\n")).toMatch(/^stack draft-7 · program oci-platform/);
    const plan = JSON.parse(readFileSync(json, "utf8"));
    expect(plan.stack).toBe("draft-7");
    expect(plan.resources.every((r: { urn: string }) => r.urn.startsWith("urn:pulumi:draft-7::ci-infra::"))).toBe(true);
    expect(plan.resources.find((r: { type: string }) => r.type === "oci:Core/vcn:Vcn").name).toBe("draft-7-net-vcn");
  });

  it("needs --stack when the file is not named Pulumi.<name>.yaml: exit 1, saying so", async () => {
    const { err } = capture();
    const file = draft("staging-copy.yaml");
    expect(await main(["--config-file", file])).toBe(1);
    expect(err.join("\n")).toMatch(/staging-copy\.yaml is not named Pulumi\.<stack>\.yaml: name the stack with --stack <name>/);
  });

  it("takes --stack for a file of any name, and --stack names the stack as the positional does", async () => {
    const { out } = capture();
    expect(await main(["--config-file", draft("staging-copy.yaml"), "--stack", "review-x"])).toBe(0);
    expect(out.join("\n")).toMatch(/^stack review-x · /);
    expect(parseArgs(["--stack", "oci-prod"])).toEqual({ stack: "oci-prod" });
    expect(parseArgs(["oci-prod"])).toEqual({ stack: "oci-prod" });
    expect(parseArgs([])).toEqual({ stack: "oci-staging" });
    expect(parseArgs(["--config-file", "f.yaml"])).toEqual({ configFile: "f.yaml" });
  });

  it("refuses two different stack names and a name Pulumi would refuse: exit 1", async () => {
    const { err } = capture();
    expect(() => parseArgs(["oci-prod", "--stack", "oci-staging"])).toThrow(/two stack names: oci-prod and oci-staging/);
    expect(await main(["--config-file", draft("x.yaml"), "--stack", "my draft"])).toBe(1);
    expect(await main(["--config-file", draft("Pulumi.my draft.yaml")])).toBe(1);
    expect(err.join("\n")).toMatch(/stack name "my draft" may contain only letters, digits, -, _ and \./);
  });
});
