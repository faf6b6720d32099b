import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An object of the fake bucket: what HeadObject, ListObjectsV2 and RestoreObject see. */
export interface FakeObject {
  size?: number;
  /** What GetObject returns (its length is the size when given). */
  body?: string;
  storageClass?: string;
  archiveStatus?: string;
  restore?: string;
}

export interface FakeCall {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  body: string;
}

/**
 * A local HTTP server speaking the slice of the S3 REST protocol (path style) that lustreform
 * calls: HeadObject, GetObject, RestoreObject, ListObjectsV2. Reached through AWS_ENDPOINT_URL_S3, so the
 * real SDK (signing, serialization, error parsing) runs against it.
 */
export class FakeS3 {
  readonly objects = new Map<string, FakeObject>();
  readonly calls: FakeCall[] = [];
  /** Buckets that exist, with their versioning status and replication rules (destination ARN -> status). */
  readonly buckets = new Map<string, { versioning?: string; replication?: { id: string; destination: string; status: string }[] }>();
  private server?: Server;

  put(bucket: string, key: string, object: FakeObject): void {
    this.objects.set(`${bucket}/${key}`, object);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answers one S3 request (FakeAws routes S3 calls here). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const call = { method: req.method ?? 'GET', bucket, key, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8') };
    this.calls.push(call);
    const object = this.objects.get(`${bucket}/${key}`);
    if (!key && (call.method === 'HEAD' || url.searchParams.has('versioning') || url.searchParams.has('replication'))) return this.bucketCall(res, call.method, bucket, url.searchParams);
    if (call.method === 'HEAD') {
      if (!object) return this.send(res, 404, '');
      const headers: Record<string, string> = { 'content-length': String(object.size ?? 0), 'last-modified': new Date(0).toUTCString(), etag: '"x"' };
      if (object.storageClass && object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass;
      if (object.archiveStatus) headers['x-amz-archive-status'] = object.archiveStatus;
      if (object.restore) headers['x-amz-restore'] = object.restore;
      res.writeHead(200, headers);
      return void res.end();
    }
    if (call.method === 'POST' && url.searchParams.has('restore')) {
      if (!object) return this.error(res, 404, 'NoSuchKey');
      if (object.restore?.includes('ongoing-request="true"')) return this.error(res, 409, 'RestoreAlreadyInProgress');
      object.restore = 'ongoing-request="true"';
      return this.send(res, 202, '');
    }
    if (call.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      for (const o of this.objects.values()) if (o.body !== undefined) o.size = Buffer.byteLength(o.body);
      const contents = [...this.objects.entries()]
        .filter(([k]) => k.startsWith(`${bucket}/${prefix}`))
        .map(([k, o]) => `<Contents><Key>${k.slice(bucket.length + 1)}</Key><Size>${o.size ?? 0}</Size><StorageClass>${o.storageClass ?? 'STANDARD'}</StorageClass>${o.restore ? `<RestoreStatus><IsRestoreInProgress>${o.restore.includes('"true"')}</IsRestoreInProgress></RestoreStatus>` : ''}</Contents>`)
        .join('');
      return this.send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`, 'application/xml');
    }
    if (call.method === 'GET' && key) {
      if (!object) return this.error(res, 404, 'NoSuchKey');
      // As S3: an object in Glacier Flexible Retrieval or Deep Archive is not readable before a restore completes.
      if ((object.storageClass === 'GLACIER' || object.storageClass === 'DEEP_ARCHIVE') && !object.restore?.includes('ongoing-request="false"')) return this.error(res, 403, 'InvalidObjectState');
      const body = Buffer.from(object.body ?? '');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, etag: '"x"', 'last-modified': new Date(0).toUTCString() });
      return void res.end(body);
    }
    return this.error(res, 400, 'NotImplemented');
  }

  private bucketCall(res: ServerResponse, method: string, name: string, query: URLSearchParams): void {
    const bucket = this.buckets.get(name);
    if (!bucket) return method === 'HEAD' ? this.send(res, 404, '') : this.error(res, 404, 'NoSuchBucket');
    if (method === 'HEAD') return this.send(res, 200, '');
    if (query.has('versioning')) return this.send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration>${bucket.versioning ? `<Status>${bucket.versioning}</Status>` : ''}</VersioningConfiguration>`, 'application/xml');
    if (!bucket.replication) return this.error(res, 404, 'ReplicationConfigurationNotFoundError');
    const rules = bucket.replication.map((r) => `<Rule><ID>${r.id}</ID><Status>${r.status}</Status><Priority>1</Priority><Filter></Filter><Destination><Bucket>${r.destination}</Bucket></Destination><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule>`).join('');
    return this.send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration><Role>arn:aws:iam::111111111111:role/r</Role>${rules}</ReplicationConfiguration>`, 'application/xml');
  }

  private send(res: ServerResponse, status: number, body: string, type = 'text/plain'): void {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private error(res: ServerResponse, status: number, code: string): void {
    this.send(res, status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message><RequestId>fake</RequestId></Error>`, 'application/xml');
  }
}
