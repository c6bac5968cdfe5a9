import * as path from "node:path";
import { rangesCheck } from "../../lib/ranges/command";
import { capturedIo } from "../cli/helpers";
import { tempDir, writeTree } from "../support/run";

export const FIXTURES = path.join(__dirname, "fixtures");

/** A saved response of this folder's fixtures, as an absolute path. */
export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/**
 * Runs `mailgate ranges check <args>` in-process with captured output, an explicit environment
 * and working directory; `subcommand: false` passes `args` as they are (the arguments after
 * `ranges`, as lib/cli.ts does).
 */
export function ranges(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; subcommand?: boolean } = {}) {
  const { io, output } = capturedIo(options);
  const status = rangesCheck(options.subcommand === false ? args : ["check", ...args], io);
  return { status, ...output() };
}

/** A valid config without `hubspot.ipRanges`: the shipped catalog is in use. */
export function shippedConfig(): string {
  return writeTree({ "domains.yaml": "domains: []\n" }, tempDir("mailgate-ranges-"));
}

/** A valid config whose own `hubspot.ipRanges` has these lists. */
export function customConfig(smtp: readonly string[], imap: readonly string[], source = "HubSpot 'View connection IPs', account 1234, 2026-11-01"): string {
  const list = (cidrs: readonly string[]) => `[${cidrs.map((c) => JSON.stringify(c)).join(", ")}]`;
  return writeTree(
    {
      "hubspot.yaml": `hubspot:\n  ipRanges:\n    source: ${JSON.stringify(source)}\n    smtp: ${list(smtp)}\n    imap: ${list(imap)}\n`,
      "domains.yaml": "domains: []\n",
    },
    tempDir("mailgate-ranges-"),
  );
}

/** The `--format json` document of a run. */
export function json(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const result = ranges([...args, "--format", "json"], options);
  return { ...result, document: result.stdout === "" ? undefined : JSON.parse(result.stdout) };
}

/**
 * A saved response of `count` EMAIL EGRESS single addresses, every other address from `first`
 * (an IPv4 address as a number) so that no two merge, written to a temp file; returns its path.
 */
export function manyRanges(count: number, first = 0x03000000): string {
  const results = Array.from({ length: count }, (_, i) => {
    const n = first + 2 * i;
    const cidr = `${[24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".")}/32`;
    return { cidr, description: "Email sending & connected inboxes", direction: "EGRESS", service: "EMAIL" };
  });
  return path.join(writeTree({ "ranges.json": JSON.stringify({ results }) }, tempDir("mailgate-ranges-")), "ranges.json");
}
