/** Redaction of Pulumi's wire format: secrets become the placeholder, unknowns a marker. */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER } from "../base/errors";

const { specialSigKey, specialSecretSig, specialResourceSig, unknownValue } = pulumi.runtime;

/** Deep copy of a serialized property value, with every secret replaced. */
export function redact(v: unknown): unknown {
  if (v === unknownValue) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(v)) return v.map(redact);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[specialSigKey] === specialSecretSig) return SECRET_PLACEHOLDER;
    if (o[specialSigKey] === specialResourceSig) return o.urn;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = redact(x);
    return out;
  }
  return v;
}
