// Whether a name is valid must not depend on the Node that runs mailgate (issue 20). IDNA came
// from `node:url`, whose answer is the runtime's: Node 20 and 22 refuse `xn--zz.example` (its
// Punycode does not decode) and Node 24 accepts it; Node 20 refuses characters of Unicode 15.1
// and later that Node 24 accepts, and accepts some that Node 24 refuses. CI runs this file under
// Node 20, 22 and 24 (.ci/run): every row must give the same verdict on each.
import { afterAll, describe, expect, test } from "vitest";
import { parsePrefillJson, prefillSettings, renderPrefillJson } from "../../lib/artifacts/prefill";
import { publishedCatalog } from "../../lib/model/ip-catalog";
import { normalizeDomain, normalizeHost } from "../../lib/model/names";
import { exchangeDomain } from "./builders";
import { load, removeTempDirs, where } from "./helpers";

afterAll(removeTempDirs);

describe("internationalised names: one verdict on every Node version", () => {
  test.each([
    // Valid IDN, in any case, with one trailing dot.
    ["bücher.example", "xn--bcher-kva.example"],
    ["BÜCHER.Example", "xn--bcher-kva.example"],
    ["bücher.example.", "xn--bcher-kva.example"],
    ["пример.рф", "xn--e1afmkfd.xn--p1ai"],
    ["ファッション.biz", "xn--bck1b9a5dre4c.biz"],
    ["ما.example", "xn--mgb3d.example"],
    // Nontransitional, as browsers: ß stays ß instead of becoming ss.
    ["faß.de", "xn--fa-hia.de"],
    // Mapped as UTS #46 maps them: fullwidth letters, the ideographic full stop, a soft hyphen.
    ["ｅｘａｍｐｌｅ.bücher", "example.xn--bcher-kva"],
    ["bücher。example", "xn--bcher-kva.example"],
    ["bü\u00adcher.example", "xn--bcher-kva.example"],
    // Emoji are valid in UTS #46 (and so in browsers).
    ["💩.la", "xn--ls8h.la"],
    // Unicode 15.1 (CJK Extension I): refused by Node 20's tables, accepted by Node 24's.
    ["\u{2EBF0}.example", "xn--8g0n.example"],
    // Punycode written by hand that decodes to a valid label, in any case.
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["XN--Bcher-KVA.example", "xn--bcher-kva.example"],
    ["xn--ls8h.la", "xn--ls8h.la"],
    // `--` in the third and fourth positions: allowed (CheckHyphens is off, as in browsers), ASCII or not.
    ["ab--cd.example", "ab--cd.example"],
    ["bü--cher.example", "xn--b--cher-n2a.example"],
    // A hyphen at the start of a Unicode label: its ASCII form starts with xn--, as every Node
    // accepted it; an ASCII label starting with a hyphen is refused (next table).
    ["-bücher.example", "xn---bcher-4ya.example"],
  ])("accepts %j as %j", (text, expected) => {
    // GIVEN a name every supported runtime should take; WHEN normalised; THEN its ASCII form
    expect(normalizeDomain(text)).toEqual({ ok: true, value: expected });
    expect(normalizeHost(`mail.${text}`)).toEqual({ ok: true, value: `mail.${expected}`, kind: "name" });
  });

  test.each([
    // xn-- labels that do not decode, or decode to nothing valid: Node 24 took them all.
    ["xn--zz.example", "punycode label (xn--) that does not decode"],
    ["xn--a.example", "punycode label (xn--) that does not decode"],
    ["xn--ab--cd.example", "punycode label (xn--) that does not decode"],
    ["bücher.xn--zz.example", "not a valid internationalised domain name"],
    ["xn--.example", "starts or ends with a hyphen"],
    ["xn--ü.example", "not a valid internationalised domain name"],
    // The Bidi rule (RFC 5893): a right-to-left label mixed with Latin; a label of one
    // Arabic-Indic digit (Node 20 accepted that one).
    ["ماb.example", "not a valid internationalised domain name"],
    ["\u0660.example", "not a valid internationalised domain name"],
    // A joiner outside the contexts RFC 5892 allows it in.
    ["a\u200cb.example", "not a valid internationalised domain name"],
    // A label may not start with a combining mark.
    ["\u0301a.example", "not a valid internationalised domain name"],
    ["-bucher.example", "starts or ends with a hyphen"],
    ["bücher..example", "empty label"],
    ["bü_cher.example", 'contains "_"'],
    // The URL parser percent-decoded this to "üa"; IDNA does not: a domain has no %.
    ["ü%41.example", 'contains "%"'],
    // Node's URL parser refused this as an IPv4 address; the reason now names the real mistake.
    ["bücher.123", 'its last label "123" is all digits'],
  ])("refuses %j: %s", (text, reason) => {
    // GIVEN a name no supported runtime should take; WHEN normalised; THEN refused, saying why
    expect(normalizeDomain(text)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  test("GIVEN a URL WHEN given as a domain THEN refused, suggesting its host only when that host is valid (Node 24's URL parser offered xn--zz.example)", () => {
    expect(normalizeDomain("https://xn--zz.example/")).toEqual({ ok: false, reason: "it is a URL; give only the name" });
    expect(normalizeDomain("https://Bücher.example/x")).toEqual({ ok: false, reason: "it is a URL; give only the name", suggestion: "xn--bcher-kva.example" });
    // Node 20's URL parser refused this Unicode 15.1 host, so it offered nothing.
    expect(normalizeDomain("https://\u{2EBF0}.example/")).toEqual({ ok: false, reason: "it is a URL; give only the name", suggestion: "xn--8g0n.example" });
  });
});

describe("the Exchange URL's host: one verdict on every Node version", () => {
  const problemsOf = (url: string) => {
    const result = load({ "a.yaml": exchangeDomain({ url }) });
    const domain = result.config?.domains[0];
    return {
      url: domain?.kind === "exchange" ? domain.url : undefined,
      problems: result.diagnostics.map((d) => `${where(d)} ${d.severity} ${d.code}: ${d.message}`),
    };
  };

  /** Hosts every Node version's URL parser takes: what is stored must be what it writes. */
  const everywhere: [string, string][] = [
    ["https://mail.bücher.example/EWS/Exchange.asmx", "https://mail.xn--bcher-kva.example/EWS/Exchange.asmx"],
    ["https://MAIL.Bücher.example:8443/EWS/Exchange.asmx", "https://mail.xn--bcher-kva.example:8443/EWS/Exchange.asmx"],
    ["https://mail.bücher.example:443/EWS/Exchange.asmx?a=b#c", "https://mail.xn--bcher-kva.example/EWS/Exchange.asmx?a=b#c"],
    ["https://mail.bücher.example./EWS/Exchange.asmx", "https://mail.xn--bcher-kva.example./EWS/Exchange.asmx"],
    ["https://mail.b%C3%BCcher.example/EWS/Exchange.asmx", "https://mail.xn--bcher-kva.example/EWS/Exchange.asmx"],
    ["https://mail.xn--bcher-kva.example/EWS/Exchange.asmx", "https://mail.xn--bcher-kva.example/EWS/Exchange.asmx"],
  ];

  test.each([
    ...everywhere,
    // Unicode 15.1: Node 20's URL parser refused this host, Node 24's took it.
    ["https://mail.\u{2EBF0}.example/EWS/Exchange.asmx", "https://mail.xn--8g0n.example/EWS/Exchange.asmx"],
    ["https://mail.xn--8g0n.example/EWS/Exchange.asmx", "https://mail.xn--8g0n.example/EWS/Exchange.asmx"],
  ])("GIVEN %j WHEN validated THEN valid, stored as %j", (url, stored) => {
    expect(problemsOf(url)).toEqual({ url: stored, problems: [] });
  });

  test.each(everywhere)("GIVEN %j, which every Node's URL parser takes, WHEN validated THEN stored exactly as that parser writes it", (url) => {
    expect(problemsOf(url).url).toBe(new URL(url).href);
  });

  test.each([
    // Node 20 said "not a valid absolute URL" and Node 24 accepted the URL's parse: now the host, on each.
    ["https://mail.xn--zz.example/EWS/Exchange.asmx", "mail.xn--zz.example", "it contains a punycode label (xn--) that does not decode"],
    // Node 20 accepted this host; the Bidi rule refuses it.
    ["https://mail.\u0660.example/EWS/Exchange.asmx", "mail.\u0660.example", "it is not a valid internationalised domain name"],
  ])("GIVEN %j WHEN validated THEN the host %j is refused: %s", (url, host, reason) => {
    expect(problemsOf(url)).toEqual({
      url: undefined,
      problems: [`a.yaml:4:12 error INVALID_EXCHANGE_URL: The Exchange URL's host "${host}" is not valid: ${reason}.`],
    });
  });

  test("GIVEN a refused host and credentials WHEN validated THEN both are reported, as for any other host", () => {
    const { problems } = problemsOf("https://me:secret@mail.xn--zz.example/EWS/Exchange.asmx");
    expect(problems.map((p) => p.replace(/:.*?: /, ": "))).toEqual([
      expect.stringContaining("contains a user name or password"),
      expect.stringContaining('The Exchange URL\'s host "mail.xn--zz.example" is not valid'),
    ]);
  });
});

describe("what a synth stored reads back on every Node version", () => {
  test("GIVEN an Exchange URL on a Unicode 15.1 host WHEN its prefill-settings.json is written and read back THEN read as written (Node 20's URL parser refused the stored URL)", () => {
    const { config, diagnostics } = load({ "a.yaml": exchangeDomain({ url: "https://mail.\u{2EBF0}.example/EWS/Exchange.asmx" }) });
    expect(diagnostics).toEqual([]);
    const read = parsePrefillJson(renderPrefillJson(prefillSettings(config!, publishedCatalog())));
    expect(read).toEqual({ domains: [expect.objectContaining({ kind: "exchange", exchangeUrl: "https://mail.xn--8g0n.example/EWS/Exchange.asmx" })], removed: [] });
  });

  test("GIVEN a stored Exchange URL whose host has an xn-- label that does not decode WHEN read back THEN refused, as on Node 20 (Node 24's URL parser took it)", () => {
    const { config } = load({ "a.yaml": exchangeDomain() });
    const json = renderPrefillJson(prefillSettings(config!, publishedCatalog())).replace("https://mail.corp.example.org/", "https://mail.xn--zz.example/");
    expect(parsePrefillJson(json)).toEqual({ error: expect.stringContaining("exchangeUrl is not an https URL") });
  });
});
