// Whether the loader in this checkout accepts `account` / `roleArn` on firewall targets (issue 6,
// being added concurrently). Asked of the loader itself rather than read from its source, so the
// answer stays right whatever shape the schema takes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../lib/config/load";

export interface AccountSupport {
  /** The loader accepts `account` on a target. */
  readonly supported: boolean;
  /** ... and `roleArn` with it (assume-role providers). */
  readonly roleArn: boolean;
  /** Why not, in the loader's own words (first error), when not supported. */
  readonly reason?: string;
}

const probe = (roleArn: boolean) => `firewalls:
  probe:
    type: aws-security-group
    region: us-east-1
    account: "123456789012"
${roleArn ? "    roleArn: arn:aws:iam::123456789012:role/mailgate-deploy\n" : ""}    securityGroupId: sg-0123456789abcdef0
domains:
  - domain: probe.example.com
    imap:
      incoming: { host: imap.probe.example.com, port: 993 }
      outgoing: { host: smtp.probe.example.com, port: 587 }
    firewalls: [probe]
`;

/** Tries `account` + `roleArn`, then `account` alone. */
export function detectAccountSupport(): AccountSupport {
  const withRole = tryLoad(probe(true));
  if (withRole === undefined) return { supported: true, roleArn: true };
  const alone = tryLoad(probe(false));
  if (alone === undefined) return { supported: true, roleArn: false, reason: withRole };
  return { supported: false, roleArn: false, reason: withRole };
}

/** The first error, or undefined when the loader accepts the text. */
function tryLoad(text: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-bench-probe-"));
  try {
    fs.writeFileSync(path.join(dir, "probe.yaml"), text);
    const { config, diagnostics } = loadConfig(dir);
    if (config) return undefined;
    const first = diagnostics.find((d) => d.severity === "error");
    return first ? `${first.code}: ${first.message}` : "no config";
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
