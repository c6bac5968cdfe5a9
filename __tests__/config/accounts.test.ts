import { afterAll, describe, expect, test } from "vitest";
import type { DiagnosticCode } from "../../lib/config/diagnostic";
import type { AwsFirewallTarget } from "../../lib/model/config";
import { domainUsing, firewall } from "./builders";
import { load, removeTempDirs, where, yaml } from "./helpers";

afterAll(removeTempDirs);

const GROUP = "securityGroupId: sg-0a1b2c3d";
const ROLE = "arn:aws:iam::123456789012:role/mailgate-deploy";
/** A firewall `fw` (type 3:11, region 4:13, target lines from 5, values at col 14 for `account: `, 14 for `roleArn: `). */
const sg = (target: string[], name = "fw", file = "fw.yaml") => ({ "a.yaml": domainUsing(name), [file]: firewall({ name, target: [GROUP, ...target] }) });
const terraform = (...lines: string[]) => ({ ...sg([]), "tf.yaml": yaml("terraform:", ...lines.map((l) => `  ${l}`)) });

describe("accounts and roles: each bad input yields exactly one error, at its position", () => {
  test.each<[string, Record<string, string>, DiagnosticCode, string, string]>([
    ["an 11-digit account", sg(['account: "12345678901"']), "INVALID_ACCOUNT_ID", "fw.yaml:6:14", "exactly 12 digits"],
    ["an account with letters", sg(['account: "12345678901a"']), "INVALID_ACCOUNT_ID", "fw.yaml:6:14", "quote it"],
    ["an unquoted account (YAML drops leading zeros)", sg(["account: 012345678901"]), "NON_CANONICAL_NUMBER", "fw.yaml:6:14", 'put it in quotes ("012345678901")'],
    ["a user ARN instead of a role", sg(["roleArn: arn:aws:iam::123456789012:user/ci"]), "INVALID_ROLE_ARN", "fw.yaml:6:14", "role/<name>"],
    ["a role ARN with a short account", sg(["roleArn: arn:aws:iam::12345:role/x"]), "INVALID_ROLE_ARN", "fw.yaml:6:14", "12-digit"],
    ["a role in another account", sg(['account: "210987654321"', `roleArn: ${ROLE}`]), "ROLE_ACCOUNT_MISMATCH", "fw.yaml:7:14", "123456789012"],
    ["an unknown key next to them", sg(["acount: x"]), "UNKNOWN_KEY", "fw.yaml:6:5", "did you mean `account`?"],
  ])("%s", (_, files, code, at, says) => {
    const { config, diagnostics } = load(files);
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual([`${code} ${at}`]);
    expect(`${diagnostics[0].message} ${diagnostics[0].hint ?? ""}`).toContain(says);
    expect(config).toBeUndefined();
  });

  test("two firewalls of one account and region with different roles conflict, naming both places", () => {
    const { diagnostics } = load({
      "a.yaml": yaml(
        "domains:",
        "  - domain: example.com",
        "    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }",
        "    firewalls: [one, two]",
      ),
      "one.yaml": firewall({ name: "one", target: [GROUP, `roleArn: ${ROLE}`] }),
      "two.yaml": firewall({ name: "two", target: ["securityGroupId: sg-1a1b2c3d", 'account: "123456789012"'] }),
    });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["CONFLICTING_STACK_ROLE two.yaml:2:3"]);
    expect(diagnostics[0].message).toContain("stack mailgate-123456789012-us-east-1 with no role");
    expect(diagnostics[0].message).toContain(`one.yaml:2:3 in the same stack has role ${ROLE}`);
    expect(diagnostics[0].related).toEqual([{ file: "one.yaml", line: 2, column: 3 }]);
  });

  test("the account comes from the role when only the role is given", () => {
    const { config, diagnostics } = load(sg([`roleArn: ${ROLE}`]));
    expect(diagnostics).toEqual([]);
    expect(config?.firewalls[0]).toMatchObject({ account: "123456789012", roleArn: ROLE });
  });

  test("an account without a role pins the account and assumes nothing", () => {
    const { config } = load(sg(['account: "012345678901"']));
    expect((config?.firewalls[0] as AwsFirewallTarget | undefined)?.account).toBe("012345678901");
    expect((config?.firewalls[0] as AwsFirewallTarget | undefined)?.roleArn).toBeUndefined();
  });
});

describe("terraform backend", () => {
  test.each<[string, Record<string, string>, DiagnosticCode, string]>([
    ["no backend named", terraform("backend: {}"), "BACKEND_SHAPE", "tf.yaml:2:12"],
    ["both local and s3", terraform("backend:", "  local: {}", "  s3: { bucket: my-state, region: us-east-1 }"), "BACKEND_SHAPE", "tf.yaml:3:5"],
    ["an upper-case bucket", terraform("backend:", "  s3: { bucket: My_State, region: us-east-1 }"), "INVALID_STATE_BUCKET", "tf.yaml:3:19"],
    ["a bucket region typo", terraform("backend:", "  s3: { bucket: my-state, region: useast-1 }"), "INVALID_REGION", "tf.yaml:3:37"],
    ["a key prefix without a trailing slash", terraform("backend:", "  s3: { bucket: my-state, region: us-east-1, keyPrefix: mailgate }"), "INVALID_STATE_KEY_PREFIX", "tf.yaml:3:59"],
    ["a key prefix with ..", terraform("backend:", "  s3: { bucket: my-state, region: us-east-1, keyPrefix: a/../ }"), "INVALID_STATE_KEY_PREFIX", "tf.yaml:3:59"],
    ["a missing bucket", terraform("backend:", "  s3: { region: us-east-1 }"), "MISSING_FIELD", "tf.yaml:3:9"],
    ["an unknown backend", terraform("backend:", "  gcs: { bucket: x }"), "UNKNOWN_KEY", "tf.yaml:3:5"],
  ])("%s", (_, files, code, at) => {
    const { config, diagnostics } = load(files);
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual([`${code} ${at}`]);
    expect(config).toBeUndefined();
  });

  test("a second terraform section is an error naming the first", () => {
    const { diagnostics } = load({
      ...terraform("backend:", "  local: {}"),
      "z.yaml": yaml("terraform:", "  backend:", "    local: {}"),
    });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_TERRAFORM z.yaml:1:1"]);
    expect(diagnostics[0].message).toContain("tf.yaml:1:1");
  });

  test("an S3 backend loads with the default key prefix and lockfile off", () => {
    const { config, diagnostics } = load(terraform("backend:", "  s3: { bucket: my-state.example, region: eu-central-1 }"));
    expect(diagnostics).toEqual([]);
    expect(config?.terraform).toEqual({ backend: { kind: "s3", bucket: "my-state.example", keyPrefix: "mailgate/", region: "eu-central-1", useLockfile: false } });
  });

  test("no terraform section means local state", () => {
    expect(load(sg([])).config?.terraform).toBeUndefined();
  });
});
