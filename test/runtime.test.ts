import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { removeTempDirs, swapMocks, tempDir } from "./runtime";

const mocks = (seen: string[]): pulumi.runtime.Mocks => ({
  newResource: (args) => {
    if (args.type === "test:index:Thing") seen.push(args.name);
    return { id: `${args.name}-id`, state: args.inputs };
  },
  call: () => ({}),
});
class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, {});
  }
}
async function register(name: string) {
  await pulumi.runtime.runInPulumiStack(async () => {
    new Thing(name);
    return {};
  });
  await pulumi.runtime.disconnect();
}

describe("swapMocks", () => {
  it("puts back the stack, project, preview flag and monitor it replaced", async () => {
    const outer: string[] = [];
    const inner: string[] = [];
    const restoreOuter = await swapMocks(mocks(outer), "outer-project", "outer-stack", true);
    try {
      const restoreInner = await swapMocks(mocks(inner), "inner-project", "inner-stack", false);
      expect([pulumi.getProject(), pulumi.getStack(), pulumi.runtime.isDryRun()]).toEqual(["inner-project", "inner-stack", false]);
      await register("while-swapped");
      restoreInner();
      expect([pulumi.getProject(), pulumi.getStack(), pulumi.runtime.isDryRun()]).toEqual(["outer-project", "outer-stack", true]);
      await register("after-restore");
      expect(inner).toEqual(["while-swapped"]);
      expect(outer).toEqual(["after-restore"]);
    } finally {
      restoreOuter();
    }
  });
});

describe("tempDir", () => {
  it("makes fresh directories that removeTempDirs removes with their contents", () => {
    const a = tempDir("runtime-test-");
    const b = tempDir("runtime-test-");
    expect(a).not.toBe(b);
    writeFileSync(join(a, "file"), "x");
    removeTempDirs();
    expect([existsSync(a), existsSync(b)]).toEqual([false, false]);
  });
});
