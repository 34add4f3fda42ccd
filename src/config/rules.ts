/**
 * Reusable zod rules. Each message is a rule a user can act on; the formatter in
 * `issues.ts` prefixes the full key and appends the value it got.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseCidr } from "../base/cidr";
import { NODE_PORT_MAX, NODE_PORT_MIN } from "../ports";
import { SECRET_FIELDS } from "./schema-walk";

/** Whole number in [min, max]. */
export function intIn(min: number, max: number) {
  return z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .refine((v) => v >= min && v <= max, { error: `must be within ${min}-${max}` });
}

/** A port of Kubernetes' default NodePort range (kube-apiserver --service-node-port-range). */
export const nodePort = () => intIn(NODE_PORT_MIN, NODE_PORT_MAX);

export const cidr = () =>
  z
    .string({ error: "must be a CIDR string such as 10.0.0.0/16" })
    .refine((v) => parseCidr(v) !== undefined, {
      error: "must be an IPv4 network in CIDR notation with no host bits set, e.g. 10.0.1.0/24",
    });

/**
 * A CIDR allowed to reach administrative ports (SSH, the Kubernetes API). Anything
 * wider than /8 is the internet in practice, which is exactly what these ports
 * must never face.
 */
export const adminCidr = () =>
  cidr().refine((v) => (parseCidr(v)?.prefix ?? 0) >= 8, {
    error: "must not open SSH or the Kubernetes API to the internet (0.0.0.0/0 or any prefix shorter than /8); list your office/VPN ranges",
  });

const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const DNS_NAME_RE = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})+$`);

/** A lowercase fully qualified DNS name with at least two labels (RFC 1123). */
export const dnsName = () =>
  z
    .string({ error: "must be a DNS name" })
    .refine((v) => DNS_NAME_RE.test(v), {
      error: "must be a lowercase DNS name of at least two labels, letters, digits and '-' only, e.g. ci.example.org",
    });

/** An Oracle Cloud ID of the given resource kinds, e.g. ocid1.compartment.oc1..aaaa. */
export const ocid = (...kinds: string[]) =>
  z.string({ error: "must be an OCID string" }).refine(
    (v) => new RegExp(`^ocid1\\.(${kinds.join("|")})\\.oc\\d+\\.[a-z0-9-]*\\.[a-z0-9]{10,}$`).test(v),
    { error: `must be an OCID of kind ${kinds.join(" or ")} (ocid1.${kinds[0]}.oc1..<id>)` },
  );

/** An OpenSSH public key line. */
export const sshPublicKey = () =>
  z
    .string({ error: "must be an OpenSSH public key line" })
    .refine((v) => /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( \S.*)?$/.test(v.trim()), {
      error: "must be an OpenSSH public key line (ssh-ed25519 AAAA... comment)",
    });

/**
 * A non-empty secret, handed on as a Pulumi secret Output so it stays encrypted
 * in state and redacted in plans. Its value never appears in messages.
 */
export const secretString = () => {
  const field = z
    .string({ error: "must be a string" })
    .min(1, { error: "must not be empty" })
    .transform((v) => pulumi.secret(v));
  // The config layer finds secret fields by walking the schema for these.
  SECRET_FIELDS.add(field);
  return field;
};
