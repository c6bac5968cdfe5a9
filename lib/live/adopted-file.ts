/**
 * The file `mailgate adopt` writes in the artifacts directory, in a module of its own: `validate`
 * and `check` look for it before loading the reader (lib/live/adopted.ts, and every kind's live
 * part with it), which is never loaded when the file is absent, the usual case.
 */
export const ADOPTED_FILE = "adopted.json";
