import { beforeAll, describe, expect, it } from "vitest";
import { diffPlans, PlanDiff, PlanJson } from "../../src/plan/diff";
import { planJson } from "../../src/plan/output-files";
import { Edit, plan, set } from "../helpers";

// The plan diff reaches PR comments: one real edit must show exactly what it
// changes, nothing else (no value that moved only because of creation order).

const json = async (stack: string, ...edits: Edit[]): Promise<PlanJson> => planJson(await plan(stack, ...edits));
const names = (rs: readonly { name: string }[]) => rs.map((r) => r.name).sort();
const paths = (d: PlanDiff) => Object.fromEntries(d.changed.map((c) => [c.name, c.changes.map((x) => x.path)]));

describe("the diff of a real edit", () => {
  const base: Record<string, PlanJson> = {};
  beforeAll(async () => {
    base["oci-staging"] = await json("oci-staging");
    base["oci-prod"] = await json("oci-prod");
  });

  it.each([
    ["oci-staging", 1],
    ["oci-prod", 3],
  ])("one more ci-agent in %s: the VM, its host key, and Jenkins, which lists the agents; nothing else", async (stack, count) => {
    const d = diffPlans(base[stack], await json(stack, set("nodes.ciAgent.count", count + 1)));
    expect(names(d.added)).toEqual([`${stack}-ci-agent-${count}`, `${stack}-jenkins-agent-keys-host-${count}`]);
    expect(d.removed).toEqual([]);
    expect(paths(d)).toEqual({
      [`${stack}-jenkins-jenkins`]: ["dependsOn", "dependsOn", "inputs.values.controller.JCasC.configScripts.ci-agents"],
    });
    // The release now also waits for the new VM and its key: additions, nothing reordered.
    const deps = d.changed[0].changes.filter((c) => c.path === "dependsOn");
    expect(deps.map((c) => c.before)).toEqual([undefined, undefined]);
    expect(deps.map((c) => c.after).sort()).toEqual(d.added.map((r) => r.urn).sort());
    expect(d.outputs.map((o) => o.path)).toEqual([`nodeIps.ci-agent[${count}]`]);
  });

  it("one more agent in prod: the VM and its two ingress backends; no other VM's address moves", async () => {
    const agents = base["oci-prod"].resources.filter((r) => r.type === "oci:Core/instance:Instance" && /-agent-\d+$/.test(r.name) && !r.name.includes("ci-agent")).length;
    const d = diffPlans(base["oci-prod"], await json("oci-prod", set("nodes.agent.count", agents + 1)));
    expect(d.added.map((r) => [r.type, r.name]).sort()).toEqual([
      ["oci:Core/instance:Instance", `oci-prod-agent-${agents}`],
      ["oci:LoadBalancer/backend:Backend", expect.stringMatching(/^oci-prod-ingress-ingress-http-\d+$/)],
      ["oci:LoadBalancer/backend:Backend", expect.stringMatching(/^oci-prod-ingress-ingress-https-\d+$/)],
    ]);
    expect([d.removed, d.changed]).toEqual([[], []]);
    expect(d.outputs).toEqual([{ path: `nodeIps.agent[${agents}]`, before: undefined, after: expect.stringMatching(/^10\.10\.1\.\d+$/) }]);
    for (const b of d.added.filter((r) => r.type.endsWith("Backend"))) expect(b.inputs.ipAddress).toBe(d.outputs[0].after);
  });

  it("a bigger boot volume: that one input of that one VM", async () => {
    const d = diffPlans(base["oci-staging"], await json("oci-staging", set("nodes.ciAgent.bootVolumeGbs", 200)));
    expect([d.added, d.removed, d.outputs]).toEqual([[], [], []]);
    expect(paths(d)).toEqual({ "oci-staging-ci-agent-0": ["inputs.sourceDetails.bootVolumeSizeInGbs"] });
  });

  it("a new admin CIDR: one more API rule, and the bastion admits it", async () => {
    const d = diffPlans(base["oci-staging"], await json("oci-staging", set("network.adminCidrs", ["198.51.100.0/24", "192.0.2.0/24"])));
    expect(names(d.added)).toEqual(["oci-staging-net-lb-kube-api-1"]);
    expect(d.added[0].inputs).toMatchObject({ source: "192.0.2.0/24" });
    expect([d.removed, d.outputs]).toEqual([[], []]);
    expect(paths(d)).toEqual({ "oci-staging-net-bastion": ["inputs.clientCidrBlockAllowLists[1]"] });
  });
});
