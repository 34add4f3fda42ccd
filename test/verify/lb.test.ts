/**
 * The load-balancer adapter against a local server playing OCI's Load Balancing API
 * (GET /20170115/loadBalancers/{id}/backendSets/{set}/backends/{ip:port}/health, the
 * path oci-loadbalancer 2.139.1 builds, answering a BackendHealth), with the stack's
 * own OCI key, as the deploy job has it.
 */
import { generateKeyPairSync } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ociAuth, ociLoadBalancerHealth } from "../../src/verify/lb";

describe("verify: OCI backend health", () => {
  const seen: { path: string; signed: boolean }[] = [];
  let server: http.Server;
  let endpoint = "";
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: decodeURIComponent(req.url ?? ""), signed: /^Signature version="1",keyId="ocid1\.tenancy\.oc1\.\.t\/ocid1\.user\.oc1\.\.u\/aa:bb"/.test(String(req.headers.authorization)) });
      const m = /\/backends\/([^/]+)\/health$/.exec(decodeURIComponent(req.url ?? ""));
      res.writeHead(m ? 200 : 404, { "Content-Type": "application/json" });
      res.end(JSON.stringify(m ? { status: m[1].startsWith("10.0.1.20") ? "CRITICAL" : "OK", healthCheckResults: [] } : { code: "NotAuthorizedOrNotFound" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("asks each backend's health with the stack's key and reads its status", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const config = { "oci:tenancyOcid": "ocid1.tenancy.oc1..t", "oci:userOcid": "ocid1.user.oc1..u", "oci:fingerprint": "aa:bb", "oci:privateKey": privateKey, "oci:region": "us-ashburn-1" };
    const health = ociLoadBalancerHealth("ocid1.loadbalancer.oc1.iad.lb", () => ociAuth(config), endpoint);
    expect(await health.backendStatus("ingress-https", "10.0.1.10:30443")).toBe("OK");
    expect(await health.backendStatus("ingress-http", "10.0.1.20:30080")).toBe("CRITICAL");
    expect(seen[0]).toEqual({ path: "/20170115/loadBalancers/ocid1.loadbalancer.oc1.iad.lb/backendSets/ingress-https/backends/10.0.1.10:30443/health", signed: true });
  });

  it("without OCI credentials, fails when asked rather than when built", async () => {
    const home = process.env.HOME;
    process.env.HOME = "/nonexistent-verify-home";
    try {
      const health = ociLoadBalancerHealth("ocid1.loadbalancer.oc1.iad.lb", () => ociAuth({}), endpoint);
      await expect(health.backendStatus("ingress-http", "10.0.1.10:30080")).rejects.toThrow();
    } finally {
      process.env.HOME = home;
    }
  });
});
