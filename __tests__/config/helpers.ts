import { tempDir } from "../support/run";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { loadConfig, type LoadResult } from "../../lib/config/load";

const created: string[] = [];

/** Writes `files` (relative path -> content) into a fresh temp directory and returns it. */
export function writeConfigDir(files: Record<string, string | Buffer>): string {
  const dir = tempDir("mailgate-config-");
  created.push(dir);
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** Call from `afterAll`: temp directories should not pile up on developer machines. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Loads `files` from a temp directory, with diagnostic files shown relative to it (`a.yaml`,
 * `sub/b.yaml`) so tests can state positions without the random directory name.
 */
export function load(files: Record<string, string | Buffer>): LoadResult {
  const dir = writeConfigDir(files);
  const result = loadConfig(dir);
  const strip = (text: string): string => text.split(`${dir}/`).join("");
  return {
    ...result,
    diagnostics: result.diagnostics.map((d) => ({
      ...d,
      message: strip(d.message),
      ...(d.hint ? { hint: strip(d.hint) } : {}),
      position: { ...d.position, file: strip(d.position.file) },
      ...(d.related ? { related: d.related.map((r) => ({ ...r, file: strip(r.file) })) } : {}),
    })),
  };
}

/** `a.yaml:4:13` */
export function where(d: Pick<Diagnostic, "position">): string {
  return `${d.position.file}:${d.position.line}:${d.position.column}`;
}

/** Joins lines with newlines, so YAML in tests shows its line structure. */
export function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** A clean IMAP domain entry (lines 2-5 of its file) protected by firewall `fw`. */
export const DOMAIN_USING_FW = yaml(
  "domains:",
  "  - domain: example.com",
  "    imap:",
  "      incoming: { host: imap.example.com, port: 993 }",
  "      outgoing: { host: smtp.example.com, port: 587 }",
  "    firewalls: [fw]",
);

/** A clean firewall `fw` (lines 2-5 of its file). */
export const FIREWALL_FW = yaml(
  "firewalls:",
  "  fw:",
  "    type: aws-security-group",
  "    region: us-east-1",
  "    securityGroupId: sg-0a1b2c3d",
);

/** A clean Exchange domain entry, unprotected. */
export const EXCHANGE_DOMAIN = yaml(
  "domains:",
  "  - domain: corp.example.org",
  "    exchange:",
  "      url: https://mail.corp.example.org/EWS/Exchange.asmx",
);
