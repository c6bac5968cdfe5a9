/**
 * Where something was written in a config file. The model carries it only for targets, so that
 * problems found once the policy has counted the rules (quotas, rule numbers) can point at the
 * target; it never reaches an output. Defined here, below the config reader, so the model
 * depends on nothing above it.
 */

/** A place in a config file. `file` is the path as shown to the user; line and column are 1-based. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The offending source line and the span to underline, for a caret excerpt. */
export interface SourceExcerpt {
  readonly lineText: string;
  readonly column: number;
  readonly length: number;
}
