import { UsageError } from "./report-errors";

/** Where mailgate reads config and writes artifacts; the environment names are contract. */
export interface Settings {
  /** @default "config" (env MAILGATE_CONFIG) */
  readonly configDir: string;
  /** @default "generated" (env MAILGATE_OUT) */
  readonly outDir: string;
  /**
   * Which role stack providers assume: `deploy` (each target's `roleArn`) or `plan` (its
   * read-only `planRoleArn`, else none: the caller's own credentials), for plans of unmerged code.
   * @default "deploy" (env MAILGATE_ASSUME)
   */
  readonly assume: "deploy" | "plan";
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const assume = nonEmpty(env.MAILGATE_ASSUME);
  if (assume !== undefined && assume !== "deploy" && assume !== "plan") {
    throw new UsageError(`MAILGATE_ASSUME must be "deploy" or "plan", got ${JSON.stringify(assume)}`);
  }
  return {
    configDir: nonEmpty(env.MAILGATE_CONFIG) ?? "config",
    outDir: nonEmpty(env.MAILGATE_OUT) ?? "generated",
    assume: assume ?? "deploy",
  };
}


function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== "" ? value : undefined;
}
