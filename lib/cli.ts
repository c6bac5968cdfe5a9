// mailgate's command line. `validate` checks the config and writes nothing.
import { parseArgs } from "node:util";
import { loadConfig } from "./config/load";
import { hasErrors } from "./config/diagnostic";
import { EXIT, printDiagnostics, runGuarded } from "./report-errors";
import { settingsFromEnv } from "./settings";

const USAGE = `Usage: mailgate validate [--config DIR]

Commands:
  validate   Check every *.yaml/*.yml under the config directory; print all problems.

Options:
  --config DIR   Config directory (default: $MAILGATE_CONFIG, else "config").
  -h, --help     Show this help.

Exit codes: 0 valid (warnings allowed), 1 invalid config, 2 usage error, 70 internal error.`;

export function main(argv: readonly string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    process.stderr.write(`mailgate: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  if (command !== "validate" || rest.length > 0) {
    const problem = command === undefined ? "no command given" : rest.length > 0 ? `unexpected argument "${rest[0]}"` : `unknown command "${command}"`;
    process.stderr.write(`mailgate: ${problem}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const configDir = values.config ?? settingsFromEnv().configDir;
  const { diagnostics } = loadConfig(configDir);
  printDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) return EXIT.invalidConfig;
  process.stdout.write(`${configDir}: valid${diagnostics.length > 0 ? ` (${diagnostics.length} warning${diagnostics.length === 1 ? "" : "s"})` : ""}\n`);
  return EXIT.ok;
}

if (require.main === module) runGuarded(() => main(process.argv.slice(2)));
