/**
 * The readiness gate's create, as Pulumi runs it: the provider is taken from the
 * serialized `__provider` the resource registers and loaded the way the dynamic
 * provider host loads it, then pointed at a local HTTPS server that requires the
 * admin client certificate. Only the 10 s pause between attempts runs on fake time.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiServerReady } from "../../src/cluster/api-ready";
import { swapMocks } from "../runtime";

type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "create">>;

const dir = mkdtempSync(join(tmpdir(), "api-ready-"));
const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
const pem = (file: string) => readFileSync(join(dir, file), "utf8");

/** A CA and a key pair it signs, with the given extensions. */
function ca(name: string) {
  ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  return pem(`${name}.crt`);
}
function leaf(caName: string, name: string, ext: string) {
  writeFileSync(join(dir, `${name}.ext`), `${ext}\nbasicConstraints=CA:FALSE\n`);
  ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
  ssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${caName}.crt`, "-CAkey", `${caName}.key`, "-set_serial", "1", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
  return { cert: pem(`${name}.crt`), key: pem(`${name}.key`) };
}

let clusterCa: string;
let server: { cert: string; key: string };
let impostor: { cert: string; key: string };
let admin: { cert: string; key: string };
let provider: Provider;

/** The provider exactly as serialized into the state, loaded as `pulumi up` loads it. */
async function serializedProvider(): Promise<Provider> {
  let text: string | undefined;
  const restore = await swapMocks(
    {
      newResource: (args) => {
        if (args.type === "pulumi-nodejs:dynamic/ci-infra:ApiServerReady") text = args.inputs.__provider as string;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "ci-infra",
    "api-ready-test",
  );
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      new ApiServerReady("api-ready", { url: "https://127.0.0.1:1", caCertPem: "ca", clientCertPem: "cert", clientKeyPem: "key", timeoutSeconds: 1 });
      return {};
    });
    await pulumi.runtime.disconnect();
  } finally {
    restore();
  }
  expect(text).toMatch(/exports\.handler/);
  const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as (code: string) => { handler: () => Provider };
  return requireFromString(text!).handler();
}

beforeAll(async () => {
  clusterCa = ca("cluster-ca");
  server = leaf("cluster-ca", "server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
  admin = leaf("cluster-ca", "admin", "extendedKeyUsage=clientAuth");
  ca("other-ca");
  impostor = leaf("other-ca", "impostor", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
  provider = await serializedProvider();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Seen {
  path: string;
  client: string;
}
/** An API server that requires a client certificate from the cluster CA and answers /readyz with `statuses` in turn. */
async function apiServer(pair: { cert: string; key: string }, statuses: (number | "hang")[]) {
  const seen: Seen[] = [];
  const srv = https.createServer({ ...pair, ca: clusterCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    seen.push({ path: req.url ?? "", client: (req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "" });
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)];
    if (status === "hang") return;
    res.writeHead(status).end(status === 200 ? "ok" : "[-]etcd failed");
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))) };
}

/** Runs create to the end, letting each 10 s pause between attempts pass at once. */
async function create(url: string, timeoutSeconds: number, ca = clusterCa) {
  vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
  let settled = false;
  const run = provider.create({ url, caCertPem: ca, clientCertPem: admin.cert, clientKeyPem: admin.key, timeoutSeconds }).finally(() => (settled = true));
  run.catch(() => undefined);
  while (!settled) {
    await new Promise((r) => setImmediate(r)); // real I/O: the TLS handshake and the answer
    await vi.advanceTimersToNextTimerAsync();
  }
  return run;
}
afterEach(() => {
  vi.useRealTimers();
});

describe("ApiServerReady create against a local API server", () => {
  it("is ready when /readyz answers 200 to the admin client certificate over TLS verified by the cluster CA", async () => {
    const api = await apiServer(server, [200]);
    try {
      const result = await create(api.url, 600);
      expect(result.id).toBe(`${api.url}/readyz`);
      expect(result.outs).toMatchObject({ url: api.url });
      expect(api.seen).toEqual([{ path: "/readyz", client: "admin" }]);
    } finally {
      await api.close();
    }
  });

  it("keeps asking while the API is not ready, and is ready at the first 200", async () => {
    const api = await apiServer(server, [503, 500, 200, 503]);
    try {
      await expect(create(api.url, 600)).resolves.toMatchObject({ id: `${api.url}/readyz` });
      expect(api.seen.map((s) => s.path)).toEqual(["/readyz", "/readyz", "/readyz"]);
    } finally {
      await api.close();
    }
  });

  it("gives up after timeoutSeconds, naming the last answer and where to look", async () => {
    const api = await apiServer(server, [503]);
    try {
      await expect(create(api.url, 45)).rejects.toThrow(
        `Kubernetes API ${api.url} not ready after 45s (last answer: 503); check the servers' cloud-init log (/var/log/cloud-init-output.log) through the bastion`,
      );
      // Attempts at 0, 10, 20, 30 and 40 s: none after the deadline.
      expect(api.seen).toHaveLength(5);
    } finally {
      await api.close();
    }
  });

  it("never trusts a server whose certificate another CA signed, however it answers", async () => {
    const api = await apiServer(impostor, [200]);
    try {
      await expect(create(api.url, 25)).rejects.toThrow(/not ready after 25s \(last answer: .*(self.signed|unable to verify|certificate).*\)/i);
      expect(api.seen).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("refuses a server that does not answer: nothing is ready before the deadline", async () => {
    const api = await apiServer(server, ["hang"]);
    try {
      // The request's own 10 s timeout runs on real time; a connection that is closed
      // without an answer ends the attempt the same way, as an error.
      const run = create(api.url, 5);
      await vi.waitFor(() => expect(api.seen).toHaveLength(1));
      api.close();
      await expect(run).rejects.toThrow(/not ready after 5s \(last answer: (socket hang up|.*ECONNRESET.*)\)/);
    } finally {
      await api.close();
    }
  });
});
