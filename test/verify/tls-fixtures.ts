/**
 * Certificates for the local HTTPS servers, made with the machine's openssl: a test CA,
 * leaves it signs for given names and lifetimes, and a second CA nobody trusts.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo, LookupFunction } from "node:net";
import { join } from "node:path";
import { tempDir } from "../runtime";

export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export class TestCa {
  private readonly dir = tempDir("verify-ca-");
  private serial = 1;
  readonly cert: string;

  constructor(readonly name: string) {
    this.ssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "365", "-subj", `/CN=${name}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    this.cert = readFileSync(join(this.dir, "ca.crt"), "utf8");
  }

  /** A server certificate for `host`, valid from an hour ago for `days` days. */
  leaf(host: string, days: number): KeyPair {
    const n = this.serial++;
    writeFileSync(join(this.dir, `${n}.ext`), `subjectAltName=DNS:${host}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    this.ssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.csr`, "-subj", `/CN=${host}`]);
    this.ssl(["x509", "-req", "-in", `${n}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", String(n), "-out", `${n}.crt`, "-days", String(days), "-extfile", `${n}.ext`]);
    return { cert: readFileSync(join(this.dir, `${n}.crt`), "utf8"), key: readFileSync(join(this.dir, `${n}.key`), "utf8") };
  }

  private ssl(args: string[]): void {
    execFileSync("openssl", args, { cwd: this.dir, stdio: "ignore" });
  }
}

export type Handler = (req: { method: string; path: string; host: string; headers: Record<string, string | string[] | undefined> }) => { status: number; body: string; type?: string };

/** One HTTPS server for many names: the certificate follows the SNI name, `certs()` is read per connection. */
export async function startHttpsServer(certs: () => Record<string, KeyPair>, handler: Handler): Promise<{ port: number; close: () => Promise<void> }> {
  const tls = await import("node:tls");
  const first = () => Object.values(certs())[0];
  const server = https.createServer(
    {
      ...first(),
      SNICallback: (name, cb) => {
        const pair = certs()[name] ?? first();
        cb(null, tls.createSecureContext(pair));
      },
    },
    (req, res) => {
      const r = handler({ method: req.method ?? "GET", path: req.url ?? "/", host: (req.headers.host ?? "").split(":")[0], headers: req.headers });
      res.writeHead(r.status, { "Content-Type": r.type ?? "text/plain" });
      res.end(r.body);
      req.resume();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Every name resolves to the local servers. */
export const localLookup: LookupFunction = ((_host: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
  if (options?.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
  else cb(null, "127.0.0.1", 4);
}) as unknown as LookupFunction;
