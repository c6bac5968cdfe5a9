/**
 * How a run ends, for every entry point: the exit codes (contract: DESIGN.md) and the two
 * failures that are not bugs. Below everything that writes, so writers and the CLI share them.
 */
/**
 * Exit codes shared by every entry point (contract: DESIGN.md). `cannotWrite` (EX_CANTCREAT) is
 * an output that could not be written (permissions, a full disk, a file where a directory should
 * be): the environment's problem, not the config's and not a bug. `internal` (EX_SOFTWARE) is a
 * bug in mailgate.
 */
export const EXIT = { ok: 0, invalidConfig: 1, usage: 2, internal: 70, cannotWrite: 73 } as const;

/** An output file or directory could not be written (permissions, a full disk, a file in the way). */
export class OutputError extends Error {
  constructor(
    /** The path that could not be written, as mailgate named it. */
    readonly path: string,
    readonly cause: unknown,
    /** What the failure left behind, for the reader. */
    readonly aftermath = "earlier outputs are unchanged",
  ) {
    super(`cannot write ${path}: ${describeCause(cause)}`);
    this.name = "OutputError";
  }
}

function describeCause(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code && !message.startsWith(code) ? `${code} (${message})` : message;
}

/** A setting or argument the user gave that cannot be used (exit 2, one line, no stack). */
export class UsageError extends Error {}

