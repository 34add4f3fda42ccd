/** docs/delivery.md keeps up with the rules and workflows it documents. */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/policy";
import { CROSSGUARD_ENFORCEMENT } from "../../src/policy/crossguard";

const DOC = readFileSync(resolve(__dirname, "../../docs/delivery.md"), "utf8");

describe("docs/delivery.md", () => {
  it("lists every policy rule with its enforcement level", () => {
    for (const r of RULES) {
      const row = DOC.split("\n").find((l) => l.startsWith(`| \`${r.name}\` |`));
      expect(row, r.name).toBeDefined();
      const level = row!.split("|")[2].trim();
      expect(level, r.name).toBe(CROSSGUARD_ENFORCEMENT[r.name] ? `${r.enforcement} (${CROSSGUARD_ENFORCEMENT[r.name]} in CrossGuard)` : r.enforcement);
    }
  });

  it("describes every workflow and has a diagram", () => {
    for (const f of readdirSync(resolve(__dirname, "../../.github/workflows"))) expect(DOC, f).toContain(f);
    expect(DOC).toContain("```mermaid");
    expect(DOC).toContain("policy/allowances.yaml");
  });
});
