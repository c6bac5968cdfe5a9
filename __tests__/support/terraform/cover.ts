/** Expectations computed independently of mailgate's own code. */
import * as ipaddr from "ipaddr.js";

const WIDTH = { 4: 32, 6: 128 } as const;

/**
 * The minimal exact CIDR cover of a list of CIDRs and addresses (IPv4 and IPv6): merge the
 * address ranges, then cut each into the largest aligned blocks. Written here, from ipaddr.js's
 * parser only, so expectations never come from mailgate's own aggregation. Sorted IPv4 first,
 * then by address; IPv6 in ipaddr.js's compact form.
 */
export function minimalCover(entries: readonly string[]): string[] {
  const spans: { family: 4 | 6; first: bigint; last: bigint }[] = [];
  for (const entry of entries) {
    const [address, length] = entry.includes("/") ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), undefined];
    const family = address.kind() === "ipv4" ? 4 : 6;
    const width = WIDTH[family];
    const size = 1n << BigInt(width - (length ?? width));
    const value = address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
    const first = value - (value % size);
    spans.push({ family, first, last: first + size - 1n });
  }
  spans.sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: typeof spans = [];
  for (const span of spans) {
    const top = merged[merged.length - 1];
    if (top && top.family === span.family && span.first <= top.last + 1n) top.last = span.last > top.last ? span.last : top.last;
    else merged.push({ ...span });
  }
  const out: string[] = [];
  for (const { family, first, last } of merged) {
    const width = WIDTH[family];
    for (let at = first; at <= last; ) {
      let bits = 0;
      while (bits < width && at % (1n << BigInt(bits + 1)) === 0n && at + (1n << BigInt(bits + 1)) - 1n <= last) bits += 1;
      const bytes: number[] = [];
      for (let i = width / 8 - 1; i >= 0; i -= 1) bytes.push(Number((at >> BigInt(i * 8)) & 0xffn));
      out.push(`${ipaddr.fromByteArray(bytes).toString()}/${width - bits}`);
      at += 1n << BigInt(bits);
    }
  }
  return out;
}
