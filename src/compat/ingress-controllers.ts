/**
 * The ingress controllers the platform can run, and what each upstream chart
 * answers health checks on. Facts the config validates against and the
 * components render from.
 */

/** The ingress controllers the platform can run (BRIEF §1: ingress-nginx is retired). */
export const INGRESS_CONTROLLERS = ["traefik", "ingress-nginx"] as const;
export type IngressControllerKind = (typeof INGRESS_CONTROLLERS)[number];

/**
 * Where each controller answers health checks. Traefik serves `/ping` on its
 * `traefik` entrypoint; ingress-nginx serves `/healthz` on 10254. Both are then
 * published on the health NodePort.
 */
export const CONTROLLER_HEALTH_PATH: Readonly<Record<IngressControllerKind, string>> = {
  traefik: "/ping",
  "ingress-nginx": "/healthz",
};
