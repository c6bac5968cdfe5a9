import * as ipaddr from "ipaddr.js";

export type IpFamily = 4 | 6;

/** Why a text is not an acceptable CIDR; the validator turns these into diagnostics. */
export type CidrProblem =
  | { readonly kind: "invalid"; readonly text: string }
  | { readonly kind: "host-bits"; readonly text: string; readonly canonical: string }
  | { readonly kind: "everything"; readonly text: string }
  | { readonly kind: "non-public"; readonly text: string; readonly range: string };

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
    try {
      if (trimmed.includes("/")) {
        // parseCIDR accepts "1.2.3.4/08" and other oddities poorly; insist on a decimal prefix.
        if (!/\/(0|[1-9][0-9]{0,2})$/.test(trimmed)) return { kind: "invalid", text };
        [address, prefixLength] = ipaddr.parseCIDR(trimmed);
      } else {
        address = ipaddr.parse(trimmed);
        prefixLength = address.kind() === "ipv4" ? 32 : 128;
      }
    } catch {
      return { kind: "invalid", text };
    }
    // ipaddr.parse accepts legacy IPv4 forms ("1", "0x7f.1", "010.0.0.1"); AWS does not.
    if (address.kind() === "ipv4" && !ipaddr.IPv4.isValidFourPartDecimal(trimmed.split("/")[0])) {
      return { kind: "invalid", text };
    }
    // A zone index ("fe80::1%eth0") names an interface on some other machine: meaningless here.
    if (trimmed.includes("%")) return { kind: "invalid", text };
    const family: IpFamily = address.kind() === "ipv4" ? 4 : 6;
    const value = toBigInt(address);
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

export function isCidr(value: Cidr | CidrProblem): value is Cidr {
  return value instanceof Cidr;
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
