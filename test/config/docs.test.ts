/** docs/config.md's promises about errors are what the config layer does. */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SHOWN_CHARS } from "../../src/base/format";
import { loadPlanConfig } from "../../src/plan/run";
import { readStackFile } from "../../src/plan/stack-file";
import { parse, problems, set, stackFileWith } from "../helpers";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const DOC = readFileSync(resolve(__dirname, "../../docs/config.md"), "utf8");
/** The example lines: every fenced block before the key table. */
const EXAMPLES = [...DOC.slice(0, DOC.indexOf("| key |")).matchAll(/```\n([\s\S]*?)```/g)].flatMap((m) => m[1].trimEnd().split("\n"));

/** Lines the code prints for the mistakes the examples show. */
function producedLines(): string[] {
  const edited = (...edits: Parameters<typeof parse>[1][]) => problems(() => parse("oci-staging", ...edits));
  const plaintextSecret = stackFileWith(
    "oci-staging",
    ["  ci-infra:longhorn:", "    backup:", "      enabled: true", "      namespace: ociexamplens", "      accessKeyId:", "        secure: v1:AAAA==", "      secretAccessKey: s3cr3t", ""].join("\n"),
  );
  const dir = tempDir("docs-");
  const draft = join(dir, "Pulumi.draft.yaml");
  writeFileSync(draft, "config:\n  ci-infra:program: oci-platform\n  ci-infra:network: {adminCidrs: [\n");
  const yaml = problems(() => readStackFile(draft, "ci-infra")).map((l) => l.replace(dir, "stacks"));
  return [
    ...edited(set("ingress.httpNodePort", 80)),
    ...edited(set("network.adminCidrs", ["0.0.0.0/0"])),
    ...edited((v) => void delete v["ci-infra:network"]),
    ...edited((v) => void (v["ci-infr:jenkins"] = "{}")),
    ...edited((v) => void (v["ci-infra:__proto__"] = '{"protect": false}')),
    ...edited(set("domain", "ci-example-org-".repeat(20))),
    ...problems(() => loadPlanConfig({ stack: "oci-staging", configFile: plaintextSecret })),
    ...yaml,
  ];
}

describe("docs/config.md", () => {
  it("shows only lines the code prints, word for word", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(8);
    const produced = producedLines();
    for (const line of EXAMPLES) expect(produced).toContain(line);
  });

  it("says how much of a long value a message keeps", () => {
    expect(DOC).toContain(`shortened in messages to their first ${SHOWN_CHARS} characters`);
  });
});
