/**
 * Every script a VM of the shipped stacks runs at boot passes shellcheck (severity
 * warning) and every systemd unit it writes passes `systemd-analyze verify`. Under
 * CI=true a missing tool fails the run; elsewhere these checks are skipped with a notice.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { plan } from "../helpers";
import { hasShellcheck, hasSystemdAnalyze, requireValidators, shellcheck, shellcheckAll, systemdVerify, Verdict } from "../schema-validators";
import { execShellScript, nodeScripts, ScriptToCheck, shellify, UnitToCheck } from "./node-scripts";

const STACKS = ["oci-staging", "oci-prod"] as const;
const hasSc = hasShellcheck();
const hasSa = hasSystemdAnalyze();

function requireTool(available: boolean, tool: string, pkg: string) {
  if (available) return;
  if (requireValidators) {
    it(`has ${tool} (CI=true requires it)`, () => {
      throw new Error(`${tool} is not installed: .ci/run installs the Debian package ${pkg} with apt-get`);
    });
  } else console.warn(`[node-scripts] ${tool} not installed (Debian package ${pkg}): its checks are skipped`);
}
requireTool(hasSc, "shellcheck", "shellcheck");
requireTool(hasSa, "systemd-analyze", "systemd");

describe("extracting what a cloud-config runs", () => {
  const doc = [
    "#cloud-config",
    "bootcmd:",
    "  - echo boot",
    "runcmd:",
    "  - systemctl daemon-reload && echo \"$HOME\"",
    "  - [sh, -c, \"echo 'a b'\"]",
    "  # a comment entry parses as null",
    "  -",
    "write_files:",
    "  - path: /usr/local/bin/a.sh",
    "    content: |",
    "      #!/usr/bin/env bash",
    "      echo a",
    "  - path: /usr/local/bin/b",
    `    encoding: b64`,
    `    content: ${Buffer.from("#!/bin/sh\necho b\n").toString("base64")}`,
    "  - path: /usr/local/bin/c.py",
    "    content: |",
    "      #!/usr/bin/python3",
    "  - path: /etc/docker/daemon.json",
    "    content: '{}'",
    "  - path: /etc/systemd/system/x.service",
    "    content: |",
    "      [Service]",
    "      ExecStartPre=-/bin/sh -c 'test -d \"$$HOME\" || exit 0'",
    "      ExecStart=/usr/bin/x --flag",
    "      ExecStart=/bin/bash -c \"echo \\\"100%%\\\"\"",
    "",
  ].join("\n");

  it("takes bootcmd and runcmd as the #!/bin/sh scripts cloud-init's shellify writes, shebang scripts, units and their sh -c commands", () => {
    const got = nodeScripts(doc).map((s) => (s.kind === "unit" ? `unit ${s.name} from ${s.source}` : `${s.shell} ${s.source}: ${s.script}`));
    expect(got).toEqual([
      "sh bootcmd: #!/bin/sh\necho boot\n",
      `sh runcmd: #!/bin/sh\nsystemctl daemon-reload && echo "$HOME"\n'sh' '-c' 'echo '\\''a b'\\'''\n`,
      "bash /usr/local/bin/a.sh: #!/usr/bin/env bash\necho a\n",
      "sh /usr/local/bin/b: #!/bin/sh\necho b\n",
      "unit x.service from /etc/systemd/system/x.service",
      `sh /etc/systemd/system/x.service ExecStartPre[1]: #!/bin/sh\ntest -d "$HOME" || exit 0\n`,
      `bash /etc/systemd/system/x.service ExecStart[2]: #!/bin/bash\necho "100%"\n`,
    ]);
  });

  it("leaves commands that are not a shell -c alone", () => {
    expect(execShellScript("/usr/local/bin/k3s server")).toBeUndefined();
    expect(execShellScript("/bin/sh /usr/local/bin/x.sh")).toBeUndefined();
    expect(shellify([])).toBe("#!/bin/sh\n");
  });
});

interface Check {
  readonly stack: string;
  readonly file: string;
  readonly item: ScriptToCheck | UnitToCheck;
  /** The other units the same cloud-config writes (a timer's service). */
  readonly siblings: Record<string, string>;
}

const scriptKey = (s: ScriptToCheck) => `${s.shell}\0${s.script}`;
const unitKey = (c: Check & { item: UnitToCheck }) => JSON.stringify([c.item.name, c.item.text, c.siblings]);

describe("boot scripts and systemd units of the shipped stacks", async () => {
  const checks: Check[] = [];
  for (const stack of STACKS) {
    const p = await plan(stack);
    const files = Object.keys(p.artifacts).filter((k) => /^cloud-init\/.+\.yaml$/.test(k)).sort();
    for (const file of files) {
      const items = nodeScripts(p.artifacts[file]);
      const units = Object.fromEntries(items.flatMap((i) => (i.kind === "unit" ? [[i.name, i.text]] : [])));
      for (const item of items) {
        const siblings = item.kind === "unit" ? Object.fromEntries(Object.entries(units).filter(([n]) => n !== item.name)) : {};
        checks.push({ stack, file, item, siblings });
      }
    }
  }
  const scripts = checks.filter((c): c is Check & { item: ScriptToCheck } => c.item.kind === "script");
  const units = checks.filter((c): c is Check & { item: UnitToCheck } => c.item.kind === "unit");

  // Each tool runs once per distinct script or unit (the roles share most of them).
  const scriptVerdicts = new Map<string, Verdict>();
  const unitVerdicts = new Map<string, Verdict>();
  beforeAll(() => {
    if (hasSc) {
      const distinct = [...new Map(scripts.map((c) => [scriptKey(c.item), c.item])).values()];
      shellcheckAll(distinct).forEach((v, i) => scriptVerdicts.set(scriptKey(distinct[i]), v));
    }
    if (hasSa) for (const c of units) if (!unitVerdicts.has(unitKey(c))) unitVerdicts.set(unitKey(c), systemdVerify(c.item.name, c.item.text, c.siblings));
  });

  it("finds the boot scripts and the IMDS guard unit in every stack's server cloud-config", () => {
    for (const stack of STACKS) {
      const sources = checks.filter((c) => c.stack === stack && c.file === "cloud-init/server.yaml").map((c) => c.item.source);
      expect(sources).toEqual(expect.arrayContaining(["bootcmd", "runcmd", "/etc/systemd/system/ci-infra-imds-guard.service", "/etc/systemd/system/ci-infra-imds-guard.service ExecStart[1]"]));
    }
  });

  it.skipIf(!hasSc).each(scripts.map((c) => [`${c.stack} ${c.file}: ${c.item.source} passes shellcheck -S warning as ${c.item.shell}`, c] as const))("%s", (_name, c) => {
    const v = scriptVerdicts.get(scriptKey(c.item))!;
    expect(v.output, c.item.script).toBe("");
    expect(v.ok).toBe(true);
  });

  it.skipIf(!hasSa).each(units.map((c) => [`${c.stack} ${c.file}: ${c.item.source} passes systemd-analyze verify`, c] as const))("%s", (_name, c) => {
    const v = unitVerdicts.get(unitKey(c))!;
    expect(v.output, c.item.text).toBe("");
    expect(v.ok).toBe(true);
  });
});

describe("the checks can fail", () => {
  it.skipIf(!hasSc)("shellcheck rejects an unquoted rm -rf $DIR/* and a bashism in a runcmd", () => {
    const [runcmd] = nodeScripts("#cloud-config\nruncmd:\n  - rm -rf $DIR/*\n  - '[[ -f /etc/x ]] && echo x'\n") as ScriptToCheck[];
    const v = shellcheck(runcmd.script, runcmd.shell);
    expect(v.ok).toBe(false);
    expect(v.output).toContain("SC2115");
    expect(v.output).toContain("SC3010");
    expect(shellcheck("#!/bin/bash\n[[ -f /etc/x ]] && echo x\n", "bash")).toEqual({ ok: true, output: "" });
  });

  it.skipIf(!hasSc)("shellcheck rejects a broken script inside a unit's ExecStart=/bin/sh -c", () => {
    const unit = "#cloud-config\nwrite_files:\n  - path: /etc/systemd/system/x.service\n    content: |\n      [Service]\n      ExecStart=/bin/sh -c 'rm -rf $${DIR}/*'\n";
    const script = nodeScripts(unit).find((s): s is ScriptToCheck => s.kind === "script")!;
    expect(shellcheck(script.script, script.shell)).toMatchObject({ ok: false, output: expect.stringContaining("SC2115") });
  });

  const unit = (service: string) => `[Unit]\nDescription=t\n\n[Service]\n${service}\n\n[Install]\nWantedBy=multi-user.target\n`;
  it.skipIf(!hasSa)("systemd-analyze verify passes a unit whose binary exists only on the VM (stubbed), rejects a relative ExecStart and a key typo", () => {
    expect(systemdVerify("k.service", unit("Type=exec\nExecStart=/usr/local/bin/k3s server"))).toEqual({ ok: true, output: "" });
    const relative = systemdVerify("r.service", unit("Type=oneshot\nExecStart=relative/path"));
    expect(relative.ok).toBe(false);
    expect(relative.output).toContain("Neither a valid executable name nor an absolute path");
    // verify exits 0 on an unknown key; the helper fails on any output.
    const typo = systemdVerify("t.service", unit("Typ=oneshot\nExecStart=/bin/true"));
    expect(typo).toEqual({ ok: false, output: "/etc/systemd/system/t.service:5: Unknown key 'Typ' in section [Service], ignoring." });
  });
});
