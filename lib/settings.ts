/** Where mailgate reads config and writes artifacts; the environment names are contract. */
export interface Settings {
  /** @default "config" (env MAILGATE_CONFIG) */
  readonly configDir: string;
  /** @default "generated" (env MAILGATE_OUT) */
  readonly outDir: string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    configDir: nonEmpty(env.MAILGATE_CONFIG) ?? "config",
    outDir: nonEmpty(env.MAILGATE_OUT) ?? "generated",
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== "" ? value : undefined;
}
