/**
 * The GitHub bot runs in the shipped stacks from an image we build: the workflow
 * builds longhorn/bot's github-bot/ at the commit src/versions.ts pins and pushes it
 * tagged with that commit; the config accepts only that commit tag or a digest.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { botImagePin } from "../../src/config/platform-apps";
import { GITHUB_BOT } from "../../src/versions";
import { ofType, parse, plan, problems, set } from "../helpers";

const ROOT = resolve(__dirname, "../..");
const WORKFLOW = parseYaml(readFileSync(resolve(ROOT, ".github/workflows/github-bot-image.yml"), "utf8"));
const REPO = "ghcr.io/example-org/longhorn-github-bot";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const steps: any[] = WORKFLOW.jobs.build.steps;

describe("githubBot.image: a digest or the pinned commit's tag, nothing else", () => {
  const image = (v: string) => problems(() => parse("oci-staging", set("githubBot.image", v)));

  it.each([
    [`${REPO}@sha256:${"a".repeat(64)}`],
    [`${REPO}:${GITHUB_BOT.commit}`],
    [`${REPO}:${GITHUB_BOT.commit}@sha256:${"b".repeat(64)}`],
  ])("accepts %s", (v) => expect(image(v)).toEqual([]));

  it.each([
    [`longhornio/github-bot:master`, "must be pinned by digest"],
    [`${REPO}:v1.2.3`, "must be pinned by digest"],
    [`${REPO}:latest`, "must be pinned by digest"],
    [`${REPO}`, "must be pinned by digest"],
    [`${REPO}:${GITHUB_BOT.commit.slice(0, 12)}`, "must be pinned by digest"],
    [`${REPO}:${"f".repeat(40)}`, `must carry the commit pinned in src/versions.ts (GITHUB_BOT.commit ${GITHUB_BOT.commit})`],
  ])("refuses %s (exit 2, naming key, value and rule)", (v, rule) => {
    const [line] = image(v);
    expect(line).toContain(`ci-infra:githubBot.image ${rule}`);
    expect(line).toContain(`(got "${v}")`);
  });

  it("reads the pin the way the rule does", () => {
    expect(botImagePin(`r/b:${GITHUB_BOT.commit}`)).toEqual({ commit: GITHUB_BOT.commit });
    expect(botImagePin(`r/b@sha256:${"c".repeat(64)}`)).toEqual({ digest: `sha256:${"c".repeat(64)}` });
    expect(botImagePin("registry:5000/b")).toBeUndefined();
  });
});

describe("the shipped OCI stacks run the bot", () => {
  it.each(["oci-staging", "oci-prod"])("%s: enabled, its image the pinned commit's build, its token a secret", async (stack) => {
    const s = parse(stack);
    expect(s.program).toBe("oci-platform");
    if (s.program !== "oci-platform") return;
    expect(s.settings.githubBot.enabled).toBe(true);
    const pin = botImagePin(s.settings.githubBot.image!);
    expect(pin, s.settings.githubBot.image).toBeDefined();
    if (pin && "commit" in pin) expect(pin.commit).toBe(GITHUB_BOT.commit);
    const p = await plan(stack);
    const d = ofType(p, "kubernetes:apps/v1:Deployment").find((r) => (r.inputs.metadata as { name: string }).name === "github-bot")!;
    expect((d.inputs as any).spec.template.spec.containers[0].image).toBe(s.settings.githubBot.image);
    expect(p.outputs.botWebhookUrl).toBe("[secret]");
    expect(parseYaml(String(p.artifacts["manifests/github-bot/secret-github-bot.yaml"])).stringData.GITHUB_TOKEN).toBe("[secret]");
  });
});

describe(".github/workflows/github-bot-image.yml", () => {
  it("reads the commit from src/versions.ts with the same line the pin lives on", () => {
    const pin = steps.find((s) => s.id === "pin").run as string;
    const sed = /commit="\$\((sed -n '[^']+' src\/versions\.ts)\)"/.exec(pin)?.[1];
    expect(sed, pin).toBeDefined();
    const r = spawnSync("bash", ["-c", sed!], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout.trim()).toBe(GITHUB_BOT.commit);
  });

  it("builds longhorn/bot's github-bot/ at that commit and pushes it tagged with the commit", () => {
    const checkout = steps.find((s) => s.with?.repository === GITHUB_BOT.repository);
    expect(checkout.with).toMatchObject({ ref: "${{ steps.pin.outputs.commit }}", "persist-credentials": false });
    const build = steps.find((s) => String(s.uses).startsWith("docker/build-push-action@"));
    expect(build.with).toMatchObject({ context: `${checkout.with.path}/${GITHUB_BOT.context}`, file: `${checkout.with.path}/${GITHUB_BOT.context}/Dockerfile`, push: true, tags: "${{ steps.pin.outputs.image }}" });
    expect(steps.find((s) => s.id === "pin").run).toContain('image=ghcr.io/$owner/longhorn-github-bot:$commit');
    // A tag already in the registry is reused, not rebuilt: the commit's image never changes.
    expect(build.if).toBe("steps.existing.outputs.digest == ''");
  });

  it("records the digest: job output, summary, and a provenance attestation pushed to the registry", () => {
    expect(WORKFLOW.jobs.build.outputs.digest).toBe("${{ steps.digest.outputs.digest }}");
    const attest = steps.find((s) => String(s.uses).startsWith("actions/attest-build-provenance@"));
    expect(attest.with).toMatchObject({ "subject-digest": "${{ steps.digest.outputs.digest }}", "push-to-registry": true });
    expect(steps.at(-1).run).toContain("$GITHUB_STEP_SUMMARY");
    expect(WORKFLOW.jobs.build.permissions).toEqual({ contents: "read", packages: "write", "id-token": "write", attestations: "write" });
    expect(WORKFLOW.permissions).toEqual({});
  });
});
