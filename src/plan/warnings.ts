/** Advisory findings about a valid plan: things that work but deserve a look. */
import { compatFindings } from "../compat/rules";
import { nodeOsOf } from "../programs/oci-platform";
import { CHARTS } from "../versions";
import type { PlanResult } from "./run";

export function planWarnings(plan: PlanResult): string[] {
  const w: string[] = [];
  if (plan.config.program === "oci-platform") {
    const s = plan.config.settings;
    if (s.nodes.server.count === 1) w.push("one Kubernetes server: the control plane has no redundancy (fine for staging, not for prod)");
    if (s.ingress.controller === "ingress-nginx") w.push(`ingress.controller ingress-nginx is retired upstream (final chart ${CHARTS.ingressNginx.version}, March 2026): plan a move to traefik`);
    const clusterNodes = s.nodes.server.count + s.nodes.agent.count;
    if (clusterNodes < 2) w.push(`${clusterNodes} load-balancer backend: losing that node takes the ingress down`);
    // Known risks of the node OS with the pins (the known failures stopped the plan already).
    w.push(...compatFindings([nodeOsOf(s).id], new Date()).warnings);
  }
  if (plan.config.program === "kops-ci") {
    const s = plan.config.settings;
    if (!s.buckets.staging.publicRead) w.push(`buckets.staging.publicRead is false: kOps e2e clusters on AWS cannot download staged builds from gs://${s.buckets.staging.name} anonymously`);
    if (s.boskos.count < 2) w.push("one Boskos project: a job waits while the janitor cleans it");
  }
  return w;
}
