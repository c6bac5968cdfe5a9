/**
 * A stand-in for the few AWS APIs that `terraform init` and `terraform plan -refresh=false` call
 * before they touch any resource, served on 127.0.0.1 so the real AWS provider and the real S3
 * backend can run in tests without the network or real credentials:
 *
 * - STS `AssumeRole`: what the provider calls at configure time for a stack whose provider block
 *   has `assume_role` (mailgate's `roleArn`). The answer is a fake temporary key whose id records
 *   the role's account, so a later `GetCallerIdentity` signed with it names that account.
 * - STS `GetCallerIdentity`: what the provider calls to learn the account for
 *   `allowed_account_ids` (mailgate's `account`). It answers with the account of the signing key:
 *   the assumed role's for a key issued above, otherwise `callerAccount`.
 * - S3, path style, in memory: enough of GetObject/PutObject/HeadObject/DeleteObject and
 *   ListObjectsV2 for Terraform's S3 backend to read and write a state and its lock file.
 *
 * Anything else is answered with HTTP 400 and an error naming the request, so a provider that
 * starts calling another API fails with a clear message instead of reaching out to AWS.
 * Reach it through `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL_S3`.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInRequest {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  /** The query API's `Action` (STS), or the S3 operation the stand-in took the request for. */
  readonly action: string;
  /** The account AssumeRole or GetCallerIdentity answered with. */
  readonly account?: string;
  /** The access key id the request was signed with. */
  readonly accessKeyId: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface AwsStandIn {
  /** `http://127.0.0.1:<port>`: the endpoint URL for every service it stands in for. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: StandInRequest[];
  /** S3 objects by `<bucket>/<key>`; a test may put a state here before `terraform init`. */
  readonly objects: Map<string, Buffer>;
  /** The account of access keys the stand-in did not issue itself; may change between plans. */
  callerAccount: string;
  close(): Promise<void>;
}

export interface StandInOptions {
  /** The initial `callerAccount`. @default "000000000000" */
  readonly callerAccount?: string;
}

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Temporary keys issued by AssumeRole: `ASIA`, the role's account, `FAKE`. */
const keyFor = (account: string) => `ASIA${account}FAKE`;
const accountOfKey = (key: string): string | undefined => /^ASIA(\d{12})FAKE$/.exec(key)?.[1];

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const requestId = () => createHash("sha1").update(`${process.hrtime.bigint()}`).digest("hex").slice(0, 32);

export async function startAwsStandIn(options: StandInOptions = {}): Promise<AwsStandIn> {
  const requests: StandInRequest[] = [];
  const objects = new Map<string, Buffer>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch (error) {
        reply(res, 500, "text/plain", `stand-in failed: ${String(error)}`);
      }
    });
  });

  function reply(res: http.ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": type, "x-amzn-requestid": requestId(), ...headers });
    res.end(body);
  }

  function handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const auth = req.headers.authorization ?? "";
    // SigV4: `Credential=<key id>/<date>/<region>/<service>/aws4_request`.
    const scope = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
    const accessKeyId = scope?.[1] ?? "";
    const service = scope?.[2] ?? (url.searchParams.has("Action") ? "sts" : "s3");
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (service !== "s3" && body.length > 0) Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
    const record = (action: string, account?: string) =>
      requests.push({ service, method: req.method ?? "", path: url.pathname, action, accessKeyId, params, ...(account ? { account } : {}) });

    if (service === "sts") {
      const action = params.Action ?? "";
      if (action === "AssumeRole") {
        record(action, /^arn:[\w-]+:iam::(\d{12}):role\//.exec(params.RoleArn ?? "")?.[1]);
        return reply(res, 200, "text/xml", assumeRole(params.RoleArn ?? "", params.RoleSessionName ?? ""));
      }
      if (action === "GetCallerIdentity") {
        const account = accountOfKey(accessKeyId) ?? standIn.callerAccount;
        record(action, account);
        return reply(res, 200, "text/xml", callerIdentity(account));
      }
      record(action);
      return reply(res, 400, "text/xml", stsError("InvalidAction", `the AWS stand-in does not answer STS ${action}`));
    }
    if (service === "s3") return s3(req.method ?? "GET", url, body, res, record);
    record(params.Action ?? `${req.method} ${url.pathname}`);
    return reply(res, 400, "text/xml", stsError("InvalidAction", `the AWS stand-in does not answer ${service} ${req.method} ${url.pathname}`));
  }

  function assumeRole(roleArn: string, session: string): string {
    const match = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!match) return stsError("ValidationError", `not a role ARN: ${roleArn}`);
    const [, partition, account, role] = match;
    const roleName = role.split("/").pop() ?? role;
    return `<AssumeRoleResponse xmlns="${STS_NS}">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${keyFor(account)}</AccessKeyId>
      <SecretAccessKey>fake-secret-for-${xmlEscape(roleName)}</SecretAccessKey>
      <SessionToken>fake-session-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:${partition}:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(session)}</Arn>
      <AssumedRoleId>AROA${account}FAKE:${xmlEscape(session)}</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
  }

  function callerIdentity(account: string): string {
    return `<GetCallerIdentityResponse xmlns="${STS_NS}">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${account}:user/mailgate-test</Arn>
    <UserId>AIDA${account}FAKE</UserId>
    <Account>${account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
  }

  function stsError(code: string, message: string): string {
    return `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
  }

  function s3(method: string, url: URL, body: Buffer, res: http.ServerResponse, record: (action: string) => void): void {
    // Path style only (the backend is configured with use_path_style): /<bucket>/<key...>.
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const id = `${bucket}/${key}`;
    const s3Error = (status: number, code: string, message: string) =>
      reply(res, status, "application/xml", `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><Key>${xmlEscape(key)}</Key><RequestId>${requestId()}</RequestId></Error>`);
    if (!key) {
      if (method === "GET" && url.searchParams.get("list-type") === "2") {
        record("ListObjectsV2");
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort();
        const contents = keys
          .map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(`${bucket}/${k}`)?.length ?? 0}</Size><LastModified>2024-01-01T00:00:00.000Z</LastModified><StorageClass>STANDARD</StorageClass></Contents>`)
          .join("");
        return reply(
          res,
          200,
          "application/xml",
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="${S3_NS}"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      }
      record(`${method} bucket`);
      if (method === "HEAD") return reply(res, 200, "application/xml", "");
      return s3Error(400, "NotImplemented", `the AWS stand-in does not answer S3 ${method} ${url.pathname}${url.search}`);
    }
    if (method === "PUT") {
      record("PutObject");
      objects.set(id, body);
      return reply(res, 200, "application/xml", "", { etag: `"${createHash("md5").update(body).digest("hex")}"` });
    }
    if (method === "DELETE") {
      record("DeleteObject");
      objects.delete(id);
      return reply(res, 204, "application/xml", "");
    }
    if (method === "GET" || method === "HEAD") {
      record(method === "GET" ? "GetObject" : "HeadObject");
      const object = objects.get(id);
      if (!object) return method === "HEAD" ? reply(res, 404, "application/xml", "") : s3Error(404, "NoSuchKey", "The specified key does not exist.");
      const etag = `"${createHash("md5").update(object).digest("hex")}"`;
      return reply(res, 200, "application/octet-stream", method === "GET" ? object : "", { etag, "content-length": String(object.length), "last-modified": new Date(0).toUTCString() });
    }
    record(`${method} object`);
    return s3Error(400, "NotImplemented", `the AWS stand-in does not answer S3 ${method} ${url.pathname}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const standIn: AwsStandIn = {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    callerAccount: options.callerAccount ?? "000000000000",
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return standIn;
}
