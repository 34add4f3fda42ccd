import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PlanMocks } from "../../src/plan/mocks";

// Every mocked value must be a pure function of the resource (type, name, inputs):
// a plan diff compares two runs, and a value numbered in creation order changes
// whenever something is created before it.

type Args = pulumi.runtime.MockResourceArgs;
const key = (name: string, algorithm = "ED25519"): Args => ({ type: "tls:index/privateKey:PrivateKey", name, inputs: { algorithm } });
const cert = (name: string, certRequestPem: string): Args => ({ type: "tls:index/locallySignedCert:LocallySignedCert", name, inputs: { certRequestPem, validityPeriodHours: 8760 } });
const password = (name: string, length = 32): Args => ({ type: "random:index/randomPassword:RandomPassword", name, inputs: { length, special: false } });
const publicIp = (name: string): Args => ({ type: "oci:Core/publicIp:PublicIp", name, inputs: { lifetime: "RESERVED", displayName: name } });
const subnet = (name: string, cidrBlock: string): Args => ({ type: "oci:Core/subnet:Subnet", name, inputs: { cidrBlock } });
const vm = (name: string, subnetId: string, privateIp?: string): Args => ({ type: "oci:Core/instance:Instance", name, inputs: { createVnicDetails: { subnetId, privateIp } } });

/** Creates `args` in order with fresh mocks; returns each resource's state by name. */
function create(...args: Args[]): Record<string, Record<string, unknown>> {
  const mocks = new PlanMocks();
  return Object.fromEntries(args.map((a) => [a.name, mocks.newResource(a).state]));
}

describe("mocked values", () => {
  it("do not depend on what was created before", () => {
    const resources = [key("k1"), key("k2", "RSA"), cert("c1", "csr-1"), password("p1"), password("p2"), publicIp("ip1"), publicIp("ip2")];
    const forward = create(...resources);
    const backward = create(key("extra"), password("extra-p"), publicIp("extra-ip"), ...[...resources].reverse());
    for (const r of resources) expect(backward[r.name], r.name).toEqual(forward[r.name]);
  });

  it("differ between resources, and change with the inputs that would replace them", () => {
    const s = create(key("k1"), key("k2"), password("p1"), password("p2"), password("p3", 16), publicIp("ip1"), publicIp("ip2"), cert("c1", "csr-1"));
    expect(s.k1.privateKeyPem).not.toBe(s.k2.privateKeyPem);
    expect(s.p1.result).not.toBe(s.p2.result);
    expect(s.ip1.ipAddress).not.toBe(s.ip2.ipAddress);
    expect(s.ip1.ipAddress).toMatch(/^203\.0\.113\.\d+$/);
    expect(create(password("p3", 32)).p3.result).not.toBe(s.p3.result);
    expect(create(cert("c1", "csr-2")).c1.certPem).not.toBe(s.c1.certPem);
  });

  it("give the load balancer the address of its reserved IP", () => {
    const mocks = new PlanMocks();
    const ip = mocks.newResource(publicIp("lb-ip"));
    const lb = mocks.newResource({ type: "oci:LoadBalancer/loadBalancer:LoadBalancer", name: "lb", inputs: { reservedIps: [{ id: ip.id }] } });
    expect(lb.state.ipAddressDetails).toEqual([{ ipAddress: ip.state.ipAddress, isPublic: true }]);
  });

  describe("private IPs from a subnet", () => {
    const net = subnet("nodes", "10.20.1.0/24");
    const ipOf = (s: Record<string, Record<string, unknown>>, n: string) => s[n].privateIp as string;

    it("keep every VM's address when a VM is added to any pool, or the VMs come in another order", () => {
      const before = create(net, vm("agent-0", "nodes-id"), vm("agent-1", "nodes-id"), vm("ci-agent-0", "nodes-id"));
      const after = create(net, vm("agent-0", "nodes-id"), vm("agent-1", "nodes-id"), vm("agent-2", "nodes-id"), vm("ci-agent-0", "nodes-id"));
      const reversed = create(net, vm("ci-agent-0", "nodes-id"), vm("agent-1", "nodes-id"), vm("agent-0", "nodes-id"));
      for (const n of ["agent-0", "agent-1", "ci-agent-0"]) {
        expect(ipOf(after, n), n).toBe(ipOf(before, n));
        expect(ipOf(reversed, n), n).toBe(ipOf(before, n));
      }
    });

    it("are distinct, inside the subnet, below the servers' fixed block, and keep a fixed address as given", () => {
      const names = Array.from({ length: 60 }, (_, i) => `vm-${i}`);
      const s = create(net, vm("server-0", "nodes-id", "10.20.1.240"), ...names.map((n) => vm(n, "nodes-id")));
      expect(ipOf(s, "server-0")).toBe("10.20.1.240");
      const ips = names.map((n) => ipOf(s, n));
      expect(new Set(ips).size).toBe(names.length);
      // OCI keeps .0 and .1 (network, gateway); the servers take the top 16 (src/cluster/addresses.ts).
      for (const ip of ips) expect(Number(ip.split(".")[3]), ip).toBeGreaterThanOrEqual(2);
      for (const ip of ips) expect(Number(ip.split(".")[3]), ip).toBeLessThan(240);
    });
  });
});
