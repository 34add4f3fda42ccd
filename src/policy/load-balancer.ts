/**
 * Load balancer rules. The OCI load balancer forwards to the ingress
 * controller's NodePorts and must take a dead node out of rotation; that only
 * works when every backend set probes something, and the ingress sets probe the
 * controller's health NodePort (BRIEF §1: 30254 = 30000 + 10254), not the traffic
 * port, which answers even when the controller behind it is not ready.
 */
import { EXCEPTION_PROCESS, Rule } from "./types";
import { num, obj, str } from "./values";

export const BACKEND_SET = "oci:LoadBalancer/backendSet:BackendSet";

export const backendSetHealthChecker: Rule = {
  name: "lb-backend-set-health-checker",
  enforcement: "mandatory",
  description: "Every load balancer backend set has a health checker with a protocol and a port, so a dead backend leaves rotation instead of taking a share of the traffic down with it.",
  exception: EXCEPTION_PROCESS,
  types: [BACKEND_SET],
  check(r) {
    const hc = obj(r.inputs.healthChecker);
    if (!hc) return ["has no healthChecker: a dead backend would keep receiving traffic"];
    const problems: string[] = [];
    if (!str(hc.protocol)) problems.push("healthChecker has no protocol");
    if (hc.port === undefined) problems.push("healthChecker has no port: OCI then probes the backend's traffic port");
    return problems;
  },
};

export const ingressHealthPort: Rule = {
  name: "lb-ingress-health-port",
  enforcement: "mandatory",
  description:
    "HTTP health checks on the load balancer probe the ingress controller's health NodePort (ci-infra:ingress.healthNodePort, 30254 by default) and expect 200. Probing the traffic NodePort would mark a node healthy while its controller is not ready.",
  exception: EXCEPTION_PROCESS,
  types: [BACKEND_SET],
  config: ["healthNodePort"],
  check(r, cfg) {
    const hc = obj(r.inputs.healthChecker);
    const protocol = str(hc?.protocol)?.toUpperCase();
    if (!hc || (protocol !== "HTTP" && protocol !== "HTTPS")) return []; // TCP probes (the API set) are not ingress probes
    if (cfg.healthNodePort === undefined) return ["probes over HTTP but policy config healthNodePort is not set, so the port cannot be checked"];
    const problems: string[] = [];
    const port = num(hc.port);
    if (port !== cfg.healthNodePort) problems.push(`health checker probes port ${port ?? "(unset)"}; the ingress health NodePort is ${cfg.healthNodePort}`);
    if (!str(hc.urlPath)) problems.push("HTTP health checker has no urlPath");
    const code = num(hc.returnCode);
    if (code !== undefined && code !== 200) problems.push(`health checker expects ${code}; the controller's health endpoint answers 200`);
    return problems;
  },
};

export const LOAD_BALANCER_RULES: readonly Rule[] = [backendSetHealthChecker, ingressHealthPort];
