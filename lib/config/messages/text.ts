import type { DiagnosticCode, Severity, SourcePosition } from "../diagnostic";

/**
 * The building blocks of every config message (messages/*.ts use them; messages.ts gathers the
 * sections). Every config message is made in lib/config/messages*, nowhere else (as in cdktf's lib/errors.ts), so wording
 * stays consistent and reviewable in one place. Each says what was wrong, the value received,
 * and the likely fix (in `hint`). Values the user wrote are in double quotes, keys and names in
 * backticks, positions as file:line:col.
 */
export interface Problem {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
}

export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

export function error(code: DiagnosticCode, message: string, hint?: string): Problem {
  return hint === undefined ? { code, severity: "error", message } : { code, severity: "error", message, hint };
}

export function warning(code: DiagnosticCode, message: string, hint?: string): Problem {
  return hint === undefined ? { code, severity: "warning", message } : { code, severity: "warning", message, hint };
}

export function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}

/** A config value as the user wrote it, short enough for one line. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}

/** A received value as shown in messages: strings quoted, collections by kind. */
export function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return quote(value);
  return String(value);
}

/**
 * Zod's type names in user words. Every number in the format is an integer (see schema.ts), so
 * zod's "number" (reported when the value is not a number at all) is also "an integer".
 */
export const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "an integer",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/** The usual YAML typing surprises: `10` read as a number, `"993"` kept as a string. */
export function wrongTypeHint(expected: string, received: unknown, written: string | undefined): string | undefined {
  if (expected === "string" && (typeof received === "number" || typeof received === "boolean") && written) {
    return `YAML reads ${written} as a ${typeof received}: put it in quotes, "${written}"`;
  }
  if ((expected === "number" || expected === "int") && typeof received === "string" && /^\d+$/.test(received)) {
    return `write the number without quotes: ${received}`;
  }
  return undefined;
}

export type SourceTextProblem =
  | { readonly kind: "empty" | "whitespace-only" | "control-character" }
  | { readonly kind: "too-long"; readonly length: number };

export function sourceTextReason(p: SourceTextProblem): string {
  switch (p.kind) {
    case "empty":
      return "is empty";
    case "whitespace-only":
      return "is only whitespace";
    case "control-character":
      return "contains a line break, tab or other control character";
    case "too-long":
      return `is ${p.length} characters long`;
  }
}

export type GroupNameProblem =
  | { readonly kind: "empty" | "reserved-prefix" }
  | { readonly kind: "too-long"; readonly length: number; readonly max: number }
  | { readonly kind: "bad-character"; readonly character: string }
  | { readonly kind: "template"; readonly opener: string };

export function groupNameReason(p: GroupNameProblem): string {
  switch (p.kind) {
    case "empty":
      return "it is empty";
    case "reserved-prefix":
      return "AWS reserves names starting with sg-";
    case "too-long":
      return `it is ${p.length} characters long; the limit is ${p.max}`;
    case "bad-character":
      return `it contains ${JSON.stringify(p.character)}, which AWS does not allow`;
    case "template":
      return `it contains \`${p.opener}\`, which Terraform would evaluate as an expression; mailgate writes names literally`;
  }
}

/** A URL as quoted in messages, with any user name and password masked. */
export function quoteUrl(text: string): string {
  return quote(text.replace(/\/\/[^/@]*@/, "//***@"));
}

/** Bounded numbers: the code to report them under and AWS's reason for the bound. */
export const NUMBER_FIELDS: Record<string, { readonly code: DiagnosticCode; readonly hint: string }> = {
  maxRules: {
    code: "INVALID_MAX_RULES",
    hint: "AWS allows 60 inbound rules per security group by default (up to 1000 with rules x groups per interface <= 1000) and 20 rules per network ACL direction (up to 40), the ACL's default deny rule included",
  },
  from: { code: "INVALID_RULE_NUMBERS", hint: "network ACL rule numbers run from 1 to 32766" },
  to: { code: "INVALID_RULE_NUMBERS", hint: "network ACL rule numbers run from 1 to 32766" },
  capacity: {
    code: "INVALID_CAPACITY",
    hint: "a stateful rule group's capacity is 1-30000; omit `capacity` to let mailgate compute it",
  },
};

/** The figures behind a security group over its quota, for the message. */
export interface SecurityGroupQuotaFigures {
  readonly target: string;
  readonly securityGroupId: string;
  /** "IPv4" or "IPv6". */
  readonly family: string;
  readonly needed: number;
  readonly allowed: number;
  readonly cidrRules: number;
  /** Rules referencing prefix lists, by list: how many rules, each weighing `weight`. */
  readonly prefixListRules: readonly { readonly name: string; readonly rules: number; readonly weight: number }[];
  /** What the same rules would weigh with `sources: cidrs`. */
  readonly cidrAlternative: number;
}

/** `60 = 3 rules x 10 entries of prefix list mailgate-hubspot-imap-ipv4 + ...`: how AWS arrives at the count. */
export function weightBreakdown(p: SecurityGroupQuotaFigures): string {
  const parts = [
    ...(p.cidrRules > 0 ? [`${p.cidrRules} CIDR rule${p.cidrRules === 1 ? "" : "s"}`] : []),
    ...p.prefixListRules.map((l) => `${l.rules} rule${l.rules === 1 ? "" : "s"} x ${l.weight} entries of prefix list ${l.name}`),
  ];
  return `${p.needed} = ${parts.join(" + ")}`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1 MiB`, `16 MiB`, `1.5 MiB`, `300 KiB`, `12 bytes`; exact bytes too when not round. */
export function bytes(n: number): string {
  const round = (value: number, unit: string) => `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
  const shown = n >= 1024 * 1024 ? round(n / (1024 * 1024), "MiB") : n >= 1024 ? round(n / 1024, "KiB") : `${n} bytes`;
  return n >= 1024 && n % 1024 !== 0 ? `${shown} (${n.toLocaleString("en-US")} bytes)` : shown;
}

/** Why a directory entry named like a config file is not read (see files.ts). */
export type SkippedFileReason =
  | { readonly kind: "symlink-outside"; readonly target: string }
  | { readonly kind: "broken-symlink" | "symlinked-directory" }
  | { readonly kind: "not-regular"; readonly what: string };

export function skippedMessage(reason: SkippedFileReason): string {
  switch (reason.kind) {
    case "symlink-outside":
      return `This symlink points outside the config directory (to ${quote(reason.target)}); mailgate does not read it.`;
    case "broken-symlink":
      return "This symlink points to nothing; mailgate skips it.";
    case "symlinked-directory":
      return "This symlink to a directory is not followed; config files in it are not read.";
    case "not-regular":
      return `This is ${reason.what}, not a regular file; mailgate does not read it (reading it could block forever).`;
  }
}

export function skippedHint(reason: SkippedFileReason): string | undefined {
  if (reason.kind === "symlink-outside" || reason.kind === "symlinked-directory") {
    return "move the files into the config directory, or point MAILGATE_CONFIG (--config) at the directory that has them";
  }
  return reason.kind === "broken-symlink" ? "remove the link, or point it at a file in the config directory" : undefined;
}

/** What a character YAML does not allow is, for yamlForbiddenCharacter. */
export function characterKind(code: number): string {
  if (code === 0xfeff) return "a byte-order mark, allowed only at the start of the file";
  if (code >= 0xd800 && code <= 0xdfff) return "half of a surrogate pair";
  if (code === 0xfffe || code === 0xffff) return "a noncharacter";
  return "a control character";
}

export const KIND_LABEL = { imap: "IMAP", exchange: "Exchange" } as const;
export type SettingsKind = keyof typeof KIND_LABEL;


// ---- helpers of the issue 11 block above

/** What a Network Firewall target cannot serve, for NOTHING_ADMITTED. */
export interface NothingAdmittedFigures {
  readonly target: string;
  /** Where the rules would be: an nftables chain (`inet filter hubspot_mail`), else a Network Firewall rule group. */
  readonly holder: { readonly chain?: string };
  /** Sorted, unique. */
  readonly domains: readonly string[];
  readonly lists: readonly { readonly list: string; readonly ports: readonly number[] }[];
  readonly listFamilies: readonly (4 | 6)[];
  readonly destinationFamilies: readonly (4 | 6)[];
}

/** AWS: security groups per network interface, at most (5 by default). */
export const MAX_GROUPS_PER_INTERFACE = 16;

export const BROAD_LIST_HINT =
  "copy the lists from HubSpot's \"View connection IPs\"; if HubSpot really shows this, add `allowBroadRanges: \"<why>\"` to `hubspot.ipRanges` (the reason is shown in the audit report)";

/** What the usual mail ports are, for PORT_LOOKS_SWAPPED. */
export const PORT_NAMES: Readonly<Record<number, string>> = {
  25: "the port",
  465: "the implicit-TLS submission port",
  587: "the submission port",
  143: "the port",
  993: "the implicit-TLS port",
};

/** `16,777,216`; past 2^40 a power of two (`2^120`), which reads better than 37 digits. */
export function bigCount(n: bigint): string {
  const bits = n.toString(2).length - 1;
  return bits > 40 && n === 1n << BigInt(bits) ? `2^${bits}` : n.toLocaleString("en-US");
}

export function families(list: readonly (4 | 6)[]): string {
  return list.map((f) => `IPv${f}`).join(" and ");
}

/** `domain example.com`, `3 domains (a.com, b.com, c.com)`, `12 domains (a.com, b.com, c.com and 9 more)`. */
export function namesList(noun: string, names: readonly string[]): string {
  if (names.length === 1) return `${noun} ${names[0]}`;
  const shown = names.slice(0, 3).join(", ");
  return `${names.length} ${noun}s (${names.length > 3 ? `${shown} and ${names.length - 3} more` : shown})`;
}
