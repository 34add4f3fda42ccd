/** review-stack-sweeper.yml's `find` script, run against fake Pulumi Cloud and GitHub APIs. */
import { describe, expect, it } from "vitest";
import { fakeGithub, newCalls, runScript, scriptOf } from "./github-script";

const script = scriptOf("review-stack-sweeper.yml", "find", "closed");

/** Pulumi Cloud's stack listing, in two pages, as the script pages through it. */
function pulumiApi(names: string[][]) {
  return async (url: URL) => {
    const page = Number(url.searchParams.get("continuationToken") ?? 0);
    return { ok: true, json: async () => ({ stacks: names[page].map((stackName) => ({ stackName })), continuationToken: page + 1 < names.length ? String(page + 1) : undefined }) };
  };
}

describe("review-stack-sweeper.yml: which stacks it destroys", () => {
  it("the pr-* stacks whose pull request is closed, across pages; open ones, other stacks and stacks without a PR stay", async () => {
    const rec = newCalls();
    const states: Record<number, string> = { 12: "closed", 13: "open", 40: "closed" };
    const github = fakeGithub(
      {
        "pulls.get": ({ pull_number }: { pull_number: number }) => {
          if (!(pull_number in states)) throw Object.assign(new Error("Not Found"), { status: 404 });
          return { state: states[pull_number] };
        },
      },
      rec,
    );
    await runScript(script, { github, env: { PULUMI_ACCESS_TOKEN: "t", PULUMI_ORG: "org" }, rec, fetch: pulumiApi([["oci-prod", "pr-12", "pr-9999999"], ["pr-13", "pr-40", "pr-x"]]) });
    expect(JSON.parse(rec.outputs.prs)).toEqual([12, 40]);
    expect(rec.warnings).toEqual(["pr-9999999: no pull request #9999999 in this repository; left alone"]);
  });

  it("any other GitHub error stops the run instead of guessing", async () => {
    const rec = newCalls();
    const github = fakeGithub(
      {
        "pulls.get": () => {
          throw Object.assign(new Error("Bad credentials"), { status: 401 });
        },
      },
      rec,
    );
    await expect(runScript(script, { github, env: { PULUMI_ACCESS_TOKEN: "t", PULUMI_ORG: "org" }, rec, fetch: pulumiApi([["pr-12"]]) })).rejects.toThrow("Bad credentials");
  });
});
