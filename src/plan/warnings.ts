/** Advisory findings about a valid plan: things that work but deserve a look. */
import { compatFindings } from "../compat/rules";
import { pinImageCommand } from "../oci/image";
import { nodeOsOf } from "../compat/node-os";
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
    const off = [!s.cluster.etcdSnapshots.enabled && "etcd snapshots (cluster.etcdSnapshots.enabled)", !s.longhorn.backup.enabled && "volume backups (longhorn.backup.enabled)"].filter(Boolean);
    if (s.protect && off.length) w.push(`protect is true but ${off.join(" and ")} are off: losing the servers or a volume loses that state for good`);
    // Known risks of the node OS with the pins (the known failures stopped the plan already).
    w.push(...compatFindings([nodeOsOf(s.image).id], new Date()).warnings);
    const images = (plan.outputs.images ?? {}) as Record<string, { id: string; pinned: boolean; newer?: { id: string; displayName: string } }>;
    for (const [shape, img] of Object.entries(images)) {
      if (!img.newer) continue;
      w.push(
        img.pinned
          ? `image for ${shape}: ${img.newer.displayName} is newer than the pinned one; adopt it with \`${pinImageCommand(shape, img.newer.id)}\`, then \`npm run roll -- ${plan.stack}\` for each pool on ${shape}`
          : `image for ${shape} is not pinned: new VMs take whatever is newest; pin it with \`${pinImageCommand(shape, img.newer.id)}\``,
      );
    }
    w.push("VM changes to cloud-init, the SSH key or the image are not applied by `pulumi up` (ignoreChanges, so one change cannot replace every VM at once): apply them with `npm run roll -- <stack> --pool <pool>`, one VM at a time");
  }
  if (plan.config.program === "kops-ci") {
    const s = plan.config.settings;
    if (!s.buckets.staging.publicRead) w.push(`buckets.staging.publicRead is false: kOps e2e clusters on AWS cannot download staged builds from gs://${s.buckets.staging.name} anonymously`);
    if (s.boskos.count < 2) w.push("one Boskos project: a job waits while the janitor cleans it");
  }
  return w;
}
