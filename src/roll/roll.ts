/**
 * `npm run roll`: replaces a pool's VMs one at a time, so a cloud-init, SSH-key or
 * image change (which `pulumi up` ignores on instances) reaches every VM without
 * taking the platform down. Everything it talks to comes in as an interface, so the
 * sequencing is tested with fakes (test/roll/) and the CLI wires the real ones.
 *
 * Per VM of a cluster pool: cordon, drain (evictions, which respect
 * PodDisruptionBudgets), for a server hand its etcd member back (k3s removes it when
 * the node carries `etcd.k3s.cattle.io/remove=true` and records
 * `etcd.k3s.cattle.io/removed-node-name`; k3s-io/k3s pkg/etcd/member_controller.go),
 * replace the VM (`pulumi up --replace <urn> --target <urn>`, delete-first), forget
 * the old Node and its node-password secret so the new VM can register under the
 * same name, wait until the node is Ready and the load balancer reports it healthy,
 * uncordon, next. A VM that does not come back stops the roll: the rest stay as they
 * are and the command exits non-zero.
 */

import type { Clock } from "../base/clock";

export type Pool = "server" | "agent" | "ci-agent";
export const POOLS: readonly Pool[] = ["server", "agent", "ci-agent"];

/** One VM of the pool, as the stack knows it. */
export interface RollTarget {
  /** Kubernetes node name (the VM's hostname, `<role>-<index>`). */
  readonly node: string;
  readonly index: number;
  /** Pulumi URN of the instance. */
  readonly urn: string;
  readonly privateIp: string;
}

/** The Pulumi stack: replaces one instance with its current inputs. */
export interface StackRunner {
  replace(urn: string): Promise<void>;
}

/** The Kubernetes API, as much of it as a roll needs. */
export interface ClusterApi {
  /** Ready condition of the node, or undefined when there is no such node. */
  nodeReady(node: string): Promise<boolean | undefined>;
  setUnschedulable(node: string, unschedulable: boolean): Promise<void>;
  /** Evicts every pod on the node but DaemonSet and mirror pods; resolves when they are gone. */
  drain(node: string, timeoutMs: number): Promise<void>;
  /** Asks k3s to remove the server's etcd member; resolves once k3s records it removed. */
  removeEtcdMember(node: string, timeoutMs: number): Promise<void>;
  /** Deletes the Node object and k3s' `<node>.node-password.k3s` secret. */
  forgetNode(node: string): Promise<void>;
}

/** The OCI load balancer's view of a backend. */
export interface BackendHealth {
  /** True when every backend set that holds this IP reports it OK. */
  healthy(ip: string): Promise<boolean>;
}

export interface RollDeps {
  readonly runner: StackRunner;
  readonly cluster: ClusterApi;
  readonly backends: BackendHealth;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

export interface RollOptions {
  readonly pool: Pool;
  readonly targets: readonly RollTarget[];
  /** How long a drain, an etcd removal, and the wait for Ready + healthy may take. */
  readonly timeouts?: { readonly drainMs?: number; readonly etcdMs?: number; readonly readyMs?: number };
  readonly pollMs?: number;
}

/** A roll that stopped: what went wrong and which VMs were already replaced. */
export class RollError extends Error {
  constructor(
    message: string,
    readonly replaced: readonly string[],
  ) {
    super(message);
    this.name = "RollError";
  }
}

const DEFAULT_TIMEOUTS = { drainMs: 15 * 60_000, etcdMs: 5 * 60_000, readyMs: 25 * 60_000 };

/**
 * The order VMs are replaced in. Servers: the first server last (it holds the
 * bootstrap role; once the others are new it rejoins them), the rest in index order.
 */
export function rollOrder(pool: Pool, targets: readonly RollTarget[]): RollTarget[] {
  const sorted = [...targets].sort((a, b) => a.index - b.index);
  return pool === "server" ? [...sorted.filter((t) => t.index !== 0), ...sorted.filter((t) => t.index === 0)] : sorted;
}

/** Why a pool cannot be rolled at all, or undefined. */
export function refusal(pool: Pool, targets: readonly RollTarget[]): string | undefined {
  if (targets.length === 0) return `the ${pool} pool has no VMs`;
  if (pool === "server" && targets.length === 1) {
    return "the server pool has one server: replacing it replaces the cluster's only datastore; add servers (an odd count) first, or rebuild from a backup";
  }
  return undefined;
}

export async function roll(opts: RollOptions, deps: RollDeps): Promise<string[]> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const pollMs = opts.pollMs ?? 10_000;
  const replaced: string[] = [];
  const refused = refusal(opts.pool, opts.targets);
  if (refused) throw new RollError(`roll ${opts.pool}: ${refused}`, replaced);
  const cluster = opts.pool !== "ci-agent";

  const waitFor = async (what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> => {
    const deadline = deps.clock.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (deps.clock.now() >= deadline) throw new RollError(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s; the roll stopped here, the remaining VMs are untouched`, replaced);
      await deps.clock.sleep(pollMs);
    }
  };

  if (cluster) {
    // Never start while a node of the pool is already down: for servers that is etcd quorum.
    for (const t of opts.targets) {
      if ((await deps.cluster.nodeReady(t.node)) !== true) throw new RollError(`roll ${opts.pool}: node ${t.node} is not Ready before the roll; fix it first (a roll takes one more node down)`, replaced);
    }
  }

  for (const t of rollOrder(opts.pool, opts.targets)) {
    deps.log(`${t.node} (${t.privateIp}): replacing`);
    if (cluster) {
      await deps.cluster.setUnschedulable(t.node, true);
      deps.log(`${t.node}: cordoned; draining`);
      await deps.cluster.drain(t.node, timeouts.drainMs);
      if (opts.pool === "server") {
        await deps.cluster.removeEtcdMember(t.node, timeouts.etcdMs);
        deps.log(`${t.node}: etcd member removed`);
      }
    }
    await deps.runner.replace(t.urn);
    replaced.push(t.node);
    deps.log(`${t.node}: VM replaced`);
    if (!cluster) continue;
    await deps.cluster.forgetNode(t.node);
    await waitFor(`${t.node} Ready and healthy on the load balancer`, timeouts.readyMs, async () => (await deps.cluster.nodeReady(t.node)) === true && (await deps.backends.healthy(t.privateIp)));
    await deps.cluster.setUnschedulable(t.node, false);
    deps.log(`${t.node}: Ready, healthy behind the load balancer, uncordoned`);
  }
  return replaced;
}
