/**
 * Independent readers for the files of targets outside AWS: they parse the generated text (or,
 * for nftables, the kernel's own listing) back into address ranges per port, with ipaddr.js and
 * without lib/'s Cidr, aggregation or policy code, so the tests compare what a firewall would read
 * with what FACTS.md requires, address for address.
 */
import * as ipaddr from "ipaddr.js";
import type { Config } from "../../lib/model/config";
import published from "../../lib/model/hubspot-published-ranges.json";
import { mergeSpans, type Span } from "../policy/oracle";

const WIDTH = { 4: 32, 6: 128 } as const;

function addressValue(text: string): { family: 4 | 6; value: bigint } {
  const parsed = ipaddr.parse(text);
  const bytes = parsed.toByteArray();
  return { family: parsed.kind() === "ipv4" ? 4 : 6, value: bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n) };
}

/** `a.b.c.d`, `a.b.c.d/nn`, `a.b.c.d/m.m.m.m` (IPv4 mask) or `start-end`, IPv4 or IPv6: the forms the formats accept. */
export function spanOfToken(token: string): Span {
  const range = /^([^/-]+)-([^/-]+)$/.exec(token);
  if (range) {
    const a = addressValue(range[1]);
    const b = addressValue(range[2]);
    if (a.family !== b.family || b.value < a.value) throw new Error(`bad range ${token}`);
    return { family: a.family, first: a.value, last: b.value };
  }
  const [address, suffix] = token.split("/");
  const { family, value } = addressValue(address);
  let length: number = WIDTH[family];
  if (suffix !== undefined) {
    length = /^\d+$/.test(suffix) ? Number(suffix) : ipaddr.IPv4.parse(suffix).prefixLengthFromSubnetMask() ?? NaN;
  }
  if (!(length >= 0 && length <= WIDTH[family])) throw new Error(`bad prefix in ${token}`);
  const size = 1n << BigInt(WIDTH[family] - length);
  if (value % size !== 0n) throw new Error(`host bits set in ${token}`);
  return { family, first: value, last: value + size - 1n };
}

export function spansText(spans: readonly Span[]): string[] {
  return mergeSpans(spans).map((s) => `${s.family} ${s.first}-${s.last}`);
}

/**
 * FACTS.md restated: IMAP list to the IMAP port, SMTP list to the SMTP port, both to an Exchange
 * URL's port; the lists are the config's own, else the published ones.
 */
export function expectedByPort(config: Config, target: string): Map<number, Span[]> {
  const lists = {
    imap: (config.ipRanges?.imap.map(String) ?? published.imap).map(spanOfToken),
    smtp: (config.ipRanges?.smtp.map(String) ?? published.smtp).map(spanOfToken),
  };
  const byPort = new Map<number, Span[]>();
  const add = (port: number, spans: Span[]) => byPort.set(port, mergeSpans([...(byPort.get(port) ?? []), ...spans]));
  for (const d of config.domains) {
    if (!d.firewalls.includes(target)) continue;
    if (d.kind === "imap") {
      add(d.incoming.port, lists.imap);
      add(d.outgoing.port, lists.smtp);
    } else {
      add(d.endpoint.port, [...lists.imap, ...lists.smtp]);
    }
  }
  return byPort;
}

// ---- Windows: a small PowerShell statement reader

export interface WindowsRuleRead {
  readonly params: Record<string, string | string[]>;
  readonly port: number;
  readonly spans: Span[];
}

/**
 * Reads the script's statements: comments (`#` to the end of a line, outside quotes) dropped, a
 * statement continuing while a parenthesis is open; values are single-quoted strings (`''` is a
 * quote), numbers, `$variables` (resolved from `$name = '...'` assignments) or `@(...)` arrays.
 */
export function readWindowsScript(text: string): { statements: string[][]; variables: Map<string, string>; rules: WindowsRuleRead[] } {
  const statements: string[][] = [];
  let tokens: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated string");
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push(`'${value}`);
    } else if (c === "\n" || c === ";") {
      if (depth === 0 && tokens.length > 0) {
        statements.push(tokens);
        tokens = [];
      }
      i++;
    } else if (/\s/.test(c) || c === ",") {
      i++;
    } else if (c === "@" && text[i + 1] === "(") {
      tokens.push("@(");
      depth++;
      i += 2;
    } else if (c === "(" || c === ")") {
      depth += c === "(" ? 1 : -1;
      tokens.push(c);
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      tokens.push(text.slice(i, end + 1));
      i = end + 1;
    } else {
      let word = "";
      while (i < text.length && !/[\s,;()'"#]/.test(text[i])) word += text[i++];
      tokens.push(word);
    }
  }
  if (tokens.length > 0) statements.push(tokens);

  const variables = new Map<string, string>();
  for (const s of statements) if (s.length === 3 && s[0].startsWith("$") && s[1] === "=" && s[2].startsWith("'")) variables.set(s[0], s[2].slice(1));
  const value = (token: string): string => (token.startsWith("'") ? token.slice(1) : token.startsWith("$") ? (variables.get(token) ?? `unresolved ${token}`) : token);

  const rules: WindowsRuleRead[] = [];
  for (const s of statements.filter((st) => st[0] === "New-NetFirewallRule")) {
    const params: Record<string, string | string[]> = {};
    for (let i = 1; i < s.length; i++) {
      if (s[i] === "|") break;
      if (!s[i].startsWith("-")) throw new Error(`unexpected ${s[i]} in New-NetFirewallRule`);
      const name = s[i].slice(1);
      if (s[i + 1] === "@(") {
        const items: string[] = [];
        i += 2;
        while (s[i] !== ")") items.push(value(s[i++]));
        params[name] = items;
      } else params[name] = value(s[++i]);
    }
    const remote = params.RemoteAddress;
    const addresses = Array.isArray(remote) ? remote : String(remote).split(",");
    rules.push({ params, port: Number(params.LocalPort), spans: addresses.map(spanOfToken) });
  }
  return { statements, variables, rules };
}

// ---- allowlists

/** Entries (comment lines skipped, a comment after a space dropped), and the ports the header says the list is the source of. */
export function readAllowlist(text: string): { ports: number[]; spans: Span[]; comments: string[]; lines: string[] } {
  const lines = text.split("\n").filter((l, i, all) => !(i === all.length - 1 && l === ""));
  const comments = lines.filter((l) => l.startsWith("#"));
  const entries = lines.filter((l) => !l.startsWith("#")).map((l) => l.split(" ")[0]);
  const ports = [...(comments[0] ?? "").matchAll(/tcp\/(\d+)/g)].map((m) => Number(m[1]));
  return { ports, spans: entries.map(spanOfToken), comments, lines };
}

// ---- nftables: the kernel's listing (`nft -j list table ...`)

type NftJson = { nftables: Record<string, unknown>[] };

function elementSpan(elem: unknown): Span {
  if (typeof elem === "string") return spanOfToken(elem);
  const e = elem as { prefix?: { addr: string; len: number }; range?: [string, string] };
  if (e.prefix) return spanOfToken(`${e.prefix.addr}/${e.prefix.len}`);
  if (e.range) return spanOfToken(`${e.range[0]}-${e.range[1]}`);
  throw new Error(`unknown set element ${JSON.stringify(elem)}`);
}

/**
 * Per port, the source addresses `chain` accepts: each rule must be `tcp dport P <ip|ip6> saddr
 * @set accept`, the set read back from the same listing.
 */
export function readNftRuleset(json: NftJson, chain: string): Map<number, Span[]> {
  const sets = new Map<string, Span[]>();
  for (const item of json.nftables) {
    const set = item.set as { name: string; elem?: unknown[] } | undefined;
    if (set) sets.set(set.name, (set.elem ?? []).map(elementSpan));
  }
  const byPort = new Map<number, Span[]>();
  for (const item of json.nftables) {
    const rule = item.rule as { chain: string; expr: Record<string, unknown>[] } | undefined;
    if (!rule || rule.chain !== chain) continue;
    let port: number | undefined;
    let sources: Span[] | undefined;
    let accepted = false;
    for (const expr of rule.expr) {
      const match = expr.match as { op: string; left: { payload?: { protocol: string; field: string } }; right: unknown } | undefined;
      if (match && match.op === "==" && match.left.payload?.protocol === "tcp" && match.left.payload.field === "dport") port = Number(match.right);
      else if (match && match.op === "==" && match.left.payload?.field === "saddr" && typeof match.right === "string" && match.right.startsWith("@")) {
        sources = sets.get(match.right.slice(1));
      } else if ("accept" in expr) accepted = true;
      else throw new Error(`rule in ${chain} with an expression this reader does not expect: ${JSON.stringify(expr)}`);
    }
    if (port === undefined || sources === undefined || !accepted) throw new Error(`rule in ${chain} is not tcp dport + saddr @set + accept`);
    byPort.set(port, [...(byPort.get(port) ?? []), ...sources]);
  }
  return byPort;
}
