import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CiComponent, NamingError } from "../../src/components/naming";

class Thing extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, {}, opts);
  }
}

class Box extends CiComponent {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:test:Box", name, opts);
  }
  /** A child named as the rule wants, or not. */
  child(name: string): pulumi.CustomResource {
    return new Thing(name, { parent: this });
  }
  helperChild(suffix: string): pulumi.CustomResource {
    return this.child(this.childName(suffix));
  }
}

describe("CiComponent naming", () => {
  beforeAll(() =>
    pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
      "ci-infra",
      "naming-test",
      false,
    ),
  );
  // Other files set their own mocks; leave none of ours behind.
  afterAll(() => pulumi.runtime.resetOptions("", "", -1, "", "", false, ""));

  it("accepts a child named <component>-<suffix>", () => {
    const box = new Box("box-a");
    expect(() => box.helperChild("nsg")).not.toThrow();
    expect(() => box.child("box-a-by-hand")).not.toThrow();
  });

  it("throws on a child whose name lacks the component's prefix, naming both", () => {
    const box = new Box("box-b");
    expect(() => box.child("nsg")).toThrow(NamingError);
    expect(() => box.child("box-bnsg")).toThrow(/test:index:Thing "box-bnsg" under ci-infra:test:Box "box-b" must be named "box-b-<suffix>"/);
  });

  it("checks only its own children: a grandchild answers to its parent", () => {
    const outer = new Box("outer");
    const inner = new Box("outer-inner", { parent: outer });
    expect(() => inner.child("outer-inner-x")).not.toThrow();
    expect(() => inner.child("outer-x")).toThrow(NamingError);
  });
});
