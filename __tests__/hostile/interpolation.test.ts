// Interpolation safety: Terraform evaluates `${...}` and `%{...}` in every JSON string, and
// cdktf substitutes its own `${TfToken[...]}` markers in any string it writes. Text from config
// must either be refused by validation or reach cdk.tf.json escaped (`$${`, `%%{`); the
// artifacts (JSON, Markdown, CSV: not Terraform) keep it literal. Every string field of
// `everyFieldExample()` gets every payload: a new kind of field is covered once it is there.
import { afterAll, describe, expect, test } from "vitest";
import { parseDocument, visit } from "yaml";
import { escapeTerraformString } from "../../lib/terraform/text";
import { everyFieldExample, exampleWithIpRanges, jsonStrings, liveTemplates, ScratchDir, synthesize } from "./support";

const scratch = new ScratchDir();
afterAll(() => scratch.remove());

/** Hostile text; `PWN` marks it in the output. */
const PAYLOADS = ["${PWN}", "%{PWN}", "$${PWN}", "${TfToken[TOKEN.1]}PWN", '%{ if true }PWN%{ endif }', '"}],"PWN":{"'];

interface Field {
  readonly file: string;
  /** 1-based line of the scalar in its file. */
  readonly line: number;
  /** `domains[0].imap.incoming.host`-like, for test names. */
  readonly label: string;
  readonly range: readonly [number, number];
  readonly value: string;
}

/** Every string scalar (values and keys) of every file of the base config. */
function stringFields(files: Record<string, string>): Field[] {
  const fields: Field[] = [];
  for (const [file, text] of Object.entries(files)) {
    const doc = parseDocument(text);
    visit(doc, {
      Scalar(key, node, path) {
        if (typeof node.value !== "string" || !node.range) return;
        const trail = path
          .filter((p) => (p as { key?: unknown }).key !== undefined)
          .map((p) => String(((p as { key?: { value?: unknown } }).key as { value?: unknown })?.value));
        const line = text.slice(0, node.range[0]).split("\n").length;
        const label = `${file}:${line} ${[...trail, key === "key" ? "(key)" : ""].filter(Boolean).join(".")} = ${node.value}`;
        fields.push({ file, line, label, range: [node.range[0], node.range[1]], value: node.value });
      },
    });
  }
  return fields;
}

const BASE = everyFieldExample();
const FIELDS = stringFields(BASE);

/** The base config with one scalar replaced by `text`, written as a YAML double-quoted string. */
function withField(field: Field, text: string): Record<string, string> {
  const source = BASE[field.file];
  return { ...BASE, [field.file]: `${source.slice(0, field.range[0])}${JSON.stringify(text)}${source.slice(field.range[1])}` };
}

describe("hostile text in every string field of the example config", () => {
  test("the example covers the fields that reach Terraform or the artifacts", () => {
    const labels = FIELDS.map((f) => f.label).join("\n");
    const expectedFields = ["domain =", "host =", "url =", "name =", "region =", "vpcId =", "securityGroupId =", "source =", "(key) = mail-use1"];
    const laterFields = ["account =", "roleArn =", "networkAclId =", "destinations =", "sources =", "bucket =", "keyPrefix ="];
    for (const expected of [...expectedFields, ...laterFields]) {
      expect(labels).toContain(expected);
    }
  });

  // Per field, the payloads alone and appended to the valid value (which passes more checks).
  test.each(FIELDS.map((f) => [f.label, f] as const))("%s", (_, field) => {
    for (const payload of PAYLOADS) {
      for (const text of [payload, `${field.value}${payload}`]) {
        const dir = scratch.write(withField(field, text));
        const result = synthesize(dir);
        if ("diagnostics" in result) {
          // Refused: with an error where the text is.
          const here = result.diagnostics.filter((d) => d.severity === "error" && d.position.file === `${dir}/${field.file}` && d.position.line === field.line);
          expect(here.length, `${JSON.stringify(text)} refused, but not at ${field.file}:${field.line}`).toBeGreaterThan(0);
          continue;
        }
        // Accepted: no live template in any string of any stack.
        for (const [stack, json] of result.stacks) {
          const live = jsonStrings(json).flatMap(liveTemplates);
          expect(live, `${JSON.stringify(text)} in ${stack}`).toEqual([]);
        }
      }
    }
  });
});

describe("free text reaches the artifacts literally and Terraform not at all", () => {
  const hostile = '${file("/etc/passwd")} %{ if true }x%{ endif } ${TfToken[TOKEN.1]} <b>PWN</b>';

  test("GIVEN ipRanges.source full of template syntax WHEN synthesized THEN it is absent from cdk.tf.json and literal in every artifact", () => {
    const result = synthesize(scratch.write(exampleWithIpRanges(hostile)));
    if ("diagnostics" in result) throw new Error(JSON.stringify(result.diagnostics));
    for (const json of result.stacks.values()) expect(json).not.toContain("PWN");
    expect(JSON.parse(result.artifacts.get("prefill-settings.json")!).ipRanges.source).toBe(hostile);
    expect(result.artifacts.get("prefill-settings.md")).toContain(hostile);
    const report = result.artifacts.get("firewall-rules.json");
    if (report) expect(jsonStrings(report)).toContain(hostile);
  });

  test("GIVEN an Exchange URL with template syntax in its query WHEN synthesized THEN the prefill has the URL, Terraform only the host and port", () => {
    const files = { ...exampleWithIpRanges(), "domains/exchange.yaml": 'domains:\n  - domain: corp.example.org\n    exchange:\n      url: "https://mail.corp.example.org/EWS/Exchange.asmx?x=${PWN}%{PWN}"\n    firewalls: [exchange-dmz]\n' };
    const result = synthesize(scratch.write(files));
    if ("diagnostics" in result) throw new Error(JSON.stringify(result.diagnostics));
    for (const json of result.stacks.values()) expect(json).not.toContain("PWN");
    const exchange = JSON.parse(result.artifacts.get("prefill-settings.json")!).domains.find((d: { kind: string }) => d.kind === "exchange");
    expect(exchange.exchangeUrl).toBe("https://mail.corp.example.org/EWS/Exchange.asmx?x=${PWN}%{PWN}");
  });

  test("GIVEN a group name with `$` and braces apart (AWS allows both) WHEN synthesized THEN it reaches Terraform literally, with nothing to evaluate", () => {
    const files = { ...exampleWithIpRanges(), "firewalls.yaml": exampleWithIpRanges()["firewalls.yaml"].replace("name: hubspot-mail-ingress", 'name: "mail {$} $ {x} $"') };
    const result = synthesize(scratch.write(files));
    if ("diagnostics" in result) throw new Error(JSON.stringify(result.diagnostics));
    const json = result.stacks.get("mailgate-us-east-1")!;
    expect(JSON.parse(json).resource.aws_security_group["mail-use1_group"].name).toBe("mail {$} $ {x} $");
    expect(jsonStrings(json).flatMap(liveTemplates)).toEqual([]);
  });
});

describe("the last line of defence", () => {
  test.each([
    ["${a}", "$${a}"],
    ["%{a}", "%%{a}"],
    ["$${a}", "$$${a}"],
    ["a$b{c}%d", "a$b{c}%d"],
  ])("escapeTerraformString(%j) is %j, which Terraform reads back as the original", (text, escaped) => {
    expect(escapeTerraformString(text)).toBe(escaped);
    expect(liveTemplates(escaped)).toEqual([]);
  });

  test("a cdktf token marker is refused outright: no escape survives cdktf's own substitution", () => {
    expect(() => escapeTerraformString("x${TfToken[TOKEN.1]}")).toThrow(/token marker/);
  });
});
