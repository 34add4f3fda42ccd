/**
 * HTTPS to the apps' public URLs (WebClient) over node:https, which hands back the
 * served certificate with the answer. Trust is the system's roots plus, optionally,
 * a PEM bundle (`--ca-file`). Headers (credentials) are sent only over a connection
 * whose chain verified.
 */
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import * as tls from "node:tls";
import type { PeerCertificate, WebClient, WebRequest, WebResponse } from "./types";

export interface WebOptions {
  /** PEM certificates trusted in addition to the system's roots. */
  readonly extraCa?: string;
  readonly timeoutMs?: number;
  /** Name resolution (tests point every name at a local server). */
  readonly lookup?: LookupFunction;
}

const MAX_BODY = 1 << 20;

const names = (x: tls.Certificate | undefined) => (x ? x.CN || x.O || "" : "");

function peer(cert: tls.PeerCertificate): PeerCertificate | undefined {
  if (!cert || !cert.valid_to) return undefined;
  return { subject: names(cert.subject), issuer: names(cert.issuer), validFrom: new Date(cert.valid_from), validTo: new Date(cert.valid_to) };
}

export function httpsClient(opts: WebOptions = {}): WebClient {
  const ca = opts.extraCa ? [...tls.rootCertificates, opts.extraCa] : undefined;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return {
    request(url: string, req: WebRequest): Promise<WebResponse> {
      const u = new URL(url);
      if (u.protocol !== "https:") return Promise.reject(new Error(`${url} is not an https URL`));
      if (req.headers && !req.requireTrust) return Promise.reject(new Error("refusing to send headers over a connection whose certificate is not verified"));
      return new Promise((resolve, reject) => {
        const r = https.request(
          u,
          {
            method: req.method,
            headers: { ...req.headers, ...(req.method === "POST" ? { "Content-Length": "0" } : {}) },
            ca,
            rejectUnauthorized: req.requireTrust,
            servername: u.hostname,
            lookup: opts.lookup,
            agent: false,
            timeout: timeoutMs,
          },
          (res) => {
            const socket = res.socket as tls.TLSSocket;
            const cert = socket.getPeerCertificate();
            const nameError = cert && cert.subject ? tls.checkServerIdentity(u.hostname, cert) : new Error("no certificate");
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (c: Buffer) => {
              size += c.length;
              if (size <= MAX_BODY) chunks.push(c);
            });
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString("utf8"),
                certificate: peer(cert),
                trusted: socket.authorized && !nameError,
                trustError: socket.authorized ? nameError?.message : String(socket.authorizationError ?? "not verified"),
                nameMatched: !nameError,
              }),
            );
            res.on("error", reject);
          },
        );
        r.on("timeout", () => r.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
        r.on("error", (e: NodeJS.ErrnoException) => reject(new Error(e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message)));
        r.end();
      });
    },
  };
}
