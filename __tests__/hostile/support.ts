import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { addStacks } from "../../lib/aws/stacks";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { formatDiagnostics, formatDiagnosticsGithub, formatDiagnosticsJson } from "../../lib/config/format";
import { prepare } from "../../lib/pipeline";
import { PROJECT_ROOT, tempDir } from "../support/run";

/** The shipped example config, file name -> text. */
export function shippedExample(): Record<string, string> {
  const root = path.join(PROJECT_ROOT, "config");
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(root, file).split(path.sep).join("/")] = fs.readFileSync(file, "utf8");
  }
  return out;
}

/** The shipped example with a custom `hubspot.ipRanges` (the example leaves it commented out). */
export function exampleWithIpRanges(source = "HubSpot 'View connection IPs', account 1234, 2026-11-01"): Record<string, string> {
  return {
    ...shippedExample(),
    "hubspot.yaml": [
      "hubspot:",
      "  ipRanges:",
      `    source: ${JSON.stringify(source)}`,
      "    smtp: [141.193.184.0/27, 143.244.82.12]",
      "    imap: [141.193.184.0/27, 143.244.82.8]",
      "",
    ].join("\n"),
  };
}

/**
 * The example with every kind of field the format has, so hostile-text tests reach them all:
 * custom IP lists, an S3 backend, accounts and roles, network ACLs, Network Firewall rule groups,
 * prefix lists. Add new kinds of fields here.
 */
export function everyFieldExample(): Record<string, string> {
  return {
    ...exampleWithIpRanges(),
    "more.yaml": [
      "terraform:",
      "  backend:",
      "    s3: { bucket: acme-terraform-state, region: eu-central-1, keyPrefix: mailgate/, useLockfile: true }",
      "firewalls:",
      "  mail-acl:",
      "    type: aws-network-acl",
      "    region: eu-west-1",
      '    account: "123456789012"',
      "    roleArn: arn:aws:iam::123456789012:role/mailgate-deploy",
      "    networkAclId: acl-0a1b2c3d4e5f67890",
      "    ruleNumbers: { from: 100, to: 199 }",
      "  mail-nfw:",
      "    type: aws-network-firewall",
      "    region: eu-west-1",
      '    account: "123456789012"',
      "    roleArn: arn:aws:iam::123456789012:role/mailgate-deploy",
      "    name: hubspot-mail-rules",
      "    destinations: [10.0.1.25/32, 10.0.2.0/28]",
      "  mail-pl:",
      "    type: aws-security-group",
      "    region: us-west-2",
      "    vpcId: vpc-0a1b2c3d4e5f67890",
      "    name: hubspot-mail-pl",
      "    sources: prefix-lists",
      "domains:",
      "  - domain: extended.example.net",
      "    imap:",
      "      incoming: { host: imap.extended.example.net, port: 993 }",
      "      outgoing: { host: smtp.extended.example.net, port: 587 }",
      "    firewalls: [mail-acl, mail-nfw, mail-pl]",
      "",
    ].join("\n"),
  };
}

/**
 * One directory, emptied and refilled for each case: property tests write thousands of
 * configs, and a fresh temp dir each would litter the disk.
 */
export class ScratchDir {
  readonly dir = tempDir("mailgate-hostile-");

  write(files: Record<string, string | Uint8Array>): string {
    for (const entry of fs.readdirSync(this.dir)) fs.rmSync(path.join(this.dir, entry), { recursive: true, force: true });
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(this.dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return this.dir;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What every diagnostic must satisfy, whatever the input: a file in the config directory (or the
 * directory itself), a line and column from 1, a sane excerpt, and formatting that works.
 */
export function expectWellFormed(diagnostics: readonly Diagnostic[], dir: string): string | undefined {
  for (const d of diagnostics) {
    const { file, line, column } = d.position;
    if (file !== dir && !file.startsWith(`${dir}/`)) return `file outside ${dir}: ${file}`;
    if (!Number.isInteger(line) || line < 1) return `line ${line} in ${JSON.stringify(d)}`;
    if (!Number.isInteger(column) || column < 1) return `column ${column} in ${JSON.stringify(d)}`;
    if (d.excerpt) {
      if (d.excerpt.column < 1 || d.excerpt.length < 1) return `excerpt ${JSON.stringify(d.excerpt)}`;
      if (d.excerpt.lineText.length > 200) return `excerpt of ${d.excerpt.lineText.length} characters`;
      if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(d.excerpt.lineText)) return `unsafe excerpt ${JSON.stringify(d.excerpt.lineText)}`;
    }
    if (d.message.length > 2000) return `message of ${d.message.length} characters`;
  }
  formatDiagnostics(diagnostics);
  formatDiagnosticsJson(diagnostics);
  formatDiagnosticsGithub(diagnostics);
  return undefined;
}

/** What main.ts would synthesize for `configDir`: stack name -> cdk.tf.json text; plus the artifacts. */
export function synthesize(configDir: string): { stacks: Map<string, string>; artifacts: ReadonlyMap<string, string> } | { diagnostics: readonly Diagnostic[] } {
  const prepared = prepare(configDir);
  if (!prepared.ok) return { diagnostics: prepared.diagnostics };
  const app = Testing.app();
  const stacks = addStacks(app, prepared.policy, { terraform: prepared.config.terraform, placements: prepared.placements });
  return { stacks: new Map(stacks.map((stack) => [stack.node.id, Testing.synth(stack)])), artifacts: prepared.artifacts };
}

/** Every string in a JSON document, keys included. */
export function jsonStrings(json: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        out.push(key);
        walk(child);
      }
    }
  };
  walk(JSON.parse(json));
  return out;
}

/**
 * The template sequences Terraform would evaluate in `text`, after its own escapes (`$${`,
 * `%%{`) are taken out; references cdktf emits itself (`${aws_security_group.x.id}`) are allowed.
 */
export function liveTemplates(text: string): string[] {
  const unescaped = text.replace(/\$\$\{/g, "").replace(/%%\{/g, "");
  const live = unescaped.match(/\$\{[^}]*\}?|%\{[^}]*\}?/g) ?? [];
  return live.filter((t) => !/^\$\{(aws_[a-z0-9_]+|data\.aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+\.[a-z_]+\}$/.test(t));
}
