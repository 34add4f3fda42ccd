/**
 * What restore-volumes reads (the stack's retained claims, the live workloads and
 * pods) and how it is called: usage on --help (exit 0), bad arguments (exit 2), run
 * as the npm script runs it, with tsx in a child process.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { retainedClaim } from "../../src/apps/longhorn-values";
import { retainedClaimsFromState, selectClaims } from "../../src/restore/claims";
import { parseCommandLine } from "../../src/restore/cli";
import { claimVolume, classParameters, isReady, mountingPod, REPLICAS_ANNOTATION, volumeBehind, workloadOf } from "../../src/restore/kube";
import { parseCommandLine as parseRehearsal, reviewStackRegion } from "../../src/restore/rehearsal-cli";

const ROOT = resolve(__dirname, "../..");
const run = (args: string[]) => spawnSync(resolve(ROOT, "node_modules/.bin/tsx"), ["src/restore/cli.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60000 });

describe("npm run restore-volumes: command line", () => {
  it("--help prints the usage on stdout and exits 0", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run restore-volumes -- <stack> \[--claim <namespace>\/<name>\] \[--yes\]\n/);
  });

  it("bad arguments exit 2 with the usage, before touching any stack", () => {
    // In-process: main() returns the parse result's code before it opens a stack (the
    // --help case above runs the script as npm does).
    for (const args of [[], ["oci-prod", "--bogus"], ["oci-prod", "extra"], ["oci-prod", "--claim"], ["--yes"]]) {
      const r = parseCommandLine(args);
      expect(r, args.join(" ")).toMatchObject({ code: 2 });
      expect((r as { message: string }).message, args.join(" ")).toContain("usage: npm run restore-volumes -- <stack>");
    }
  });

  it("parses --claim and --yes", () => {
    expect(parseCommandLine(["oci-prod", "--claim", "jenkins/jenkins-home", "--yes"])).toEqual({ stack: "oci-prod", claim: "jenkins/jenkins-home", yes: true });
    expect(parseCommandLine(["oci-prod"])).toEqual({ stack: "oci-prod", claim: undefined, yes: false });
  });

  it("the rehearsal empties its bucket in staging's region, which review stacks copy", () => {
    expect(reviewStackRegion()).toBe("us-ashburn-1");
  });

  it("the rehearsal steps need their arguments", () => {
    expect(parseRehearsal(["mark", "pr-14"])).toMatchObject({ code: 2 });
    expect(parseRehearsal(["mark", "pr-14", "--token", "t"])).toEqual({ step: "mark", target: "pr-14", token: "t", region: undefined });
    expect(parseRehearsal(["empty-bucket", "org/pr-14"])).toEqual({ step: "empty-bucket", target: "org/pr-14", token: undefined, region: undefined });
    expect(parseRehearsal(["empty-bucket"])).toMatchObject({ code: 2 });
    expect(parseRehearsal(["nuke", "pr-14"])).toMatchObject({ code: 2 });
    expect(parseRehearsal(["--help"])).toMatchObject({ code: 0 });
  });
});

describe("npm run restore-volumes: the stack's claims", () => {
  const pvc = (name: string, ns: string, gb: number, cls = "longhorn-retain") => ({
    urn: `urn:pulumi:oci-prod::ci-infra::kubernetes:core/v1:PersistentVolumeClaim::${name}`,
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    inputs: { ...retainedClaim(name, ns, gb), spec: { ...(retainedClaim(name, ns, gb).spec as object), storageClassName: cls } },
  });

  it("are the claims on longhorn-retain in the state, with the size retainedClaim was given", () => {
    const claims = retainedClaimsFromState([pvc("jenkins-home", "jenkins", 50), pvc("grafana-data", "monitoring", 10), pvc("prometheus", "monitoring", 20, "longhorn"), { urn: "x", type: "oci:Core/vcn:Vcn" }]);
    expect(claims).toEqual([
      { namespace: "jenkins", name: "jenkins-home", sizeGbs: 50 },
      { namespace: "monitoring", name: "grafana-data", sizeGbs: 10 },
    ]);
  });

  it("--claim selects one of them, and names the others when it matches none", () => {
    const all = [{ namespace: "jenkins", name: "jenkins-home", sizeGbs: 50 }, { namespace: "monitoring", name: "grafana-data", sizeGbs: 10 }];
    expect(selectClaims(all, "monitoring/grafana-data")).toEqual([all[1]]);
    expect(selectClaims(all, undefined)).toEqual(all);
    expect(selectClaims(all, "jenkins/home")).toBe("--claim jenkins/home: not a claim on longhorn-retain in this stack (it has jenkins/jenkins-home, monitoring/grafana-data)");
    expect(selectClaims(all, "jenkins-home")).toBe("--claim must be <namespace>/<name> (got jenkins-home)");
  });
});

describe("npm run restore-volumes: reading the cluster", () => {
  // The charts mount the claims as `persistentVolumeClaim.claimName: <existingClaim>`:
  // jenkinsci/helm-charts charts/jenkins/templates/jenkins-controller-statefulset.yaml
  // at jenkins-5.9.53 (volume jenkins-home), grafana-community/helm-charts
  // charts/grafana/templates/_pod.tpl at grafana-12.11.1 (volume storage).
  const pod = {
    metadata: { name: "jenkins-0" },
    spec: {
      volumes: [{ name: "jenkins-home", persistentVolumeClaim: { claimName: "jenkins-home" } }, { name: "cache", emptyDir: {} }],
      containers: [
        { name: "config-reload", image: "x", volumeMounts: [{ name: "jenkins-home", mountPath: "/var/jenkins_home", subPath: "casc_configs", readOnly: true }] },
        { name: "jenkins", image: "x", volumeMounts: [{ name: "jenkins-home", mountPath: "/var/jenkins_home" }] },
      ],
    },
    status: { phase: "Running" },
  };

  it("finds the pods that mount the claim, and the container with a writable mount of the whole volume", () => {
    expect(claimVolume(pod.spec, "jenkins-home")).toBe("jenkins-home");
    expect(claimVolume(pod.spec, "grafana-data")).toBeUndefined();
    expect(mountingPod(pod, "jenkins-home")).toEqual({ name: "jenkins-0", phase: "Running", container: "jenkins", mountPath: "/var/jenkins_home" });
    expect(mountingPod(pod, "other")).toBeUndefined();
  });

  it("finds the volume behind a claim: its bound PV's, else the newest Released PV still naming the claim; the others are earlier volumes", () => {
    const pv = (name: string, at: string, claim = "jenkins-home", driver = "driver.longhorn.io") => ({
      metadata: { name, creationTimestamp: new Date(at) },
      spec: { claimRef: { namespace: "jenkins", name: claim }, csi: { driver, volumeHandle: name, fsType: "ext4" } },
    });
    const all = [pv("pvc-old", "2026-01-01T00:00:00Z"), pv("pvc-older", "2025-01-01T00:00:00Z"), pv("pvc-other", "2026-06-01T00:00:00Z", "other"), pv("nfs", "2026-07-01T00:00:00Z", "jenkins-home", "nfs.csi.k8s.io")];
    // Deleted claim: the newest of its Released PVs.
    expect(volumeBehind(undefined, all, "jenkins", "jenkins-home")).toEqual({ pv: "pvc-old", volume: "pvc-old", fsType: "ext4", earlier: ["pvc-older"] });
    // Claim created again (a new, empty volume): the old volumes' backups still count.
    const fresh = pv("pvc-new", "2026-08-01T00:00:00Z");
    expect(volumeBehind(fresh, [...all, fresh], "jenkins", "jenkins-home")).toEqual({ pv: "pvc-new", volume: "pvc-new", fsType: "ext4", earlier: ["pvc-old", "pvc-older"] });
    expect(volumeBehind(undefined, all, "jenkins", "nobody")).toBeUndefined();
  });

  it("remembers the replicas a restore scaled down from, and calls a workload ready as kubectl rollout status does", () => {
    const sts = { metadata: { name: "jenkins", namespace: "jenkins", generation: 3, annotations: { [REPLICAS_ANNOTATION]: "1" } }, spec: { replicas: 0, selector: {}, serviceName: "", template: {} }, status: { replicas: 0, observedGeneration: 3 } };
    expect(workloadOf("StatefulSet", sts)).toEqual({ kind: "StatefulSet", namespace: "jenkins", name: "jenkins", replicas: 0, replicasBeforeRestore: 1 });
    expect(isReady({ ...sts, spec: { ...sts.spec, replicas: 1 }, status: { replicas: 1, readyReplicas: 1, observedGeneration: 3 } })).toBe(true);
    expect(isReady({ ...sts, spec: { ...sts.spec, replicas: 1 }, status: { replicas: 1, readyReplicas: 1, observedGeneration: 2 } })).toBe(false);
    expect(isReady({ ...sts, spec: { ...sts.spec, replicas: 1 }, status: { replicas: 1, readyReplicas: 0, observedGeneration: 3 } })).toBe(false);
  });

  it("takes replicas, stale timeout and data locality from the retained StorageClass", () => {
    expect(classParameters({ provisioner: "driver.longhorn.io", metadata: { name: "longhorn-retain" }, parameters: { numberOfReplicas: "3", staleReplicaTimeout: "30", dataLocality: "disabled" } })).toEqual({ numberOfReplicas: 3, staleReplicaTimeout: 30, dataLocality: "disabled" });
    expect(() => classParameters({ provisioner: "driver.longhorn.io", metadata: { name: "x" }, parameters: {} })).toThrow(/no numberOfReplicas/);
  });
});
