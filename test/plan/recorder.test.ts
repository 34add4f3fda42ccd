import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it, onTestFinished } from "vitest";
import { PlanMocks } from "../../src/plan/mocks";
import { recordRegistrations } from "../../src/plan/recorder";
import { swapMocks } from "../runtime";

// The replacement options decide what an `up` deletes and when; the offline plan
// records them as the program sets them, whichever resource carries them.

async function record(program: () => void) {
  onTestFinished(await swapMocks(new PlanMocks(), "ci-infra", "recorder-test"));
  const recording = recordRegistrations();
  await pulumi.runtime.runInPulumiStack(async () => {
    program();
    return {};
  });
  await pulumi.runtime.disconnect();
  return Object.fromEntries(recording.resources.map((r) => [r.name, r]));
}

describe("the recorder", () => {
  it("records deleteBeforeReplace, ignoreChanges and replaceOnChanges as set, and their absence", async () => {
    const r = await record(() => {
      new random.RandomPassword("with-options", { length: 16, special: false }, { deleteBeforeReplace: true, ignoreChanges: ["special", "length"], replaceOnChanges: ["minUpper"] });
      new random.RandomPassword("without", { length: 16 });
    });
    expect(r["with-options"]).toMatchObject({ deleteBeforeReplace: true, ignoreChanges: ["length", "special"], replaceOnChanges: ["minUpper"] });
    expect(r.without).toMatchObject({ deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] });
  });
});
