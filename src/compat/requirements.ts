/**
 * What the software we install needs from the host and from each other, with the
 * source of each fact at the version we pin. The rules in ./rules.ts judge the
 * platform's pins and node OS against these before anything is planned.
 */
import type { Source } from "./sources";

/**
 * The kubelet and cgroup v1. From 1.35 `failCgroupV1` defaults to true, so a
 * cgroup v1 host needs `--fail-cgroupv1=false` (k3s: `kubelet-arg`). Removal of the
 * v1 code is announced for no earlier than 1.38 without a date; minors after
 * `verifiedThrough` are refused on cgroup v1 until someone reads the kubelet at
 * that minor and moves the bound.
 */
export const KUBELET_CGROUP_V1 = {
  failsByDefaultFrom: "1.35",
  kubeletArg: "fail-cgroupv1=false",
  verifiedThrough: "1.36",
  removalNoEarlierThan: "1.38",
  sources: [
    { at: "kubernetes/kubelet config/v1beta1/types.go@v0.35.0 and @v0.36.3", says: "FailCgroupV1 ... Default: true (v0.34.0: Default: false)" },
    { at: "kubernetes/kubernetes CHANGELOG/CHANGELOG-1.31.md (#126031)", says: "new boolean kubelet flag --fail-cgroupv1" },
    { at: "kubernetes/enhancements keps/sig-node/5573-remove-cgroup-v1/README.md@64765b4b", says: "removal will be done no earlier than 1.38; no timeline yet" },
    { at: "k3s-io/k3s pkg/cli/cmds/agent.go", says: "kubelet-arg: Customized flag for kubelet process" },
  ] satisfies Source[],
} as const;

/**
 * Java the Jenkins controller and every agent must run, by Jenkins version: the
 * newest entry whose `fromJenkins` the pinned Jenkins reaches applies.
 */
export const JENKINS_JAVA: readonly { readonly fromJenkins: string; readonly java: number; readonly source: Source }[] = [
  {
    // The oldest row read; older Jenkins has no recorded requirement here (the rule says so).
    fromJenkins: "2.534",
    java: 17,
    source: { at: "jenkins-infra/jenkins.io content/doc/book/platform-information/support-policy-java.adoc", says: "|Java 17, Java 21, or Java 25 |2.541.1 (January 2026) |2.534 (October 2025)" },
  },
  {
    fromJenkins: "2.545",
    java: 21,
    source: {
      at: "jenkins-infra/jenkins.io content/doc/book/platform-information/support-policy-java.adoc",
      says: "Java 21 or Java 25 from weekly 2.545 (January 2026); applies to the controller and all types of agents",
    },
  },
];

/** Java majors Adoptium publishes as `temurin-<major>-jdk` in its EL7 rpm repository. */
export const ADOPTIUM_EL7 = {
  javaMajors: [8, 11, 17, 21],
  baseUrl: "https://packages.adoptium.net/artifactory/rpm/rhel/7/$basearch",
  gpgKey: "https://packages.adoptium.net/artifactory/api/gpg/key/public",
  source: { at: "adoptium/installer linux/Jenkinsfile (uploadRpmArtifacts: rpm/rhel/7 for every version) and linux/README.md", says: "supported JDK versions 8, 11, 17, 19-23; rpm/rhel/7 in the distro list" },
} as const;

/**
 * Packages Docker's EL7 rpms require from outside Docker's own repository. EL7's
 * rpm has no weak dependencies, so docker-ce hard-requires the rootless extras, and
 * one unresolvable package fails cloud-init's whole yum transaction.
 */
export const DOCKER_EL7_REQUIRES = {
  packages: ["container-selinux", "slirp4netns", "fuse-overlayfs"],
  source: {
    at: "docker/docker-ce-packaging rpm/SPECS/docker-ce.spec and docker-ce-rootless-extras.spec@46da75a18e (26.1.4's week)",
    says: "%if rhel == 7: Requires: docker-ce-rootless-extras; Requires: container-selinux >= 2:2.74; rootless-extras Requires: slirp4netns >= 0.4, fuse-overlayfs >= 0.7",
  },
} as const;

/** What Longhorn asks of a host (v1.12). */
export const LONGHORN_HOST = {
  recommendedKernel: "5.8",
  packages: ["iscsi-initiator-utils", "nfs-utils", "cryptsetup", "device-mapper"],
  modules: ["iscsi_tcp", "dm_crypt"],
  sources: [
    { at: "longhorn/website content/docs/1.12.1/best-practices.md", says: "Use a kernel with version v5.8 or later (filesystem optimisations); 5.17+ for freeze filesystem on snapshot" },
    { at: "longhorn/cli pkg/local/preflight/checker.go@v1.12.1-rc2", says: "yum packages nfs-utils, iscsi-initiator-utils, cryptsetup, device-mapper; modules nfs, iscsi_tcp, dm_crypt" },
  ] satisfies Source[],
} as const;

/**
 * k3s's SELinux policy for EL7. k3s-selinux dropped its centos7 policy in 2026
 * (commit aeb270a, "Remove centos7"), so the installer's EL7 branch may find
 * nothing newer; we install the last EL7 build ourselves and tell the installer to
 * skip its own rpm step (which runs under `set -e`).
 */
export const K3S_SELINUX_EL7 = {
  package: "k3s-selinux",
  version: "1.6-1.el7",
  repoBaseUrl: "https://rpm.rancher.io/k3s/stable/common/centos/7/noarch",
  repoGpgKey: "https://rpm.rancher.io/public.key",
  /** Its spec's Requires(post): 2:2.107-3 <= container-selinux < 2:2.164.2. */
  containerSelinux: { min: "2.107-3", below: "2.164.2" },
  sources: [
    { at: "k3s-io/k3s-selinux policy/centos7/k3s-selinux.spec@v1.6.stable.1 (48b687d)", says: "Requires(post): container-selinux >= 2:2.107-3, < 2:2.164.2; Release %{k3s_selinux_release}.el7" },
    { at: "k3s-io/k3s install.sh", says: "INSTALL_K3S_SKIP_SELINUX_RPM=true skips the k3s-selinux rpm step; el7 repo rpm.rancher.io/k3s/stable/common/centos/7/noarch" },
  ] satisfies Source[],
} as const;
