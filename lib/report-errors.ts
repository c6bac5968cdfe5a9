import { formatDiagnostics } from "./config/format";
import type { Diagnostic } from "./config/diagnostic";

/** Exit codes shared by every entry point (contract: DESIGN.md). */
export const EXIT = { ok: 0, invalidConfig: 1, usage: 2, internal: 70 } as const;

export function printDiagnostics(diagnostics: readonly Diagnostic[], stream: NodeJS.WritableStream = process.stderr): void {
  if (diagnostics.length > 0) stream.write(`${formatDiagnostics(diagnostics)}\n`);
}

/**
 * Runs an entry point so that a bug never looks like a config problem and a config problem never
 * shows a stack trace: an unexpected exception prints one line saying it is a bug (the stack only
 * with DEBUG=mailgate) and exits 70 (EX_SOFTWARE).
 */
export function runGuarded(main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`mailgate: internal error (a bug in mailgate, not in your config; please report it): ${message}\n`);
        if (/(^|,)\s*mailgate\s*(,|$)/.test(process.env.DEBUG ?? "") && error instanceof Error && error.stack) {
          process.stderr.write(`${error.stack}\n`);
        } else {
          process.stderr.write("mailgate: set DEBUG=mailgate to see the stack trace.\n");
        }
        process.exitCode = EXIT.internal;
      },
    );
}
