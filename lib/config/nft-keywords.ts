/**
 * Words nft reads as keywords wherever they appear, so never as a table or chain name: its
 * grammar takes a name only as a plain string (`identifier: STRING`) and no quoting helps
 * (`add table inet "counter"` is "unexpected quoted string"). A file naming such a table or chain
 * cannot be loaded at all.
 *
 * Built from nft's own scanner (src/scanner.l): every keyword its rules return in any scanner
 * state, as opposed to the many more it returns only after a word that opens a state (`saddr`
 * after `ip`, `filter` after `type`, `name` after `counter`), which stay ordinary names there.
 * - `NFT_KEYWORDS_1_0_6`: the 153 of nftables 1.0.6 (Debian 12). Checked against the real nft
 *   1.0.6: every word either scanner knows (388, in 1.0.6's and the current sources, in any state)
 *   was tried as the table of a file mailgate generated, in `inet`, `ip` and `ip6` (`nft -c -f`):
 *   these 153 fail in every family and all the others load. As a chain, of the words with the
 *   chain's shape (two or more words joined by `_` or `-`) only `auto-merge` and `gc-interval`
 *   fail. The nft tier of the tests (__tests__/firewalls/nftables-packets.test.ts) tries them again.
 * - `NFT_KEYWORDS_LATER`: what later releases made keywords everywhere (1.0.7: `destroy`, `gre`,
 *   `gretap`, `geneve`, `vni`, `vxlan`; 1.1.6: `tunnel`). nft 1.0.6 loads them, a host's next
 *   nft would not. (`last` became a keyword in 1.0.7 too, but the grammar takes it as a name.)
 * Case matters to nft: `Counter` is a name.
 */
export const NFT_KEYWORDS_1_0_6: readonly string[] = [
  "accept", "add", "ah", "all", "and", "arp", "auto-merge", "bridge", "cgroup", "chain", "comment", "comp",
  "constant", "continue", "counter", "cpu", "create", "ct", "day", "dccp", "define", "delete", "describe",
  "device", "devices", "dnat", "drop", "dst", "dup", "dynamic", "ecn", "element", "elements", "eq", "esp",
  "ether", "exists", "expires", "export", "exthdr", "fib", "flags", "flow", "flowtable", "flush", "frag",
  "fwd", "gc-interval", "ge", "get", "goto", "gt", "handle", "hbh", "hook", "hour", "ibriport", "ibrname",
  "icmp", "icmpv6", "igmp", "iif", "iifgroup", "iifname", "iiftype", "import", "include", "index", "inet",
  "insert", "interval", "ip", "ip6", "ipsec", "jhash", "jump", "le", "limit", "list", "log", "lshift", "lt",
  "map", "mark", "masquerade", "meta", "meter", "mh", "missing", "monitor", "ne", "netdev", "nftrace", "not",
  "notrack", "numgen", "obriport", "obrname", "offload", "oif", "oifgroup", "oifname", "oiftype", "or",
  "osf", "pkttype", "policy", "position", "priority", "queue", "quota", "random", "redefine", "redirect",
  "reject", "rename", "replace", "reset", "return", "rshift", "rt", "rt0", "rt2", "rtclassid", "rule",
  "ruleset", "sctp", "secmark", "set", "size", "skgid", "skuid", "snat", "socket", "srh", "symhash",
  "synproxy", "table", "tcp", "th", "time", "timeout", "tproxy", "type", "typeof", "udp", "udplite",
  "undefine", "update", "vlan", "vmap", "xor", "xt",
];

export const NFT_KEYWORDS_LATER: readonly string[] = ["destroy", "geneve", "gre", "gretap", "tunnel", "vni", "vxlan"];

/** Every word refused as an nftables table or chain name (lib/kinds/nftables/check.ts). */
export const NFT_KEYWORDS: ReadonlySet<string> = new Set([...NFT_KEYWORDS_1_0_6, ...NFT_KEYWORDS_LATER]);
