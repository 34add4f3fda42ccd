/** The roll's sequencing, with a fake Pulumi runner, a fake Kubernetes API and a fake load balancer. */
import { describe, expect, it } from "vitest";
import { backendSetsOf } from "../../src/roll/cli";
import { evictable, nodePasswordSecret } from "../../src/roll/kube";
import { ClusterApi, Pool, roll, RollError, rollOrder, RollTarget } from "../../src/roll/roll";
import { targetsFromState } from "../../src/roll/stack";

const targets = (role: Pool, n: number): RollTarget[] => Array.from({ length: n }, (_, i) => ({ node: `${role}-${i}`, index: i, urn: `urn:${role}-${i}`, privateIp: `10.0.1.${10 + i}` }));

/**
 * A cluster where a replaced VM's node comes back Ready after `bootPolls` polls (or
 * never, for the nodes in `neverReady`), and which counts how many servers are down.
 */
function world(opts: { neverReady?: string[]; notReadyBefore?: string[]; bootPolls?: number } = {}) {
  const calls: string[] = [];
  const down = new Set<string>();
  let maxDown = 0;
  const booting = new Map<string, number>();
  const present = new Set<string>();
  const markDown = (n: string) => {
    down.add(n);
    maxDown = Math.max(maxDown, down.size);
  };
  let t = 0;
  const cluster: ClusterApi = {
    async nodeReady(node) {
      if (opts.notReadyBefore?.includes(node) && !booting.has(node)) return false;
      if (booting.has(node)) {
        if (opts.neverReady?.includes(node)) return undefined;
        const left = booting.get(node)! - 1;
        booting.set(node, left);
        if (left > 0) return undefined;
        booting.delete(node);
        present.add(node);
        down.delete(node);
        return true;
      }
      return true;
    },
    async setUnschedulable(node, u) {
      calls.push(`${u ? "cordon" : "uncordon"} ${node}`);
    },
    async drain(node) {
      calls.push(`drain ${node}`);
      markDown(node);
    },
    async removeEtcdMember(node) {
      calls.push(`etcd-remove ${node}`);
    },
    async forgetNode(node) {
      calls.push(`forget ${node}`);
    },
  };
  const runner = {
    async replace(urn: string) {
      const node = urn.replace("urn:", "");
      calls.push(`replace ${node}`);
      markDown(node);
      booting.set(node, opts.bootPolls ?? 2);
    },
  };
  const backends = { healthy: async (ip: string) => (calls.push(`health ${ip}`), true) };
  const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
  return { calls, cluster, runner, backends, clock, log: () => undefined, maxDown: () => maxDown };
}

describe("npm run roll: sequencing", () => {
  it("replaces agents one at a time: cordon, drain, replace, forget the old node, Ready + healthy, uncordon, next", async () => {
    const w = world();
    const replaced = await roll({ pool: "agent", targets: targets("agent", 2), pollMs: 1000 }, w);
    expect(replaced).toEqual(["agent-0", "agent-1"]);
    const first = w.calls.slice(0, w.calls.indexOf("cordon agent-1"));
    expect(first.filter((c) => !c.startsWith("health"))).toEqual(["cordon agent-0", "drain agent-0", "replace agent-0", "forget agent-0", "uncordon agent-0"]);
    expect(first).toContain("health 10.0.1.10");
    expect(w.calls.indexOf("uncordon agent-0")).toBeLessThan(w.calls.indexOf("cordon agent-1"));
    expect(w.calls.some((c) => c.startsWith("etcd-remove"))).toBe(false);
  });

  it("stops at a node that never becomes Ready, leaves the rest untouched, and reports it", async () => {
    const w = world({ neverReady: ["agent-1"] });
    const err = await roll({ pool: "agent", targets: targets("agent", 3), pollMs: 60_000, timeouts: { readyMs: 600_000 } }, w).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RollError);
    expect((err as RollError).message).toBe("agent-1 Ready and healthy on the load balancer did not happen within 600 s; the roll stopped here, the remaining VMs are untouched");
    expect((err as RollError).replaced).toEqual(["agent-0", "agent-1"]);
    expect(w.calls.filter((c) => c.includes("agent-2"))).toEqual([]);
    // The stuck node stays cordoned for a human to look at.
    expect(w.calls).not.toContain("uncordon agent-1");
  });

  it("servers keep etcd quorum: one down at a time, each member handed back before its VM goes, the first server last", async () => {
    const w = world({ bootPolls: 3 });
    const replaced = await roll({ pool: "server", targets: targets("server", 3), pollMs: 1000 }, w);
    expect(replaced).toEqual(["server-1", "server-2", "server-0"]);
    expect(w.maxDown()).toBe(1);
    for (const s of replaced) expect(w.calls.indexOf(`etcd-remove ${s}`)).toBeLessThan(w.calls.indexOf(`replace ${s}`));
    expect(rollOrder("server", targets("server", 5)).map((t) => t.index)).toEqual([1, 2, 3, 4, 0]);
  });

  it("refuses to start while a node of the pool is already down, or when the pool is a single server", async () => {
    const w = world({ notReadyBefore: ["server-2"] });
    await expect(roll({ pool: "server", targets: targets("server", 3) }, w)).rejects.toThrow("roll server: node server-2 is not Ready before the roll; fix it first (a roll takes one more node down)");
    await expect(roll({ pool: "server", targets: targets("server", 1) }, w)).rejects.toThrow(/the server pool has one server: replacing it replaces the cluster's only datastore/);
    expect(w.calls.filter((c) => c.startsWith("replace"))).toEqual([]);
  });

  it("ci-agents are not Kubernetes nodes: replaced one by one without cordon or drain", async () => {
    const w = world();
    await roll({ pool: "ci-agent", targets: targets("ci-agent", 2) }, w);
    expect(w.calls).toEqual(["replace ci-agent-0", "replace ci-agent-1"]);
  });
});

describe("npm run roll: what it reads and asks", () => {
  it("finds a pool's VMs in the stack state by role tag and hostname, in index order", () => {
    const vm = (role: string, i: number) => ({
      urn: `urn:pulumi:oci-prod::ci-infra::ci-infra:oci:NodePool$oci:core/instance:Instance::oci-prod-${role}-${i}`,
      type: "oci:Core/instance:Instance",
      inputs: { freeformTags: { role }, createVnicDetails: { hostnameLabel: `${role}-${i}` } },
      outputs: { privateIp: `10.10.1.${240 + i}` },
    });
    const t = targetsFromState([vm("server", 2), vm("agent", 0), vm("server", 0), vm("server", 1), { urn: "x", type: "oci:Core/vcn:Vcn" }], "server");
    expect(t.map((x) => [x.node, x.index, x.privateIp])).toEqual([["server-0", 0, "10.10.1.240"], ["server-1", 1, "10.10.1.241"], ["server-2", 2, "10.10.1.242"]]);
    expect(() => targetsFromState([{ ...vm("agent", 0), inputs: { freeformTags: { role: "agent" }, createVnicDetails: {} } }], "agent")).toThrow(/has no <role>-<index> hostname label/);
  });

  it("checks the backend sets each pool is registered in, on the ports it is registered with", () => {
    expect(backendSetsOf("agent", { http: 30080, https: 30443 })).toEqual([{ name: "ingress-http", port: 30080 }, { name: "ingress-https", port: 30443 }]);
    expect(backendSetsOf("server", { http: 30080, https: 30443 }).map((s) => s.name)).toEqual(["ingress-http", "ingress-https", "kube-api"]);
    expect(backendSetsOf("ci-agent", { http: 30080, https: 30443 })).toEqual([]);
  });

  it("drains what kubectl drain --ignore-daemonsets would, and frees the node name k3s remembers", () => {
    expect(evictable({ metadata: { ownerReferences: [{ kind: "ReplicaSet", name: "x", apiVersion: "apps/v1", uid: "1" }] }, status: { phase: "Running" } })).toBe(true);
    expect(evictable({ metadata: { ownerReferences: [{ kind: "DaemonSet", name: "x", apiVersion: "apps/v1", uid: "1" }] } })).toBe(false);
    expect(evictable({ metadata: { annotations: { "kubernetes.io/config.mirror": "abc" } } })).toBe(false);
    expect(evictable({ status: { phase: "Succeeded" } })).toBe(false);
    expect(nodePasswordSecret("agent-3")).toBe("agent-3.node-password.k3s");
  });
});

describe("npm run roll: the replacing `up`", () => {
  it("names the instance for that one up, so the program lifts its ignoreChanges, and clears it after, also on failure", async () => {
    const { pulumiRunner, logicalName } = await import("../../src/roll/stack");
    const { ROLL_ENV, rollingInstances } = await import("../../src/config/rolling");
    const envVars: Record<string, string> = {};
    const seen: string[] = [];
    let fail = false;
    const stack = {
      workspace: { envVars },
      up: async (o: { replace: string[]; target: string[]; targetDependents: boolean }) => {
        seen.push(`${[...rollingInstances(envVars)].join(",")} replace=${o.replace.join(",")} target=${o.target.join(",")} dependents=${o.targetDependents}`);
        if (fail) throw new Error("up failed");
      },
    };
    const urn = "urn:pulumi:oci-prod::ci-infra::ci-infra:oci:NodePool$oci:core/instance:Instance::oci-prod-agent-1";
    expect(logicalName(urn)).toBe("oci-prod-agent-1");
    const runner = pulumiRunner(stack as never, () => undefined);
    await runner.replace(urn);
    expect(seen).toEqual([`oci-prod-agent-1 replace=${urn} target=${urn} dependents=true`]);
    expect(envVars[ROLL_ENV]).toBeUndefined();
    fail = true;
    await expect(runner.replace(urn)).rejects.toThrow("up failed");
    expect(envVars[ROLL_ENV]).toBeUndefined();
  });
});
