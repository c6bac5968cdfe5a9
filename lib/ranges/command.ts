// `mailgate ranges check <saved-response.json>`: is the catalog in use still what HubSpot
// publishes? Reads a saved response (CI fetches it; mailgate never uses the network), reports,
// and never rewrites anything.
import { hasErrors } from "../config/diagnostic";
import { readCommandArguments } from "../model/command-options";
import { catalogFor } from "../model/ip-catalog";
import { EXIT, printDiagnostics, UsageError } from "../io/report-errors";
import { fromUser, settingsFromEnv } from "../settings";
import { validateConfig } from "../validate";
import { compareRanges, DEFAULT_SERVICES } from "./compare";
import { MAX_RESPONSE_BYTES, NETWORK_ORIGINS_URL, readPublished, SERVICES, type Service } from "./published";
import { renderJson, renderText, TEXT_LIMITS } from "./render";

/** Where the command reads and writes; the same shape as lib/cli.ts's `CliIo`. */
export interface RangesIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** The directory relative paths (the response, --config) are resolved from. */
  readonly cwd: string;
}

/** Exit codes of `ranges check` (contract: DESIGN.md, "0 covered, 1 a difference, 2 unusable input"). */
export const RANGES_EXIT = { covered: EXIT.ok, difference: 1, invalidConfig: EXIT.invalidConfig, unusable: EXIT.usage } as const;

export const RANGES_CHECK_USAGE = `Usage: mailgate ranges check [--config DIR] [--services LIST] [--format text|json] <saved-response.json>

Compares the HubSpot IP lists in use (the config's hubspot.ipRanges, else the lists shipped
with mailgate) with a saved response of
  GET ${NETWORK_ORIGINS_URL}
and reports, per list (imap, smtp), the catalog's addresses HubSpot no longer publishes as
EGRESS under any service (stale), and the published EGRESS ranges of the chosen services that
neither list covers (missing: candidates for a person to judge, since HubSpot does not document
which service connects to connected inboxes). Uses no network; never rewrites the catalog.

Options:
  --config DIR     Config directory (default: $MAILGATE_CONFIG, else "config").
  --services LIST  Comma-separated services whose EGRESS ranges the lists must cover, from
                   ${SERVICES.join(", ")} (default: EMAIL,API).
  --format F       text (default; lists the first ${TEXT_LIMITS.lines} missing ranges and stale entries per
                   list and counts the rest) or json (all of them, one JSON document on stdout).
  -h, --help       Show this help.

Exit codes: 0 covered, 1 a difference (stale or missing; also an invalid config), 2 an
unusable response (missing, not a regular file, over ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, empty, not JSON, wrong shape) or
a usage error.`;

const FORMATS = ["text", "json"] as const;
type Format = (typeof FORMATS)[number];
const STRING_OPTIONS = ["config", "services", "format"] as const;
type StringOption = (typeof STRING_OPTIONS)[number];

/**
 * `mailgate ranges check ...`. `args` are the arguments after `ranges`, so they start with the
 * subcommand (`check`, the only one); `mailgate ranges --help` shows the usage too.
 */
export function rangesCheck(args: readonly string[], io: RangesIo): number {
  const [sub, ...rest] = args;
  if (sub === "check") return check(rest, io);
  if (sub === "-h" || sub === "--help") {
    io.stdout.write(`${RANGES_CHECK_USAGE}\n`);
    return EXIT.ok;
  }
  return usageError(io, sub === undefined ? "ranges needs a subcommand: check" : `unknown ranges subcommand "${sub}"; the only one is check`);
}

/** The arguments after `ranges check`. */
function check(args: readonly string[], io: RangesIo): number {
  const parsed = parseOptions(args);
  if (parsed === "help") {
    io.stdout.write(`${RANGES_CHECK_USAGE}\n`);
    return EXIT.ok;
  }
  if (typeof parsed === "string") return usageError(io, parsed);
  const { options, file } = parsed;

  const format = options.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) return usageError(io, `unknown format "${format}"; use text or json`);
  const services = parseServices(options.services);
  if (typeof services === "string") return usageError(io, services);

  let configDir: string;
  try {
    configDir = options.config !== undefined ? fromUser(options.config, io.cwd) : settingsFromEnv(io.env, io.cwd).configDir;
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, error.message);
    throw error;
  }

  // The response first: an unusable one fails the same way whatever the config says.
  const published = readPublished(fromUser(file, io.cwd), file);
  if (!published.ok) {
    io.stderr.write(`mailgate: ${published.message}\n`);
    return RANGES_EXIT.unusable;
  }
  // No outDir: the catalog does not depend on where earlier synths placed things.
  const { config, diagnostics } = validateConfig(configDir);
  if (!config || hasErrors(diagnostics)) {
    printDiagnostics(diagnostics, io.stderr);
    return RANGES_EXIT.invalidConfig;
  }
  const report = compareRanges(catalogFor(config.ipRanges), published.ranges, services);
  io.stdout.write((format as Format) === "json" ? renderJson(report, file) : renderText(report, file));
  return report.upToDate ? RANGES_EXIT.covered : RANGES_EXIT.difference;
}

/** The options and the one file, "help", or what is wrong with the arguments. */
function parseOptions(args: readonly string[]): { options: Partial<Record<StringOption, string>>; file: string } | "help" | string {
  const parsed = readCommandArguments(args, {
    command: "ranges check",
    strings: STRING_OPTIONS,
    hints: { needsValue: { config: " (a directory; --config=-dir for one whose name starts with -)" }, givenTwice: { services: "; list the services comma-separated" } },
  });
  if (typeof parsed === "string") return parsed;
  const { options, positionals: files } = parsed;
  if (files.length === 0) return "ranges check needs the saved response (a JSON file)";
  if (files.length > 1) return `ranges check takes one file, got ${files.length}: unexpected "${files[1]}"`;
  return { options, file: files[0] };
}

/** `EMAIL,API` (any case, spaces allowed) as services, or what is wrong. */
function parseServices(text: string | undefined): readonly Service[] | string {
  if (text === undefined) return DEFAULT_SERVICES;
  const names = text.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) return `--services "${text}" has an empty name; list services comma-separated, e.g. EMAIL,API`;
  const services: Service[] = [];
  for (const name of names) {
    const service = SERVICES.find((s) => s === name.toUpperCase());
    if (!service) return `unknown service "${name}" in --services; use ${SERVICES.join(", ")}`;
    services.push(service);
  }
  return services;
}

function usageError(io: RangesIo, problem: string): number {
  io.stderr.write(`mailgate: ${problem}\nhint: mailgate ranges check --help\n`);
  return RANGES_EXIT.unusable;
}
