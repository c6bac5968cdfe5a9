import { formatDiagnostics } from "../config/format";
import type { Diagnostic } from "../config/diagnostic";
import { EXIT, OutputError, UsageError } from "./exit-codes";

export { EXIT, OutputError, UsageError };

export function printDiagnostics(diagnostics: readonly Diagnostic[], stream: NodeJS.WritableStream = process.stderr): void {
  if (diagnostics.length > 0) stream.write(`${formatDiagnostics(diagnostics)}\n`);
}

/** Whether DEBUG names mailgate (`DEBUG=mailgate`, `DEBUG=foo,mailgate`). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /(^|,)\s*mailgate\s*(,|$)/.test(env.DEBUG ?? "");
}

/**
 * Runs an entry point so that a bug never looks like a config problem and a config problem never
 * shows a stack trace: an unexpected exception prints one line saying it is a bug (the stack only
 * with DEBUG=mailgate) and exits 70 (EX_SOFTWARE). An `OutputError` prints one line naming the
 * path and exits 73 (EX_CANTCREAT).
 */
export function runGuarded(main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.exitCode = reportFailure(error, process.stderr, process.env);
      },
    );
}

/** What `runGuarded` prints for an exception, and the exit code; exported for tests. */
export function reportFailure(error: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv): number {
  const debug = debugEnabled(env);
  const stack = (e: unknown) => (debug && e instanceof Error && e.stack ? `${e.stack}\n` : "");
  if (error instanceof OutputError) {
    stderr.write(`mailgate: ${oneLine(error.message)}; ${error.aftermath}.\n`);
    stderr.write(stack(error.cause));
    return EXIT.cannotWrite;
  }
  if (error instanceof UsageError) {
    stderr.write(`mailgate: ${oneLine(error.message)}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  const how = debug ? "stack below" : "DEBUG=mailgate shows the stack";
  stderr.write(`mailgate: internal error (a bug in mailgate, not in your config; please report it; ${how}): ${oneLine(message)}\n`);
  stderr.write(stack(error));
  return EXIT.internal;
}

/** Messages of foreign errors may span lines; the contract is one line. */
function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, " ").trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
