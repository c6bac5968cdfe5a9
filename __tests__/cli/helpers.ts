import { Writable } from "node:stream";
import { main, type CliIo } from "../../lib/cli";
import { tempDir, writeTree } from "../support/run";

/**
 * An explicit environment and working directory, with stdout and stderr captured as text. The
 * artifacts directory is a fresh empty one unless the test names one (MAILGATE_OUT or --out):
 * the project's generated/ belongs to config/, and its placements.json refuses any other config
 * (PLACEMENTS_OTHER_CONFIG).
 */
export function capturedIo(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { io: CliIo; output: () => { stdout: string; stderr: string } } {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const io: CliIo = { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), env: { MAILGATE_OUT: tempDir("mailgate-out-"), ...options.env }, cwd: options.cwd ?? process.cwd() };
  return { io, output: () => ({ stdout, stderr }) };
}

/**
 * Runs the CLI in-process with captured output, an explicit environment and working directory;
 * waits for the exit code (each command loads its modules on use), then reads the output.
 */
export async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const { io, output } = capturedIo(options);
  const status = await main(args, io);
  return { status, ...output() };
}

/** `cli`, for the tests that call the commands from `live` and `adopt` on. */
export const cliAsync = cli;

/**
 * `cli` for what is answered before any command loads (--help, --version, a usage error), so a
 * module's top level can use it; throws for a command, which would need awaiting.
 */
export function cliSync(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const { io, output } = capturedIo(options);
  const status = main(args, io);
  if (typeof status !== "number") throw new Error(`mailgate ${args.join(" ")} runs a command: use await cli(...)`);
  return { status, ...output() };
}

export const FIREWALLS_YAML = `firewalls:
  mail-use1:
    type: aws-security-group
    region: us-east-1
    vpcId: vpc-0a1b2c3d4e5f67890
    name: hubspot-mail-ingress
  exchange-dmz:
    type: aws-security-group
    region: eu-central-1
    securityGroupId: sg-0a1b2c3d4e5f67890
`;

export const DOMAINS_YAML = `domains:
  - domain: example.com
    imap:
      incoming: { host: imap.example.com, port: 993 }
      outgoing: { host: smtp.example.com, port: 587 }
    firewalls: [mail-use1]
  - domain: corp.example.org
    exchange:
      url: https://mail.corp.example.org/EWS/Exchange.asmx
    firewalls: [exchange-dmz]
`;

/** A domain on a port nothing else uses: 2525 for SMTP. */
export const NEW_DOMAIN_YAML = `domains:
  - domain: example.org
    imap:
      incoming: { host: mail.example.org, port: 993 }
      outgoing: { host: mail.example.org, port: 2525 }
    firewalls: [mail-use1]
`;

export function configDir(extra: Record<string, string> = {}, root = tempDir()): string {
  return writeTree({ "firewalls.yaml": FIREWALLS_YAML, "domains/main.yaml": DOMAINS_YAML, ...extra }, root);
}
