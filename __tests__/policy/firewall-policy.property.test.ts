import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { Config, CustomIpRanges, DomainSettings, FirewallTarget } from "../../lib/model/config";
import type { HubSpotList } from "../../lib/model/ip-catalog";
import { buildPolicy, type FirewallPolicy } from "../../lib/policy/firewall-policy";
import { FACTS_IMAP, FACTS_SMTP } from "../model/facts";
import { blockKey, blockOf, mergeSpans, oracleCover, spanOf, type Span } from "./oracle";

// ---------------------------------------------------------------------------------------------
// Generators: Configs built directly, as the validator would hand them over.

const TARGET_NAMES = ["dmz", "exchange-dmz", "mail-euc1", "mail-use1", "z-last"];
const DOMAIN_NAMES = ["a.example", "b.example", "c.example", "corp.example.org", "d.example", "example.com", "mail.test", "x.example"];
const HOSTS = ["mail.example.com", "imap.example.com", "smtp.example.com", "owa.example.org", "198.18.7.1"];
// Small pool so that ports collide across domains and between a domain's IMAP and SMTP server.
const PORTS = [25, 143, 443, 465, 587, 993, 8443];

const target = (name: string): fc.Arbitrary<FirewallTarget> =>
  fc.tuple(fc.constantFrom("us-east-1", "eu-central-1"), fc.boolean()).map(([region, existing]) =>
    existing
      ? { name, type: "aws-security-group", region, securityGroupId: "sg-0123456789abcdef0" }
      : { name, type: "aws-security-group", region, create: { vpcId: "vpc-0a1b2c3d4e5f67890", groupName: `hubspot-${name}` } },
  );

const endpoint = fc.record({ host: fc.constantFrom(...HOSTS), port: fc.constantFrom(...PORTS) });

const domain = (name: string, targetNames: readonly string[]): fc.Arbitrary<DomainSettings> => {
  const firewalls = fc.subarray([...targetNames]).map((names) => [...names].sort());
  const imap = fc.record({ incoming: endpoint, outgoing: endpoint, allowNonSecureCertificate: fc.boolean(), firewalls }).map(
    (r): DomainSettings => ({ kind: "imap", name, ...r }),
  );
  const exchange = fc.record({ endpoint, firewalls }).map(
    (r): DomainSettings => ({
      kind: "exchange",
      name,
      url: `https://${r.endpoint.host}${r.endpoint.port === 443 ? "" : `:${r.endpoint.port}`}/EWS/Exchange.asmx`,
      ...r,
    }),
  );
  return fc.oneof(imap, exchange);
};

/**
 * Public blocks crowded into a /22 of a few real /16s and a /120 of 2600:1f18::, so that the
 * user's SMTP and IMAP lists overlap, touch and merge.
 */
const customCidr: fc.Arbitrary<Cidr> = fc.oneof(
  fc
    .tuple(fc.constantFrom("141.193.0.0", "143.244.0.0", "54.174.0.0"), fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 22, max: 32 }))
    .map(([base, offset, len]) => {
      const hostBits = 32 - len;
      return Cidr.fromRange(4, Cidr.of(base).first + BigInt((offset >> hostBits) << hostBits), len);
    }),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 120, max: 128 })).map(([offset, len]) => {
    const hostBits = 128 - len;
    return Cidr.fromRange(6, Cidr.of("2600:1f18::/32").first + BigInt((offset >> hostBits) << hostBits), len);
  }),
);

const customRanges: fc.Arbitrary<CustomIpRanges> = fc.record({
  source: fc.constant("HubSpot 'View connection IPs', account 1234"),
  smtp: fc.array(customCidr, { maxLength: 6 }),
  imap: fc.array(customCidr, { maxLength: 6 }),
});

const config: fc.Arbitrary<Config> = fc
  .uniqueArray(fc.constantFrom(...TARGET_NAMES), { minLength: 1, maxLength: 4 })
  .chain((names) => {
    const sortedNames = [...names].sort();
    return fc.record({
      ipRanges: fc.option(customRanges, { nil: undefined, freq: 2 }),
      firewalls: fc.tuple(...sortedNames.map(target)),
      domains: fc
        .uniqueArray(fc.constantFrom(...DOMAIN_NAMES), { minLength: 1, maxLength: 8 })
        .chain((domainNames) => fc.tuple(...[...domainNames].sort().map((n) => domain(n, sortedNames)))),
    });
  });

// ---------------------------------------------------------------------------------------------
// Oracle: what each target must admit, computed from the config alone (no lib/policy code).

interface OracleNeed {
  readonly list: HubSpotList;
  readonly domain: string;
  readonly host: string;
  readonly port: number;
}

function oracleLists(cfg: Config): Record<HubSpotList, Cidr[]> {
  if (cfg.ipRanges) return { smtp: [...cfg.ipRanges.smtp], imap: [...cfg.ipRanges.imap] };
  return { smtp: FACTS_SMTP.map((t) => Cidr.of(t)), imap: FACTS_IMAP.map((t) => Cidr.of(t)) };
}

function oracleNeeds(cfg: Config, targetName: string): OracleNeed[] {
  return cfg.domains
    .filter((d) => d.firewalls.includes(targetName))
    .flatMap((d): OracleNeed[] => {
      const need = (list: HubSpotList, e: { host: string; port: number }) => ({ list, domain: d.name, host: e.host, port: e.port });
      return d.kind === "imap"
        ? [need("imap", d.incoming), need("smtp", d.outgoing)]
        : [need("imap", d.endpoint), need("smtp", d.endpoint)];
    });
}

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();
const spanKey = (s: Span) => `${s.family}|${s.first}|${s.last}`;
const overlaps = (a: Cidr, b: Cidr) => a.family === b.family && a.first <= b.last && b.first <= a.last;

/** Per port: the addresses that must be admitted, as merged spans. */
function requiredByPort(needs: readonly OracleNeed[], lists: Record<HubSpotList, Cidr[]>): Map<number, Span[]> {
  const out = new Map<number, Span[]>();
  for (const port of new Set(needs.map((n) => n.port))) {
    const portLists = new Set(needs.filter((n) => n.port === port).map((n) => n.list));
    const spans = mergeSpans([...portLists].flatMap((list) => lists[list].map(spanOf)));
    if (spans.length > 0) out.set(port, spans);
  }
  return out;
}

/** A deterministic, comparable view of a policy. */
function project(policy: FirewallPolicy) {
  return {
    catalog: { ...policy.catalog, lists: { smtp: policy.catalog.lists.smtp.map(String), imap: policy.catalog.lists.imap.map(String) } },
    targets: policy.targets.map((t) => ({ target: t.target, rules: t.rules.map((r) => ({ ...r, cidr: r.cidr.toString() })) })),
  };
}

const RUNS = 300;

describe("buildPolicy, against a brute-force oracle", () => {
  test("exact and minimal: per target and port, the rules admit exactly the needed addresses in the fewest blocks", () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const policy = buildPolicy(cfg);
        const lists = oracleLists(cfg);
        // One comparison per case: per target and port, the merged spans and the blocks.
        const actual: Record<string, { spans: string[]; blocks: string[] }> = {};
        const expected: Record<string, { spans: string[]; blocks: string[] }> = {};
        for (const { target: t, rules } of policy.targets) {
          for (const [port, spans] of requiredByPort(oracleNeeds(cfg, t.name), lists)) {
            // Exact: address for address (as merged interval lists). Minimal: the oracle's
            // maximal blocks, which are the unique minimal cover, so also the same count.
            expected[`${t.name}:${port}`] = { spans: spans.map(spanKey), blocks: oracleCover(spans).map(blockKey).sort() };
          }
          for (const port of new Set(rules.map((r) => r.port))) {
            const onPort = rules.filter((r) => r.port === port);
            actual[`${t.name}:${port}`] = {
              spans: mergeSpans(onPort.map((r) => spanOf(r.cidr))).map(spanKey),
              blocks: onPort.map((r) => blockKey(blockOf(r.cidr))).sort(),
            };
          }
          expect(rules.every((r) => r.protocol === "tcp")).toBe(true);
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  test("unique and sorted: no duplicate (port, cidr); rules by port then Cidr.compare; targets by name", () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const policy = buildPolicy(cfg);
        const names = policy.targets.map((t) => t.target.name);
        expect(names).toEqual([...names].sort());
        for (const { rules } of policy.targets) {
          const keys = rules.map((r) => `${r.port} ${r.cidr}`);
          expect(keys.length - new Set(keys).size).toBe(0);
          const unordered = rules.slice(1).filter((r, i) => {
            const prev = rules[i];
            return prev.port > r.port || (prev.port === r.port && Cidr.compare(prev.cidr, r.cidr) >= 0);
          });
          expect(unordered.map((r) => `${r.port} ${r.cidr}`)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("provenance: each rule names the lists, domains and hosts whose needs on that port overlap it", () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const policy = buildPolicy(cfg);
        const lists = oracleLists(cfg);
        for (const { target: t, rules } of policy.targets) {
          const needs = oracleNeeds(cfg, t.name);
          const actual = rules.map((r) => ({ port: r.port, cidr: r.cidr.toString(), lists: r.lists, domains: r.domains, hosts: r.hosts }));
          const expected = rules.map((r) => {
            const served = needs.filter((n) => n.port === r.port && lists[n.list].some((entry) => overlaps(entry, r.cidr)));
            return {
              port: r.port,
              cidr: r.cidr.toString(),
              lists: sortedUnique(served.map((n) => n.list)),
              domains: sortedUnique(served.map((n) => n.domain)),
              hosts: sortedUnique(served.map((n) => `${n.host}:${n.port}`)),
            };
          });
          expect(actual).toEqual(expected);
          // A rule always exists for someone.
          expect(expected.filter((r) => r.domains.length === 0)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("targets: exactly those some domain references, each carried through unchanged", () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const policy = buildPolicy(cfg);
        const referenced = sortedUnique(cfg.domains.flatMap((d) => d.firewalls));
        expect(policy.targets.map((t) => t.target.name)).toEqual(referenced);
        for (const { target: t } of policy.targets) expect(t).toEqual(cfg.firewalls.find((f) => f.name === t.name));
      }),
      { numRuns: RUNS },
    );
  });

  test("the catalog is the user's lists when given, else the shipped one", () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const { catalog } = buildPolicy(cfg);
        const lists = oracleLists(cfg);
        for (const list of ["smtp", "imap"] as const) {
          expect(new Set(catalog.lists[list].map(String))).toEqual(new Set(lists[list].map(String)));
        }
        expect(catalog.published).toBe(cfg.ipRanges ? undefined : "2024-04-04");
      }),
      { numRuns: RUNS },
    );
  });

  test("order independent: shuffled domains, firewalls and firewall lists give the same policy", () => {
    const shuffled = config.chain((cfg) =>
      fc.tuple(
        fc.constant(cfg),
        fc
          .tuple(
            fc.shuffledSubarray([...cfg.firewalls], { minLength: cfg.firewalls.length, maxLength: cfg.firewalls.length }),
            fc.shuffledSubarray([...cfg.domains], { minLength: cfg.domains.length, maxLength: cfg.domains.length }),
          )
          .chain(([firewalls, domains]) =>
            fc
              .tuple(...domains.map((d) => fc.shuffledSubarray([...d.firewalls], { minLength: d.firewalls.length, maxLength: d.firewalls.length })))
              .map((lists): Config => ({ ...cfg, firewalls, domains: domains.map((d, i) => ({ ...d, firewalls: lists[i] })) })),
          ),
      ),
    );
    fc.assert(
      fc.property(shuffled, ([cfg, reordered]) => {
        expect(project(buildPolicy(reordered))).toEqual(project(buildPolicy(cfg)));
      }),
      { numRuns: RUNS },
    );
  });
});
