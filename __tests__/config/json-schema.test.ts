import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { configJsonSchema, JSON_SCHEMA_PATH } from "../../lib/config/json-schema";
import { PROJECT_ROOT } from "../support/run";

const committed = fs.readFileSync(path.join(PROJECT_ROOT, JSON_SCHEMA_PATH), "utf8");
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(committed));

/** The shipped example (`config/`) and the advanced one (`examples/advanced/`), relative to the project root. */
function exampleFiles(): string[] {
  return ["config", "examples/advanced"].flatMap((dir) =>
    fs
      .readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true })
      .map(String)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}

describe("editor JSON Schema", () => {
  test("the committed schema is what the validator's zod schema generates (run `npm run schema` after changing it)", () => {
    expect(committed).toBe(configJsonSchema());
  });

  test.each(exampleFiles())("%s declares the schema for yaml-language-server and satisfies it", (file) => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
    const declared = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
    expect(declared).toBeDefined();
    expect(path.resolve(PROJECT_ROOT, path.dirname(file), declared!)).toBe(path.join(PROJECT_ROOT, JSON_SCHEMA_PATH));
    expect(validate(parse(text) ?? {}), JSON.stringify(validate.errors)).toBe(true);
  });

  test.each([
    ["an unknown top-level key", { domain: [] }],
    ["a misspelt key in a domain", { domains: [{ domain: "example.com", imapp: {} }] }],
    ["a port as a string", { domains: [{ domain: "example.com", imap: { incoming: { host: "a", port: "993" }, outgoing: { host: "b", port: 587 } } }] }],
    ["a port out of range", { domains: [{ domain: "example.com", imap: { incoming: { host: "a", port: 0 }, outgoing: { host: "b", port: 587 } } }] }],
    ["an unknown firewall type", { firewalls: { a: { type: "aws-sg", region: "us-east-1" } } }],
    ["a network ACL without rule numbers", { firewalls: { a: { type: "aws-network-acl", region: "us-east-1", networkAclId: "acl-0a1b2c3d" } } }],
    ["a network ACL quota over 40", { firewalls: { a: { type: "aws-network-acl", region: "us-east-1", networkAclId: "acl-0a1b2c3d", ruleNumbers: { from: 1, to: 9 }, maxRules: 41 } } }],
    ["a security group key on a Network Firewall", { firewalls: { a: { type: "aws-network-firewall", region: "us-east-1", name: "n", destinations: ["10.0.0.1"], vpcId: "vpc-1" } } }],
    ["sources misspelt", { firewalls: { a: { type: "aws-security-group", region: "us-east-1", securityGroupId: "sg-1", sources: "prefix-list" } } }],
  ])("editors flag %s", (_, document) => {
    expect(validate(document)).toBe(false);
  });
});
