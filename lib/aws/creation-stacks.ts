/**
 * cdktf records where every token was made (each resource's computed `tags_all` map, each
 * reference to a resource): `Error.captureStackTrace` with no depth limit, split into lines, kept
 * as the token's `creationStack`. It is read only to say where a token that fails to resolve was
 * made, and every token in a mailgate stack is one mailgate made itself. At 10,000 domains that is
 * 6,752 captures and 160-210 ms of a synth (scripts/bench/profile.ts), the floor's too.
 *
 * This runs `build` with `Error.captureStackTrace` doing nothing, so those stacks stay empty and
 * cdktf's creationStack is `[]`; it is put back before this returns or throws. Errors thrown
 * meanwhile keep their stacks: V8 records an error's stack itself, not through this function, and
 * Node's own errors use a copy taken at start-up. main.ts leaves the stacks on with DEBUG=mailgate.
 */
export function withoutCreationStacks<T>(build: () => T): T {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = skipCapture;
  try {
    return build();
  } finally {
    Error.captureStackTrace = capture;
  }
}

function skipCapture(): void {}
