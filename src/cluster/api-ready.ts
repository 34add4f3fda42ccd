/**
 * Waits, during `pulumi up`, until the new Kubernetes API answers `/readyz` over
 * verified TLS with the admin client certificate. Kubernetes resources depend on
 * it, so a first `pulumi up` does not race the VMs' boot and k3s install.
 *
 * A dynamic provider: it runs inside the Pulumi program, so no extra plugin or
 * binary is needed. The provider's functions are serialized into the state, so
 * they capture nothing but what they require themselves.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ApiReadyInputs {
  /** e.g. https://203.0.113.10:6443 */
  readonly url: pulumi.Input<string>;
  readonly caCertPem: pulumi.Input<string>;
  readonly clientCertPem: pulumi.Input<string>;
  readonly clientKeyPem: pulumi.Input<string>;
  /** How long to wait for a fresh cluster (VM boot + packages + k3s install). */
  readonly timeoutSeconds: pulumi.Input<number>;
}

interface Resolved {
  url: string;
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  timeoutSeconds: number;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Resolved) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https = require("node:https") as typeof import("node:https");
    const deadline = Date.now() + inputs.timeoutSeconds * 1000;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      const status = await new Promise<number | string>((resolve) => {
        const req = https.get(`${inputs.url}/readyz`, { ca: inputs.caCertPem, cert: inputs.clientCertPem, key: inputs.clientKeyPem, timeout: 10000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", (e) => resolve(e.message));
      });
      if (status === 200) return { id: `${inputs.url}/readyz`, outs: { url: inputs.url, readyAt: new Date().toISOString() } };
      last = String(status);
      await new Promise((r) => setTimeout(r, 10000));
    }
    throw new Error(`Kubernetes API ${inputs.url} not ready after ${inputs.timeoutSeconds}s (last answer: ${last}); check the servers' cloud-init log (/var/log/cloud-init-output.log) through the bastion`);
  },
};

export class ApiServerReady extends pulumi.dynamic.Resource {
  constructor(name: string, args: ApiReadyInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, readyAt: undefined }, opts, "ci-infra", "ApiServerReady");
  }
}
