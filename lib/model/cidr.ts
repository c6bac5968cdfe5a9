import * as ipaddr from "ipaddr.js";

export type IpFamily = 4 | 6;

/** Why a text is not an acceptable CIDR; the validator turns these into diagnostics. */
export type CidrProblem =
  | { readonly kind: "invalid"; readonly text: string }
  | { readonly kind: "host-bits"; readonly text: string; readonly canonical: string }
  | { readonly kind: "everything"; readonly text: string }
  | { readonly kind: "non-public"; readonly text: string; readonly range: string }
  /** `::10.0.1.25`: the deprecated IPv4-compatible form (RFC 4291), almost always meant as the IPv4 address; `ipv4` is that address (with its prefix). */
  | { readonly kind: "ipv4-compatible"; readonly text: string; readonly ipv4: string };

const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

/**
 * An IPv4 or IPv6 network in canonical form (host bits clear, shortest text), the way AWS
 * stores it. Private constructor: build with `Cidr.parse` (user text, validated) or
 * `Cidr.fromRange` (aggregation output, always aligned).
 */
export class Cidr {
  private constructor(
    readonly family: IpFamily,
    /** First address of the block, as an unsigned integer. */
    readonly first: bigint,
    readonly prefixLength: number,
  ) {}

  /**
   * Parses `a.b.c.d/n`, `x::y/n` or a single address (taken as /32 or /128). Returns a problem
   * instead of throwing so the validator can report every bad entry at once.
   * Only syntax and alignment are checked here; `publicProblem` says whether HubSpot could
   * plausibly connect from it.
   */
  static parse(text: string): Cidr | CidrProblem {
    const trimmed = text.trim();
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    let prefixLength: number;
    const slash = trimmed.indexOf("/");
    const addressText = slash === -1 ? trimmed : trimmed.slice(0, slash);
    try {
      if (slash !== -1) {
        // parseCIDR accepts "1.2.3.4/08" and other oddities poorly; insist on a decimal prefix.
        if (!/^[^/]*\/(0|[1-9][0-9]{0,2})$/.test(trimmed)) return { kind: "invalid", text };
        address = parseAddress(addressText);
        prefixLength = Number(trimmed.slice(slash + 1));
        if (prefixLength > WIDTH[address.kind() === "ipv4" ? 4 : 6]) return { kind: "invalid", text };
      } else {
        address = parseAddress(addressText);
        prefixLength = address.kind() === "ipv4" ? 32 : 128;
      }
    } catch {
      return { kind: "invalid", text };
    }
    // ipaddr.parse accepts legacy IPv4 forms ("1", "0x7f.1", "010.0.0.1"); AWS does not.
    if (address.kind() === "ipv4" && !ipaddr.IPv4.isValidFourPartDecimal(addressText)) {
      return { kind: "invalid", text };
    }
    // A zone index ("fe80::1%eth0") names an interface on some other machine: meaningless here.
    if (trimmed.includes("%")) return { kind: "invalid", text };
    const family: IpFamily = address.kind() === "ipv4" ? 4 : 6;
    const value = toBigInt(address);
    const embedded = family === 6 ? ipv4CompatibleTail(addressText, value) : undefined;
    if (embedded !== undefined) {
      return { kind: "ipv4-compatible", text, ipv4: slash === -1 ? embedded : `${embedded}/${Math.max(0, prefixLength - 96)}` };
    }
    const first = value & networkMask(family, prefixLength);
    const cidr = new Cidr(family, first, prefixLength);
    if (first !== value) return { kind: "host-bits", text, canonical: cidr.toString() };
    return cidr;
  }

  /** Parses text that is known to be valid (shipped data, tests); throws otherwise. */
  static of(text: string): Cidr {
    const parsed = Cidr.parse(text);
    if (!(parsed instanceof Cidr)) throw new Error(`not a canonical CIDR: ${text} (${parsed.kind})`);
    return parsed;
  }

  /** The aligned block starting at `first` with the given prefix; the caller guarantees alignment. */
  static fromRange(family: IpFamily, first: bigint, prefixLength: number): Cidr {
    if ((first & ~networkMask(family, prefixLength) & maxValue(family)) !== 0n) {
      throw new Error(`internal: ${first} is not aligned to /${prefixLength}`);
    }
    return new Cidr(family, first, prefixLength);
  }

  /** Last address of the block, inclusive. */
  get last(): bigint {
    return this.first + this.size - 1n;
  }

  /** Number of addresses in the block. */
  get size(): bigint {
    return 1n << BigInt(WIDTH[this.family] - this.prefixLength);
  }

  get isHost(): boolean {
    return this.prefixLength === WIDTH[this.family];
  }

  /**
   * Worked out once: every rule's name, description, report row and check reads it, and
   * formatting goes through bigints and ipaddr.js. A `#` field, so equality checks on
   * Cidrs (tests' toEqual) never see it.
   */
  #text?: string;

  /** Canonical text, always with the prefix length (`143.244.82.12/32`), as AWS echoes it back. */
  toString(): string {
    return (this.#text ??= `${formatAddress(this.family, this.first)}/${this.prefixLength}`);
  }

  contains(other: Cidr): boolean {
    return this.family === other.family && other.first >= this.first && other.last <= this.last;
  }

  overlaps(other: Cidr): boolean {
    return this.family === other.family && other.first <= this.last && this.first <= other.last;
  }

  equals(other: Cidr): boolean {
    return this.family === other.family && this.first === other.first && this.prefixLength === other.prefixLength;
  }

  /**
   * Why HubSpot's servers could not be in this block: `0.0.0.0/0`-like blocks, or any overlap
   * with a special-purpose range (private, loopback, link-local, multicast, documentation...).
   * Uses ipaddr.js's table of special ranges so we do not maintain our own.
   */
  publicProblem(): CidrProblem | undefined {
    const text = this.toString();
    if (this.prefixLength === 0) return { kind: "everything", text };
    // Name the range that holds the block when there is one (240.0.0.0/4 is "reserved", not the
    // broadcast address inside it); otherwise the first it overlaps.
    const ranges = specialRanges(this.family);
    const hit = ranges.find(([, range]) => range.contains(this)) ?? ranges.find(([, range]) => this.overlaps(range));
    if (hit) return { kind: "non-public", text, range: `${hit[0]} ${hit[1].toString()}` };
    if (this.family === 6 && !GLOBAL_UNICAST_V6.contains(this)) {
      return { kind: "non-public", text, range: `outside global unicast ${GLOBAL_UNICAST_V6.toString()}` };
    }
    return undefined;
  }

  /** IPv4 before IPv6, then by first address, then wider blocks first. Total and stable. */
  static compare(a: Cidr, b: Cidr): number {
    if (a.family !== b.family) return a.family - b.family;
    if (a.first !== b.first) return a.first < b.first ? -1 : 1;
    return a.prefixLength - b.prefixLength;
  }
}

/** How many distinct addresses the blocks of one family cover together (overlaps counted once). */
export function distinctAddresses(cidrs: readonly Cidr[], family: IpFamily): bigint {
  const sorted = cidrs.filter((c) => c.family === family).sort(Cidr.compare);
  let total = 0n;
  let end = -1n;
  for (const c of sorted) {
    if (c.last <= end) continue;
    total += c.last - (c.first > end ? c.first : end + 1n) + 1n;
    end = c.last;
  }
  return total;
}

export function isCidr(value: Cidr | CidrProblem): value is Cidr {
  return value instanceof Cidr;
}

/**
 * An IPv4 or IPv6 address, read exactly. ipaddr.js reads an IPv6 address ending in a dotted
 * quad with nothing but zeros before it (`::10.0.1.25`, IPv4-compatible) as IPv4-mapped
 * (`::ffff:10.0.1.25`), another address; it reads hex groups exactly, so a dotted tail is
 * rewritten as the two groups it stands for before ipaddr.js sees it. Throws on invalid text.
 */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (!text.includes(":")) return ipaddr.parse(text);
  const tail = DOTTED_TAIL.exec(text);
  if (!tail) return ipaddr.IPv6.parse(text);
  if (!ipaddr.IPv4.isValidFourPartDecimal(tail[2])) throw new Error(`not an IPv6 address: ${text}`);
  const [a, b, c, d] = ipaddr.IPv4.parse(tail[2]).octets;
  return ipaddr.IPv6.parse(`${tail[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
}

/** `<groups>:<a.b.c.d>`, the mixed notation of RFC 4291 2.2. */
const DOTTED_TAIL = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/;

/**
 * The embedded IPv4 address when `text` is written in the IPv4-compatible form (a dotted quad
 * after 96 zero bits, `::10.0.1.25`): deprecated by RFC 4291, routed nowhere, and read by other
 * tools as the IPv4-mapped address, so mailgate refuses it rather than guess.
 */
function ipv4CompatibleTail(text: string, value: bigint): string | undefined {
  const tail = DOTTED_TAIL.exec(text);
  return tail && value >> 32n === 0n ? tail[2] : undefined;
}

/** The IPv4-compatible form of a host literal (`::10.0.1.25`): its embedded IPv4 address, else undefined. */
export function ipv4CompatibleAddress(text: string): string | undefined {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = parseAddress(text);
  } catch {
    return undefined;
  }
  return address.kind() === "ipv6" ? ipv4CompatibleTail(text, toBigInt(address)) : undefined;
}

/**
 * The IPv4 address or block `text` stands for when it is written as an IPv4-mapped IPv6 address
 * or block (`::ffff:10.0.1.25`, `::ffff:a00:119`, `::ffff:10.0.1.0/120`: inside ::ffff:0:0/96,
 * RFC 4291 2.5.5.2), with the prefix less 96; undefined for any other text, valid or not. Such an
 * address exists only in a dual-stack host's socket API: on the network the traffic is IPv4, so
 * config refuses the form (a rule for it would match nothing). Read with ipaddr.js, through
 * `parseAddress` (which reads a dotted tail exactly).
 */
export function ipv4MappedAddress(text: string): string | undefined {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefix = slash === -1 ? undefined : Number(text.slice(slash + 1));
  if (!addressText.includes(":") || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 96 && prefix <= 128))) return undefined;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = parseAddress(addressText);
  } catch {
    return undefined;
  }
  if (address.kind() !== "ipv6" || !(address as ipaddr.IPv6).isIPv4MappedAddress()) return undefined;
  const ipv4 = (address as ipaddr.IPv6).toIPv4Address().toString();
  return prefix === undefined ? ipv4 : `${ipv4}/${prefix - 96}`;
}

function maxValue(family: IpFamily): bigint {
  return (1n << BigInt(WIDTH[family])) - 1n;
}

function networkMask(family: IpFamily, prefixLength: number): bigint {
  const hostBits = BigInt(WIDTH[family] - prefixLength);
  return maxValue(family) ^ ((1n << hostBits) - 1n);
}

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

function formatAddress(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let i = WIDTH[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  // toString() gives RFC 5952 shortest form for IPv6, which is what AWS returns.
  return ipaddr.fromByteArray(bytes).toString();
}

const GLOBAL_UNICAST_V6 = Cidr.of("2000::/3");

type RangeTable = Record<string, [ipaddr.IPv4 | ipaddr.IPv6, number] | [ipaddr.IPv4 | ipaddr.IPv6, number][]>;
const specialRangeCache = new Map<IpFamily, [string, Cidr][]>();

/** ipaddr.js's special-purpose ranges as Cidrs; its table mixes one-pair and many-pair entries. */
function specialRanges(family: IpFamily): [string, Cidr][] {
  let ranges = specialRangeCache.get(family);
  if (!ranges) {
    const table = (family === 4 ? ipaddr.IPv4.prototype : ipaddr.IPv6.prototype) as unknown as {
      SpecialRanges: RangeTable;
    };
    ranges = [];
    for (const [name, entry] of Object.entries(table.SpecialRanges)) {
      const pairs = Array.isArray(entry[0]) ? (entry as [ipaddr.IPv4 | ipaddr.IPv6, number][]) : [entry as [ipaddr.IPv4 | ipaddr.IPv6, number]];
      for (const [address, bits] of pairs) {
        ranges.push([name, Cidr.fromRange(family, toBigInt(address) & networkMask(family, bits), bits)]);
      }
    }
    specialRangeCache.set(family, ranges);
  }
  return ranges;
}
