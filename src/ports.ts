/**
 * Every port the platform's contract fixes, in one place: the API port k3s
 * listens on and the load balancer forwards, and the NodePorts the ingress
 * controller's Service exposes to it.
 */

/** The Kubernetes API port: k3s listens here, the load balancer forwards it, NSGs admit it. */
export const KUBE_API_PORT = 6443;

/**
 * Kubernetes' default NodePort range (kube-apiserver `--service-node-port-range`,
 * k3s keeps the default).
 */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/**
 * The ingress controller's NodePorts by default (`ci-infra:ingress.*NodePort`): the
 * load balancer sends TCP 80 and 443 to the first two and health-checks the third,
 * which is 30000 + the controller's own health port 10254.
 */
export const DEFAULT_NODE_PORTS = { http: 30080, https: 30443, health: 30254 } as const;
