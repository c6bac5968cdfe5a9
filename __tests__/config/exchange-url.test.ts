// The Exchange URL checks that keep secrets and quoting mistakes out of the prefill artifact
// (lib/config/check-domains.ts), each on its own: a user name without a password, a password
// without a user name, spaces around the URL. Mutation testing found each could be weakened
// with every other test still passing (issue 15).
import { afterAll, describe, expect, test } from "vitest";
import { exchangeDomain } from "./builders";
import { load, removeTempDirs, where } from "./helpers";

afterAll(removeTempDirs);

const EWS = "mail.example.org/EWS/Exchange.asmx";

/** Loads one Exchange domain with `url` (YAML text, quoted as written) at a.yaml:4:12. */
function withUrl(url: string) {
  const result = load({ "a.yaml": exchangeDomain({ url }) });
  return {
    config: result.config,
    problems: result.diagnostics.map((d) => `${where(d)} ${d.severity} ${d.code}: ${d.message} | ${d.hint ?? ""}`),
  };
}

describe("credentials in an Exchange URL are refused, whichever part is there", () => {
  test.each([
    ["a user name and a password", `https://me:secret@${EWS}`],
    // The WHATWG parser gives `username` "" and `password` "secret": only one of the two is set.
    ["a password without a user name", `https://:secret@${EWS}`],
    ["a user name without a password", `https://me@${EWS}`],
    ["a user name with an empty password", `https://me:@${EWS}`],
  ])("GIVEN %s WHEN validated THEN one error at the URL and no config (nothing reaches the prefill artifact)", (_, url) => {
    const { config, problems } = withUrl(url);
    // The message masks what stood before the `@`, so the secret does not reach CI logs either.
    expect(problems).toEqual([
      `a.yaml:4:12 error INVALID_EXCHANGE_URL: Exchange URL "https://***@${EWS}" contains a user name or password. | remove them: credentials never belong in config (each user signs in in HubSpot)`,
    ]);
    expect(config).toBeUndefined();
  });

  test("GIVEN an `@` only in the path WHEN validated THEN it is no credential: valid, the URL kept as written", () => {
    const { config, problems } = withUrl(`https://${EWS}?user=me@example.org`);
    expect(problems).toEqual([]);
    expect(config?.domains.map((d) => (d.kind === "exchange" ? d.url : d.kind))).toEqual([`https://${EWS}?user=me@example.org`]);
  });
});

describe("spaces around an Exchange URL are refused, not trimmed away", () => {
  test.each([
    ["a leading space", `" https://${EWS}"`, ` https://${EWS}`],
    ["a trailing space", `"https://${EWS} "`, `https://${EWS} `],
    ["a trailing newline", `"https://${EWS}\\n"`, `https://${EWS}\n`],
    ["a leading tab", `"\\thttps://${EWS}"`, `\thttps://${EWS}`],
  ])("GIVEN %s WHEN validated THEN one error at the URL, and no config", (_, yamlText, value) => {
    const { config, problems } = withUrl(yamlText);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^a\.yaml:4:12 error INVALID_EXCHANGE_URL: Exchange URL .* has leading or trailing whitespace\. \| remove the spaces$/);
    expect(config).toBeUndefined();
    // The WHATWG parser alone would have taken it: this check is the only thing refusing it.
    expect(new URL(value).href).toBe(`https://${EWS}`);
  });

  test("GIVEN the same URL without the spaces WHEN validated THEN valid", () => {
    const { config, problems } = withUrl(`"https://${EWS}"`);
    expect(problems).toEqual([]);
    expect(config?.domains).toHaveLength(1);
  });
});
