/**
 * External validators the tests call. Under CI=true a missing validator fails the
 * test; on a developer machine without it the check is skipped with a notice.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export function hasCloudInit(): boolean {
  return spawnSync("cloud-init", ["--version"], { stdio: "ignore" }).status === 0;
}

export const requireValidators = process.env.CI === "true";

/** Runs `cloud-init schema --config-file` on the text; returns its verdict. */
export function cloudInitSchema(text: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "cloud-init-"));
  const file = join(dir, "user-data.yaml");
  writeFileSync(file, text);
  const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function cloudInitVersion(): string {
  return execFileSync("cloud-init", ["--version"], { encoding: "utf8" }).trim();
}

/** A verdict of an external tool: `output` is what it printed about the input. */
export interface Verdict {
  ok: boolean;
  output: string;
}

export type Shell = "sh" | "bash";

export function hasShellcheck(): boolean {
  return spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Runs `shellcheck -S warning` on one script; see shellcheckAll for many at once. */
export function shellcheck(script: string, shell: Shell = "sh"): Verdict {
  return shellcheckAll([{ script, shell }])[0];
}

/**
 * Runs shellcheck at severity warning over many scripts with one process per shell
 * dialect, and splits its gcc-format report back per script.
 */
export function shellcheckAll(scripts: readonly { script: string; shell: Shell }[]): Verdict[] {
  const dir = mkdtempSync(join(tmpdir(), "shellcheck-"));
  const files = scripts.map(({ script }, i) => {
    const file = join(dir, `script-${i}.sh`);
    writeFileSync(file, script);
    return file;
  });
  const verdicts: Verdict[] = new Array(scripts.length);
  for (const shell of ["sh", "bash"] as const) {
    const idx = scripts.flatMap((s, i) => (s.shell === shell ? [i] : []));
    if (idx.length === 0) continue;
    const r = spawnSync("shellcheck", ["-S", "warning", "-s", shell, "-f", "gcc", ...idx.map((i) => files[i])], { encoding: "utf8" });
    // 0: clean, 1: findings; anything else (missing file, bad option) fails every script.
    if (r.status !== 0 && r.status !== 1) {
      for (const i of idx) verdicts[i] = { ok: false, output: `shellcheck exited ${r.status}: ${r.stderr}${r.error ?? ""}` };
      continue;
    }
    const lines = r.stdout.split("\n").filter(Boolean);
    for (const i of idx) {
      const mine = lines.filter((l) => l.startsWith(`${files[i]}:`)).map((l) => `line ${l.slice(files[i].length + 1)}`);
      verdicts[i] = { ok: mine.length === 0, output: mine.join("\n") };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return verdicts;
}

export function hasSystemdAnalyze(): boolean {
  return spawnSync("systemd-analyze", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Units every unit with DefaultDependencies=yes pulls in; stubbed in the scratch root. */
const IMPLICIT_UNITS = ["sysinit.target", "basic.target", "shutdown.target"];
const EXEC_LINE = /^\s*Exec[A-Za-z]*\s*=\s*(.*)$/;

/**
 * `systemd-analyze verify` on a unit as it would sit in /etc/systemd/system, inside a
 * scratch root (--root) so the verdict does not depend on this machine's units: the
 * root holds the unit, `siblings` (other units written next to it, e.g. the service of
 * a timer), empty stubs of the targets every unit implicitly requires, and an
 * executable stub for each absolute path an Exec*= line runs (the binaries live on
 * the VM, not here). Bare command names get no stub: systemd 219 on the VMs rejects
 * them. verify exits 0 on some warnings (an unknown key), so any output fails too.
 */
export function systemdVerify(unitName: string, text: string, siblings: Record<string, string> = {}): Verdict {
  const root = mkdtempSync(join(tmpdir(), "systemd-root-"));
  const unitDir = join(root, "etc/systemd/system");
  mkdirSync(unitDir, { recursive: true });
  for (const u of IMPLICIT_UNITS) writeFileSync(join(unitDir, u), "[Unit]\nDescription=stub for systemd-analyze verify\n");
  const units = { ...siblings, [unitName]: text };
  for (const [name, body] of Object.entries(units)) {
    writeFileSync(join(unitDir, name), body);
    for (const line of body.replace(/\\\n/g, " ").split("\n")) {
      const m = EXEC_LINE.exec(line);
      const bin = m?.[1].replace(/^[-@:+!]+/, "").split(/\s+/)[0];
      if (!bin?.startsWith("/")) continue;
      const stub = join(root, bin);
      mkdirSync(dirname(stub), { recursive: true });
      writeFileSync(stub, "#!/bin/sh\n", { mode: 0o755 });
    }
  }
  const r = spawnSync("systemd-analyze", ["verify", "--man=no", "--generators=no", `--root=${root}`, join(unitDir, unitName)], { encoding: "utf8" });
  rmSync(root, { recursive: true, force: true });
  const output = `${r.stdout}${r.stderr}${r.error ?? ""}`.split(root).join("").trim();
  return { ok: r.status === 0 && output === "", output };
}

export function hasPromtool(): boolean {
  return spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Prometheus' own rule checker (`apt-get install prometheus` ships promtool).
 * `promtool test rules` evaluates the rule files against the series each test
 * declares; `rules` maps file names to their text, `tests` is the test file (which
 * names those files in `rule_files`). Without tests, `promtool check rules`.
 */
export function promtool(rules: Record<string, string>, tests?: string): Verdict {
  const dir = mkdtempSync(join(tmpdir(), "promtool-"));
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(dir, name), text);
  let r;
  if (tests === undefined) {
    r = spawnSync("promtool", ["check", "rules", ...Object.keys(rules)], { cwd: dir, encoding: "utf8" });
  } else {
    writeFileSync(join(dir, "tests.yaml"), tests);
    r = spawnSync("promtool", ["test", "rules", "tests.yaml"], { cwd: dir, encoding: "utf8" });
  }
  rmSync(dir, { recursive: true, force: true });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}${r.error ?? ""}`.trim() };
}
