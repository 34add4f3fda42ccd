/**
 * Downstream clusters must be able to register: Rancher's agents verify the
 * server's certificate as the `agent-tls-mode` setting says. Judged here the way
 * the agent does (rancher/rancher cmd/agent/main.go @v2.15.0): in strict mode it
 * trusts only the `cacerts` bundle and exits when that is empty; in system-store
 * mode it trusts the public roots. On a new install the setting defaults to strict
 * (pkg/settings/setting.go), and without `privateCA` the chart starts Rancher with
 * --no-cacerts, so cacerts is empty (chart/templates/deployment.yaml).
 */
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { LETSENCRYPT_STAGING_ROOTS } from "../../src/apps/letsencrypt-staging-roots";
import { rancherAgentTrust, rancherCaSecret, rancherValues } from "../../src/apps/rancher";
import type { TlsPlan } from "../../src/apps/tls";
import { loadPlanConfig } from "../../src/plan/run";
import { parse, problems, set, stackFileWith } from "../helpers";
import { removeTempDirs } from "../runtime";

// stackFileWith writes into temporary directories.
afterAll(removeTempDirs);

/** Which roots sign each way we get a certificate, and whether system trust stores hold them. */
type Issuer = { publiclyTrusted: boolean; roots: string[] };

const privateCa = LETSENCRYPT_STAGING_ROOTS[0].pem; // any self-signed CA certificate serves as "a private CA"
const cases: [string, TlsPlan, Issuer][] = [
  ["Let's Encrypt production", { mode: "acme", issuer: "letsencrypt-production", server: "production" }, { publiclyTrusted: true, roots: [] }],
  ["Let's Encrypt staging", { mode: "acme", issuer: "letsencrypt-staging", server: "staging" }, { publiclyTrusted: false, roots: LETSENCRYPT_STAGING_ROOTS.map((r) => r.pem) }],
  ["a supplied certificate from a public CA", { mode: "secret", certificate: pulumi.output("c"), privateKey: pulumi.output("k") }, { publiclyTrusted: true, roots: [] }],
  ["a supplied certificate from a private CA", { mode: "secret", certificate: pulumi.output("c"), privateKey: pulumi.output("k"), caCertificate: privateCa }, { publiclyTrusted: false, roots: [privateCa] }],
];

/** What Rancher's agent does with the values the chart receives. */
function agentConnects(values: { agentTLSMode?: string; privateCA?: boolean }, cacertsSecret: string | undefined, issuer: Issuer): { ok: boolean; why: string } {
  const mode = values.agentTLSMode || "strict"; // "" → the new-install default
  const cacerts = values.privateCA ? (cacertsSecret ?? "") : ""; // --no-cacerts without privateCA
  if (mode === "strict") {
    if (!cacerts) return { ok: false, why: "Strict CA verification is enabled but encountered error finding root CA" };
    const pinned = new Set((cacerts.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p).fingerprint256));
    const missing = issuer.roots.filter((r) => !pinned.has(new X509Certificate(r).fingerprint256));
    return issuer.roots.length > 0 && missing.length === 0 ? { ok: true, why: "root in cacerts" } : { ok: false, why: "Could not securely connect: the issuing root is not in cacerts" };
  }
  return issuer.publiclyTrusted ? { ok: true, why: "public root" } : { ok: false, why: "certificate signed by unknown authority" };
}

describe("Rancher's agents can verify the server for every tls.mode", () => {
  it.each(cases)("%s", (_n, tls, issuer) => {
    const v = rancherValues({ hostname: "rancher.example.org", replicas: 1, ingressClassName: "traefik", tls, access: { controller: "traefik" } }) as { agentTLSMode?: string; privateCA?: boolean };
    const trust = rancherAgentTrust(tls);
    const secret = trust.cacerts ? (rancherCaSecret(trust.cacerts) as any).stringData["cacerts.pem"] : undefined;
    const r = agentConnects(v, secret, issuer);
    expect(r.ok, r.why).toBe(true);
    // Strict wherever we can pin the root: a checksum-pinned CA is stronger than the system store.
    expect(v.agentTLSMode).toBe(issuer.publiclyTrusted ? "system-store" : "strict");
  });

  it("the judge fails Rancher's defaults (so passing means something)", () => {
    expect(agentConnects({ agentTLSMode: "" }, undefined, cases[0][2]).ok).toBe(false);
    expect(agentConnects({ agentTLSMode: "system-store" }, undefined, cases[1][2]).ok).toBe(false);
  });

  it("the private CA reaches Rancher as the chart expects: Secret tls-ca, key cacerts.pem, in cattle-system", () => {
    const m = rancherCaSecret("PEM") as any;
    expect(m.metadata).toMatchObject({ name: "tls-ca", namespace: "cattle-system" });
    expect(Object.keys(m.stringData)).toEqual(["cacerts.pem"]);
  });
});

describe("Let's Encrypt's staging roots", () => {
  it.each(LETSENCRYPT_STAGING_ROOTS.map((r) => [r.name, r] as const))("%s is a self-signed CA with the recorded fingerprint, valid for years", (name, r) => {
    const c = new X509Certificate(r.pem);
    expect(c.subject).toContain(`CN=${name}`);
    expect(c.ca).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(c.fingerprint256.replace(/:/g, "").toLowerCase()).toBe(r.sha256);
    expect(new Date(c.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86400e3);
  });
});

describe("tls.caCertificate", () => {
  /** The staging stack with a supplied certificate (encrypted, as `pulumi config set --secret` writes it) and `ca`. */
  function secretMode(ca: string): string[] {
    const indented = ca.split("\n").map((l) => `      ${l}`).join("\n");
    const block = ["  ci-infra:tls:", "    mode: secret", "    certificate:", "      secure: v1:AAAA", "    privateKey:", "      secure: v1:AAAA", "    caCertificate: |", indented, ""].join("\n");
    const file = stackFileWith("oci-staging", block, /  ci-infra:tls:\n(    .*\n)+/);
    return problems(() => loadPlanConfig({ stack: "oci-staging", configFile: file }));
  }

  it("accepts a PEM CA certificate with mode secret", () => {
    expect(secretMode(privateCa)).toEqual([]);
  });

  it("refuses anything but CA certificates, and refuses it with acme", () => {
    expect(secretMode("not a certificate")[0]).toMatch(/^ci-infra:tls\.caCertificate must be one or more PEM CA certificates/);
    expect(problems(() => parse("oci-staging", set("tls.caCertificate", privateCa)))[0]).toMatch(/^ci-infra:tls\.caCertificate must not be set when mode is acme: the Let's Encrypt roots are known \(got /);
  });
});
