/**
 * verify's load-balancer view (LoadBalancerHealth) over Oracle's SDK (oci-loadbalancer
 * GetBackendHealth, as src/roll/lb-health.ts). It authenticates with the key the
 * stack's provider uses when the stack config carries one (`oci:tenancyOcid`,
 * `oci:userOcid`, `oci:fingerprint`, `oci:privateKey` or `oci:privateKeyPath`,
 * `oci:region`: the provider's keys in @pulumi/oci 4.20.0 config/vars.d.ts, and how the
 * ESC environments hand OCI credentials to deploy jobs, docs/delivery.md), else like
 * the OCI CLI (~/.oci/config, profile OCI_CLI_PROFILE).
 */
import { readFileSync } from "node:fs";
import * as common from "oci-common";
import * as lb from "oci-loadbalancer";
import type { LoadBalancerHealth } from "./types";

export function ociAuth(config: Readonly<Record<string, string>>): common.AuthenticationDetailsProvider {
  const [tenancy, user, fingerprint, region] = ["oci:tenancyOcid", "oci:userOcid", "oci:fingerprint", "oci:region"].map((k) => config[k]);
  const keyPath = config["oci:privateKeyPath"];
  const privateKey = config["oci:privateKey"] ?? (keyPath ? readFileSync(keyPath.replace(/^~(?=\/)/, process.env.HOME ?? "~"), "utf8") : undefined);
  if (tenancy && user && fingerprint && privateKey) {
    return new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, privateKey, config["oci:privateKeyPassword"] ?? null, region ? common.Region.fromRegionId(region) : undefined);
  }
  return new common.ConfigFileAuthenticationDetailsProvider(undefined, process.env.OCI_CLI_PROFILE);
}

/**
 * A backend is `<ip>:<port>` in its set (GetBackendHealthRequest.backendName, "Example:
 * 10.0.0.3:8080", oci-loadbalancer 2.139.1). The client is made on first use, so missing
 * OCI credentials fail the load-balancer lines and leave the other checks running.
 */
export function ociLoadBalancerHealth(loadBalancerId: string, auth: () => common.AuthenticationDetailsProvider, endpoint?: string): LoadBalancerHealth {
  let client: lb.LoadBalancerClient | undefined;
  return {
    async backendStatus(backendSetName, backendName) {
      if (!client) {
        client = new lb.LoadBalancerClient({ authenticationDetailsProvider: auth() });
        if (endpoint) client.endpoint = endpoint;
      }
      const r = await client.getBackendHealth({ loadBalancerId, backendSetName, backendName });
      return String(r.backendHealth.status);
    },
  };
}
