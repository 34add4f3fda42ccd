/**
 * The roll's load-balancer check (BackendHealth) over Oracle's TypeScript SDK
 * (oci-loadbalancer GetBackendHealth), authenticated like the OCI CLI and the Pulumi
 * provider on the deployer's machine (~/.oci/config, profile from OCI_CLI_PROFILE).
 * A backend is named `<ip>:<port>` in its backend set.
 */
import * as common from "oci-common";
import * as lb from "oci-loadbalancer";
import type { BackendHealth } from "./roll";

/** The backend sets a VM of the pool sits in, with the port it is registered on. */
export interface BackendSetRef {
  readonly name: string;
  readonly port: number;
}

export function ociBackendHealth(loadBalancerId: string, sets: readonly BackendSetRef[]): BackendHealth {
  const provider = new common.ConfigFileAuthenticationDetailsProvider(undefined, process.env.OCI_CLI_PROFILE);
  const client = new lb.LoadBalancerClient({ authenticationDetailsProvider: provider });
  return {
    async healthy(ip) {
      for (const set of sets) {
        const r = await client.getBackendHealth({ loadBalancerId, backendSetName: set.name, backendName: `${ip}:${set.port}` });
        if (r.backendHealth.status !== lb.models.BackendHealth.Status.Ok) return false;
      }
      return true;
    },
  };
}
