/**
 * A pass-through in front of the one AWS provider a test process starts (see provider.ts): every
 * gRPC call Terraform makes reaches the real provider unchanged, byte for byte, except
 * `GetSchema` (GetProviderSchema), the call that costs most of every command.
 *
 * Why: hashicorp/aws 5.100.0 describes about 1,500 resource and 600 data source types. Every
 * Terraform command (validate, plan, show, graph) asks for that schema once, and the CLI decodes
 * and checks all of it: about 2 s of CPU in the CLI and 1 s in the provider per command,
 * measured, nearly the whole cost of a command, for a stack that uses six types. So:
 * - the provider is asked for its schema once per process; later commands get that same answer,
 *   as Terraform itself caches it within one command (the provider's `server_capabilities`
 *   says `get_provider_schema_optional`: a caller may use a cached copy);
 * - each command sees the provider's schema with only the resource, data source and ephemeral
 *   types of the stack and state it works on (`keep`); the provider's own block, provider_meta,
 *   functions, capabilities and diagnostics are untouched. A type outside `keep` is one Terraform
 *   would not be asked about: were it needed, the command fails ("unsupported resource type"),
 *   it never plans differently. plan.test.ts plans a stack with and without this proxy and
 *   compares the two `terraform show -json` outputs.
 * MAILGATE_TF_SCHEMA_PROXY=0 turns it off (Terraform then talks to the provider directly).
 *
 * The provider speaks gRPC over HTTP/2 on a unix socket (go-plugin, TF_REATTACH_PROVIDERS); this
 * listens on a socket of its own and relays each HTTP/2 stream: headers, data, trailers, resets.
 */
import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as path from "node:path";

const GET_SCHEMA = "/tfplugin5.Provider/GetSchema";
/** GetProviderSchema.Response's maps by type name: resource_schemas, data_source_schemas, ephemeral, list, action. */
const TYPE_MAPS = new Set([2, 3, 8, 9, 10]);

export interface SchemaProxy {
  /** TF_REATTACH_PROVIDERS for Terraform: the provider's, with this proxy's socket. */
  readonly reattach: string;
  /** The type names the next command may see, or "all". Commands take turns, so one setting at a time. */
  keep: ReadonlySet<string> | "all";
  /** GetSchema calls answered: how many reached the provider, how many came from its first answer. */
  readonly counts: { fromProvider: number; fromCopy: number };
  close(): Promise<void>;
}

type Reattach = Record<string, { Addr: { Network: string; String: string }; [key: string]: unknown }>;

/** Starts the proxy for `reattach` (the provider's TF_REATTACH_PROVIDERS), its socket in `dir`. */
export async function startSchemaProxy(reattach: string, dir: string): Promise<SchemaProxy> {
  const config = JSON.parse(reattach) as Reattach;
  const entries = Object.values(config);
  if (entries.length !== 1 || entries[0].Addr.Network !== "unix") throw new Error(`schema proxy: expected one provider on a unix socket, got ${reattach}`);
  const upstreamPath = entries[0].Addr.String;
  const socket = path.join(dir, "provider-proxy.sock");
  fs.rmSync(socket, { force: true });

  let session: http2.ClientHttp2Session | undefined;
  const upstream = (): http2.ClientHttp2Session => {
    if (session && !session.closed && !session.destroyed) return session;
    const s = http2.connect("http://localhost", { createConnection: () => net.connect(upstreamPath) });
    s.on("error", () => undefined);
    s.unref();
    session = s;
    return s;
  };

  let schema: Promise<Relayed> | undefined;
  const counts = { fromProvider: 0, fromCopy: 0 };
  const proxy: SchemaProxy = {
    reattach: JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { ...v, Addr: { ...v.Addr, String: socket } }]))),
    keep: "all",
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        session?.destroy();
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };

  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
    s.on("error", () => undefined);
  });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => undefined);
    if (headers[":path"] !== GET_SCHEMA) {
      relay(stream, headers, upstream);
      return;
    }
    // The request is empty (GetProviderSchema.Request has no fields): read it, answer it.
    const keep = proxy.keep;
    stream.resume();
    stream.once("end", () => {
      const first = !schema;
      schema ??= collect(headers, upstream);
      schema.then(
        (answer) => {
          if (first) counts.fromProvider += 1;
          else counts.fromCopy += 1;
          respond(stream, answer, keep);
        },
        (error: unknown) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR, () => void error),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => resolve());
  });
  server.unref();
  return proxy;
}

/** Request headers to send upstream: the client's, minus what Node sets itself. */
function forwardable(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== ":scheme" && k !== ":authority") out[k] = v;
  out[":authority"] = "localhost";
  return out;
}

function plain(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}

/** Relays one stream both ways: request body up; response headers, body and trailers (or a trailers-only answer) down; resets both ways. */
function relay(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, upstream: () => http2.ClientHttp2Session): void {
  let out: http2.ClientHttp2Stream;
  try {
    out = upstream().request(forwardable(headers), { endStream: false });
  } catch {
    stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    return;
  }
  out.on("error", () => undefined);
  stream.pipe(out);
  let trailers: http2.OutgoingHttpHeaders | undefined;
  let trailersOnly = false;
  out.on("response", (h) => {
    if (h["grpc-status"] !== undefined) {
      trailersOnly = true;
      stream.respond(plain(h), { endStream: true });
    } else {
      stream.respond(plain(h), { waitForTrailers: true });
    }
  });
  out.on("trailers", (t) => (trailers = plain(t)));
  out.on("data", (chunk: Buffer) => {
    if (!trailersOnly) stream.write(chunk);
  });
  let ended = false;
  out.on("end", () => {
    ended = true;
    if (!trailersOnly && !stream.closed) stream.end();
  });
  stream.on("wantTrailers", () => stream.sendTrailers(trailers ?? { "grpc-status": "0" }));
  // A reset (or a lost connection) on one side resets the other; a stream that ended normally
  // finishes on its own (its trailers are still to be sent).
  stream.on("close", () => {
    if (!out.closed) out.close(stream.rstCode || http2.constants.NGHTTP2_CANCEL);
  });
  out.on("close", () => {
    if (!ended && !stream.closed) stream.close(out.rstCode || http2.constants.NGHTTP2_INTERNAL_ERROR);
  });
}

interface Relayed {
  readonly headers: http2.OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly trailers?: http2.OutgoingHttpHeaders;
}

/** Asks the provider for its schema (an empty request) and keeps the whole answer. */
function collect(headers: http2.IncomingHttpHeaders, upstream: () => http2.ClientHttp2Session): Promise<Relayed> {
  return new Promise((resolve, reject) => {
    const out = upstream().request(forwardable(headers), { endStream: false });
    const chunks: Buffer[] = [];
    let responseHeaders: http2.OutgoingHttpHeaders = {};
    let trailers: http2.OutgoingHttpHeaders | undefined;
    out.on("response", (h) => (responseHeaders = plain(h)));
    out.on("trailers", (t) => (trailers = plain(t)));
    out.on("data", (c: Buffer) => chunks.push(c));
    out.on("end", () => resolve({ headers: responseHeaders, body: Buffer.concat(chunks), ...(trailers ? { trailers } : {}) }));
    out.on("error", reject);
    // gRPC framing of an empty message: not compressed, length 0.
    out.end(Buffer.alloc(5));
  });
}

function respond(stream: http2.ServerHttp2Stream, answer: Relayed, keep: ReadonlySet<string> | "all"): void {
  if (stream.closed) return;
  const ok = answer.headers[":status"] === 200 && answer.trailers?.["grpc-status"] === "0";
  const body = ok && keep !== "all" ? filterFrame(answer.body, keep) : answer.body;
  if (!answer.trailers) {
    stream.respond(answer.headers, { endStream: true });
    return;
  }
  stream.respond(answer.headers, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers(answer.trailers!));
  stream.end(body);
}

/** One uncompressed gRPC message (1 byte flag, 4 bytes length, the message) with its type maps filtered. */
function filterFrame(frame: Buffer, keep: ReadonlySet<string>): Buffer {
  if (frame.length < 5 || frame[0] !== 0 || frame.readUInt32BE(1) !== frame.length - 5) return frame;
  const message = filterSchemaResponse(frame.subarray(5), keep);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/**
 * GetProviderSchema.Response (tfplugin5.proto) in protobuf's wire format, without the entries of
 * its type maps whose key is not in `keep`. Every other field is copied as it was.
 */
export function filterSchemaResponse(message: Buffer, keep: ReadonlySet<string>): Buffer {
  const parts: Buffer[] = [];
  for (const field of fields(message)) {
    if (field.wire === 2 && TYPE_MAPS.has(field.number)) {
      const key = mapKey(field.value);
      if (key === undefined || !keep.has(key)) continue;
    }
    parts.push(field.raw);
  }
  return Buffer.concat(parts);
}

/** The string key (field 1) of a map entry. */
function mapKey(entry: Buffer): string | undefined {
  for (const f of fields(entry)) if (f.number === 1 && f.wire === 2) return f.value.toString("utf8");
  return undefined;
}

interface Field {
  readonly number: number;
  readonly wire: number;
  /** The payload of a length-delimited field. */
  readonly value: Buffer;
  /** The whole field as written: tag, length, payload. */
  readonly raw: Buffer;
}

function* fields(buffer: Buffer): Generator<Field> {
  let at = 0;
  while (at < buffer.length) {
    const start = at;
    const [tag, afterTag] = varint(buffer, at);
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    let valueStart = afterTag;
    let end: number;
    if (wire === 0) end = varint(buffer, afterTag)[1];
    else if (wire === 1) end = afterTag + 8;
    else if (wire === 5) end = afterTag + 4;
    else if (wire === 2) {
      const [length, afterLength] = varint(buffer, afterTag);
      valueStart = afterLength;
      end = afterLength + length;
    } else throw new Error(`schema proxy: unsupported protobuf wire type ${wire}`);
    if (end > buffer.length) throw new Error("schema proxy: truncated protobuf message");
    yield { number, wire, value: buffer.subarray(valueStart, end), raw: buffer.subarray(start, end) };
    at = end;
  }
}

function varint(buffer: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buffer.length; i += 1) {
    const byte = buffer[i];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, i + 1];
  }
  throw new Error("schema proxy: truncated varint");
}
