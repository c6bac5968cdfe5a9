/**
 * What `JSON.parse` said about text that is not JSON, worded the same on every supported Node:
 * from Node 22 (V8 12.4) the message for the same text ends in " (line 1 column 2)", which
 * Node 20's lacks. Messages that reach users must not depend on the runtime (issue 20).
 */
export function jsonSyntaxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ \(line \d+ column \d+\)$/, "");
}
