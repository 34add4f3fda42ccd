import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../../src/cli/args";
import { configEdit, editDocument, editValues } from "../../src/plan/config-edit";

const OPTIONS = { json: { type: "string" }, "fail-on-changes": { type: "boolean" } } as const;

describe("parseCommandLine", () => {
  it.each([
    [["--bogus"], "unknown option --bogus"],
    [["--json"], "--json needs a value"],
    [["--json", "--fail-on-changes"], "--json needs a value"],
    [["--fail-on-changes=yes"], "--fail-on-changes takes no value"],
    [["a", "b"], "unexpected argument b"],
  ])("%j is a usage error: %s", (argv, message) => {
    expect(() => parseCommandLine(argv, OPTIONS, 1)).toThrow(UsageError);
    expect(() => parseCommandLine(argv, OPTIONS, 1)).toThrow(new RegExp(`^${message}$`));
  });

  it("reads options in both spellings and the positional", () => {
    const { values, positionals } = parseCommandLine(["oci-prod", "--json=p.json", "--fail-on-changes"], OPTIONS, 1);
    expect({ ...values }).toEqual({ json: "p.json", "fail-on-changes": true });
    expect(positionals).toEqual(["oci-prod"]);
  });
});

describe("config edits", () => {
  it("set, nest and delete inside JSON-text raw values", () => {
    const values: Record<string, string> = { "ci-infra:nodes": '{"agent":{"count":2}}', "ci-infra:domain": "example.org" };
    editValues(values, [configEdit("nodes.ciAgent.count", 3), configEdit("nodes.agent", undefined), configEdit("domain", "pr-1.example.org")]);
    expect(values).toEqual({ "ci-infra:nodes": '{"ciAgent":{"count":3}}', "ci-infra:domain": "pr-1.example.org" });
  });

  it("edit a stack file's document, keeping its comments and encrypted values", () => {
    const doc = parseDocument("config:\n  # the pools\n  ci-infra:nodes:\n    agent:\n      count: 2\n  ci-infra:token:\n    secure: AAAB\n");
    editDocument(doc, [configEdit("nodes.agent.count", 0), configEdit("nodes.ciAgent.count", 1)]);
    expect(doc.toString()).toBe("config:\n  # the pools\n  ci-infra:nodes:\n    agent:\n      count: 0\n    ciAgent:\n      count: 1\n  ci-infra:token:\n    secure: AAAB\n");
  });
});
