// Deterministic config generator for the benchmark: the same options give the same bytes on
// every machine (seeded PRNG, never Math.random), so figures from different runs compare.
//
//   npx tsx scripts/bench/generate-config.ts --domains 10000 --out /tmp/cfg [--targets 200]
//     [--accounts 5] [--seed 1] [--per-file 500]
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

export const REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "eu-west-1"] as const;

export interface GenerateOptions {
  /** Number of email domains. */
  readonly domains: number;
  /** Number of firewall targets. @default 200 */
  readonly targets?: number;
  /**
   * Number of AWS accounts the targets are spread over; 0 writes no `account`/`roleArn` keys
   * (for a loader that does not know them yet). @default 0
   */
  readonly accounts?: number;
  /** With accounts: give each target a `roleArn` in its account. @default true */
  readonly roleArn?: boolean;
  /** @default 1 */
  readonly seed?: number;
  /**
   * Domains per domains file (files of this many, the last one the rest). By default the
   * domains are spread evenly over `floor(domains / 500) + 1` files (~500 each), as before.
   */
  readonly domainsPerFile?: number;
}

export interface GeneratedStats {
  readonly domains: number;
  readonly imapDomains: number;
  readonly exchangeDomains: number;
  readonly targets: number;
  readonly createdGroups: number;
  readonly accounts: number;
  readonly regions: number;
  readonly files: number;
  readonly bytes: number;
}

/** mulberry32: tiny, fast, good enough for test data, and identical everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const chance = (rand: Rand, p: number): boolean => rand() < p;
const hex = (rand: Rand, length: number): string => Array.from({ length }, () => "0123456789abcdef"[Math.floor(rand() * 16)]).join("");
const digits = (rand: Rand, length: number): string => Array.from({ length }, (_, i) => "0123456789"[i === 0 ? 1 + Math.floor(rand() * 9) : Math.floor(rand() * 10)]).join("");

const SYLLABLES = ["ac", "me", "no", "va", "ter", "ra", "lu", "mi", "nor", "den", "sol", "vik", "ka", "pro", "tec", "gal", "ax", "zu", "ri", "ond"];
const TLDS = ["com", "net", "org", "io", "de", "co.uk", "fr", "nl", "com.au", "ch"];
/** Mail hosting shared by many domains, as in real fleets. */
const SHARED_HOSTS = Array.from({ length: 40 }, (_, i) => `mx${i + 1}.mailhost-${String.fromCharCode(97 + (i % 26))}.example`);

/**
 * What a target's mail servers listen on. Each target draws one profile, and every domain behind
 * it uses ports from it, so a target opens at most 6 distinct ports: with HubSpot's lists
 * (6 aggregated blocks each) that is at most 36 rules, far below the 60-rule quota per group, so
 * no quota splitting changes the shape of the output.
 */
interface PortProfile {
  readonly imap: number;
  readonly smtp: readonly number[];
  readonly exchange: number;
}

interface Target {
  readonly name: string;
  readonly region: string;
  readonly account?: string;
  readonly profile: PortProfile;
  readonly created: boolean;
  readonly yaml: string;
}

/** Writes the config under `dir` (which must not exist or be empty) and returns what it made. */
export function generateConfig(dir: string, options: GenerateOptions): GeneratedStats {
  const rand = prng(options.seed ?? 1);
  const targetCount = options.targets ?? 200;
  const accountCount = options.accounts ?? 0;
  // Own stream, so the domains and targets are the same with or without accounts.
  const accountRand = prng((options.seed ?? 1) ^ 0x5eed);
  const accounts = Array.from({ length: accountCount }, () => digits(accountRand, 12));

  const targets: Target[] = [];
  for (let i = 0; i < targetCount; i++) {
    // Round-robin over (account, region) so every combination gets targets: 5 x 4 = 20 stacks.
    const region = REGIONS[i % REGIONS.length];
    const account = accountCount > 0 ? accounts[Math.floor(i / REGIONS.length) % accountCount] : undefined;
    const name = `mail-${region.replace(/-/g, "")}-${String(i + 1).padStart(3, "0")}`;
    const profile: PortProfile = {
      imap: chance(rand, 0.9) ? 993 : 143,
      smtp: chance(rand, 0.25) ? [587, 465] : [chance(rand, 0.7) ? 587 : 465],
      exchange: chance(rand, 0.85) ? 443 : 8443,
    };
    const created = chance(rand, 0.6);
    const lines = [`  ${name}:`, "    type: aws-security-group", `    region: ${region}`];
    if (account !== undefined) lines.push(`    account: "${account}"`);
    if (account !== undefined && options.roleArn !== false) lines.push(`    roleArn: arn:aws:iam::${account}:role/mailgate-deploy`);
    if (created) lines.push(`    vpcId: vpc-${hex(rand, 17)}`, `    name: hubspot-mail-ingress-${String(i + 1).padStart(3, "0")}`);
    else lines.push(`    securityGroupId: sg-${hex(rand, 17)}`);
    targets.push({ name, region, account, profile, created, yaml: lines.join("\n") });
  }
  const byRegion = new Map<string, Target[]>();
  for (const t of targets) byRegion.set(t.region, [...(byRegion.get(t.region) ?? []), t]);

  const entries: string[] = [];
  let imapDomains = 0;
  for (let i = 0; i < options.domains; i++) {
    const word = Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(rand, SYLLABLES)).join("");
    const domain = `${word}${i + 1}.${pick(rand, TLDS)}`;
    const primary = pick(rand, targets);
    // A quarter of the domains sit behind a second group in the same region (a DR site, a DMZ).
    const firewalls = [primary.name];
    if (chance(rand, 0.25)) {
      const second = pick(rand, byRegion.get(primary.region) ?? []);
      if (second.name !== primary.name) firewalls.push(second.name);
    }
    const { profile } = primary;
    const lines = [`  - domain: ${domain}`];
    if (chance(rand, 0.8)) {
      imapDomains++;
      const shared = chance(rand, 0.3) ? pick(rand, SHARED_HOSTS) : undefined;
      const imapHost = shared ?? `imap.${domain}`;
      const smtpHost = shared ?? (chance(rand, 0.5) ? `smtp.${domain}` : `mail.${domain}`);
      lines.push(
        "    imap:",
        `      incoming: { host: ${imapHost}, port: ${profile.imap} }`,
        `      outgoing: { host: ${smtpHost}, port: ${pick(rand, profile.smtp)} }`,
      );
      if (chance(rand, 0.05)) lines.push("      allowNonSecureCertificate: false");
    } else {
      const port = profile.exchange === 443 ? "" : `:${profile.exchange}`;
      lines.push("    exchange:", `      url: https://mail.${domain}${port}/EWS/Exchange.asmx`);
    }
    lines.push(`    firewalls: [${firewalls.join(", ")}]`);
    entries.push(lines.join("\n"));
  }

  fs.mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  const header = "# Generated by scripts/bench/generate-config.ts; do not edit.\n";
  files.set(
    "hubspot.yaml",
    `${header}# No ipRanges: the shipped catalog of HubSpot's published lists.\nhubspot: {}\n`,
  );
  for (const [region, list] of byRegion) {
    files.set(`firewalls/${region}.yaml`, `${header}firewalls:\n${list.map((t) => t.yaml).join("\n\n")}\n`);
  }
  // Real repositories split domains over files by team or business unit: ~500 per file.
  const domainFiles = options.domainsPerFile ? Math.ceil(options.domains / options.domainsPerFile) : Math.floor(options.domains / 500) + 1;
  const perFile = options.domainsPerFile ?? Math.ceil(entries.length / domainFiles);
  for (let f = 0; f < domainFiles; f++) {
    const chunk = entries.slice(f * perFile, (f + 1) * perFile);
    if (chunk.length === 0) continue;
    files.set(`domains/part-${String(f + 1).padStart(3, "0")}.yaml`, `${header}domains:\n${chunk.join("\n\n")}\n`);
  }
  let bytes = 0;
  for (const [name, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return {
    domains: options.domains,
    imapDomains,
    exchangeDomains: options.domains - imapDomains,
    targets: targetCount,
    createdGroups: targets.filter((t) => t.created).length,
    accounts: accountCount,
    regions: byRegion.size,
    files: files.size,
    bytes,
  };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      domains: { type: "string", default: "1000" },
      targets: { type: "string", default: "200" },
      accounts: { type: "string", default: "0" },
      "no-role-arn": { type: "boolean", default: false },
      seed: { type: "string", default: "1" },
      "per-file": { type: "string" },
      out: { type: "string" },
    },
  });
  if (!values.out) {
    process.stderr.write("usage: generate-config.ts --out DIR [--domains N] [--targets N] [--accounts N] [--seed N]\n");
    process.exit(2);
  }
  const stats = generateConfig(values.out, {
    domains: Number(values.domains),
    targets: Number(values.targets),
    accounts: Number(values.accounts),
    roleArn: !values["no-role-arn"],
    seed: Number(values.seed),
    ...(values["per-file"] ? { domainsPerFile: Number(values["per-file"]) } : {}),
  });
  process.stdout.write(`${JSON.stringify(stats)}\n`);
}
