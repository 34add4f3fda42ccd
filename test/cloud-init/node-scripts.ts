/**
 * The shell scripts and systemd units a rendered #cloud-config makes a VM run at
 * boot, extracted as the VM sees them so real tools can check them (node-scripts.test.ts).
 * Pure: text in, scripts out.
 */
import { gunzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";
import type { Shell } from "../schema-validators";

export interface ScriptToCheck {
  readonly kind: "script";
  /** Where it comes from, for test names: "runcmd", "/usr/local/bin/x.sh", "/etc/systemd/system/x.service ExecStart[1]". */
  readonly source: string;
  readonly shell: Shell;
  readonly script: string;
}

export interface UnitToCheck {
  readonly kind: "unit";
  readonly source: string;
  /** File name, e.g. "ci-infra-imds-guard.service". */
  readonly name: string;
  readonly text: string;
}

/** Unit types `systemd-analyze verify` loads (a drop-in, *.d/*.conf, is not a unit of its own). */
const UNIT_SUFFIXES = [".service", ".timer", ".socket", ".path", ".mount", ".automount", ".swap", ".target", ".slice"];
/** Exec*= settings whose `/bin/sh -c '…'` command is a script of its own. */
const EXEC_KEYS = ["ExecStartPre", "ExecStart", "ExecStartPost", "ExecCondition", "ExecReload", "ExecStop", "ExecStopPost"];

type Command = string | (string | number | boolean)[] | null;
interface WriteFile {
  path: string;
  content?: string | Uint8Array;
  encoding?: string;
}

/**
 * cloud-init 22.4's util.shellify, which cc_bootcmd and cc_runcmd use: one `#!/bin/sh`
 * script, a string entry written verbatim as a line, a list entry as its items
 * single-quoted and joined by spaces, a null (a YAML comment) dropped.
 */
export function shellify(commands: readonly Command[]): string {
  let out = "#!/bin/sh\n";
  for (const c of commands) {
    if (c === null || c === undefined) continue;
    out += Array.isArray(c) ? `${c.map((a) => `'${String(a).replace(/'/g, "'\\''")}'`).join(" ")}\n` : `${c}\n`;
  }
  return out;
}

/** write_files content as cloud-init writes it to disk (its b64 / gzip encodings, !!binary). */
function decoded(f: WriteFile): string {
  const raw = f.content ?? "";
  const enc = (f.encoding ?? "text/plain").toLowerCase();
  const bytes = typeof raw === "string" ? Buffer.from(raw, /b64|base64/.test(enc) ? "base64" : "utf8") : Buffer.from(raw);
  return (/gz/.test(enc) ? gunzipSync(bytes) : bytes).toString("utf8");
}

/** The shell a shebang names, if shellcheck can check it as sh or bash. */
export function shebangShell(script: string): Shell | undefined {
  const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(script);
  if (!m) return undefined;
  const prog = (m[1].endsWith("/env") ? (m[2] ?? "") : m[1]).split("/").pop();
  if (prog === "bash") return "bash";
  if (prog === "sh" || prog === "dash") return "sh";
  return undefined;
}

/**
 * One systemd command-line word (systemd.service "Command lines"): a '…' or "…" word
 * with C escapes, or a bare word up to whitespace. Returns the word and the rest.
 */
function systemdWord(s: string): { word: string; rest: string } | undefined {
  s = s.trimStart();
  if (s === "") return undefined;
  const q = s[0];
  if (q !== "'" && q !== '"') {
    const m = /^\S+/.exec(s)!;
    return { word: m[0], rest: s.slice(m[0].length) };
  }
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', " ": " " };
  let word = "";
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      word += escapes[s[i + 1]] ?? `\\${s[i + 1]}`;
      i++;
    } else if (c === q) return { word, rest: s.slice(i + 1) };
    else word += c;
  }
  return undefined; // unterminated quote: systemd-analyze verify reports it
}

/**
 * The script a `/bin/sh -c '…'` (or bash, or /usr/bin/…) Exec value runs, after
 * systemd has unquoted it and turned `$$` into `$` and `%%` into `%`.
 */
export function execShellScript(value: string): { shell: Shell; script: string } | undefined {
  const prog = systemdWord(value.replace(/^[-@:+!]+/, ""));
  const shell = prog && ({ "/bin/sh": "sh", "/usr/bin/sh": "sh", "/bin/bash": "bash", "/usr/bin/bash": "bash" } as const)[prog.word];
  if (!prog || !shell) return undefined;
  const flag = systemdWord(prog.rest);
  if (flag?.word !== "-c") return undefined;
  const body = systemdWord(flag.rest);
  if (!body) return undefined;
  const script = body.word.replace(/\$\$/g, "$").replace(/%%/g, "%");
  return { shell, script: `#!/bin/${shell}\n${script}\n` };
}

/** Every Exec*= shell script in a unit file, named "<key>[<n>]" (n counts per key from 1). */
export function unitShellScripts(text: string): { key: string; shell: Shell; script: string }[] {
  const out: { key: string; shell: Shell; script: string }[] = [];
  const seen = new Map<string, number>();
  for (const line of text.replace(/\\\n/g, " ").split("\n")) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (!m || !EXEC_KEYS.includes(m[1])) continue;
    const n = (seen.get(m[1]) ?? 0) + 1;
    seen.set(m[1], n);
    const s = execShellScript(m[2]);
    if (s) out.push({ key: `${m[1]}[${n}]`, ...s });
  }
  return out;
}

/** The scripts and units of one rendered cloud-config, in document order. */
export function nodeScripts(cloudConfig: string): (ScriptToCheck | UnitToCheck)[] {
  const doc = (parseYaml(cloudConfig) ?? {}) as { bootcmd?: Command[]; runcmd?: Command[]; write_files?: WriteFile[] };
  const out: (ScriptToCheck | UnitToCheck)[] = [];
  for (const key of ["bootcmd", "runcmd"] as const) {
    const cmds = doc[key];
    if (cmds?.length) out.push({ kind: "script", source: key, shell: "sh", script: shellify(cmds) });
  }
  for (const f of doc.write_files ?? []) {
    const content = decoded(f);
    const name = f.path.split("/").pop()!;
    if (content.startsWith("#!")) {
      const shell = shebangShell(content);
      if (shell) out.push({ kind: "script", source: f.path, shell, script: content });
    } else if (UNIT_SUFFIXES.some((s) => name.endsWith(s))) {
      out.push({ kind: "unit", source: f.path, name, text: content });
      for (const s of unitShellScripts(content)) out.push({ kind: "script", source: `${f.path} ${s.key}`, shell: s.shell, script: s.script });
    }
  }
  return out;
}
