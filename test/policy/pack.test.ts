/**
 * The CrossGuard pack as the Pulumi CLI runs it: `@pulumi/pulumi/cmd/run-policy-pack`
 * started in `policy/`, spoken to over the analyzer gRPC protocol. Slow (the
 * runner type-checks the pack with ts-node: ~30 s), so it runs when
 * CI_INFRA_PACK_TEST=1, as the PR workflow's test job does.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { RULES } from "../../src/policy";
import { describe, expect, it } from "vitest";

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf modules ship no types */
const grpc = require("@grpc/grpc-js") as any;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js") as any;
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js") as any;
const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as any;
const pb = require("@pulumi/pulumi/proto/analyzer_pb.js") as any;

const POLICY_DIR = resolve(__dirname, "../../policy");
const RUNNER = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");

describe.skipIf(!process.env.CI_INFRA_PACK_TEST)("CrossGuard pack (policy/)", () => {
  it("loads with the repository's node_modules, serves every rule, and reports violations with the pack config", async () => {
    // The engine address is unused until the pack logs; the pack prints its port when it serves.
    const child = spawn(process.execPath, [RUNNER, "127.0.0.1:9", "."], { cwd: POLICY_DIR });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    try {
      const port = await new Promise<string>((ok, fail) => {
        child.stdout.once("data", (d) => ok(String(d).trim()));
        child.once("exit", (code) => fail(new Error(`pack exited ${code}: ${stderr}`)));
      });
      const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const call = (m: string, req: unknown) => new Promise<any>((ok, fail) => client[m](req, (e: Error | null, r: any) => (e ? fail(e) : ok(r))));

      const info = await call("getAnalyzerInfo", new Empty());
      expect(info.getName()).toBe("ci-infra");
      expect(info.getPoliciesList().length).toBe(RULES.length);

      const configure = new pb.ConfigureAnalyzerRequest();
      const health = new pb.PolicyConfig();
      health.setEnforcementlevel(1);
      health.setProperties(Struct.fromJavaScript({ healthNodePort: 30254 }));
      configure.getPolicyconfigMap().set("lb-ingress-health-port", health);
      await call("configure", configure);

      const analyze = async (type: string, props: Record<string, unknown>) => {
        const req = new pb.AnalyzeRequest();
        req.setType(type);
        req.setName("r");
        req.setUrn(`urn:pulumi:s::ci-infra::${type}::r`);
        req.setProperties(Struct.fromJavaScript(props));
        const opts = new pb.AnalyzerResourceOptions();
        opts.setProtect(false);
        req.setOptions(opts);
        return ((await call("analyze", req)).getDiagnosticsList() as any[]).map((d) => `${d.getPolicyname()}: ${d.getMessage()}`);
      };
      const ssh = await analyze("oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule", {
        direction: "INGRESS",
        protocol: "6",
        source: "0.0.0.0/0",
        sourceType: "CIDR_BLOCK",
        tcpOptions: { destinationPortRange: { min: 22, max: 22 } },
      });
      expect(ssh.join("\n")).toContain("allows TCP port 22 from 0.0.0.0/0");
      const probe = (port: number) => analyze("oci:LoadBalancer/backendSet:BackendSet", { name: "ingress-http", healthChecker: { protocol: "HTTP", port, urlPath: "/ping" } });
      expect((await probe(30080)).join("\n")).toContain("the ingress health NodePort is 30254");
      expect(await probe(30254)).toEqual([]);
    } finally {
      child.kill();
    }
  }, 120000);
});
