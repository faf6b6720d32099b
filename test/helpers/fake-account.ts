import type { IncomingMessage, ServerResponse } from 'node:http';
import { resetDoctorClients } from '../../src/runner/doctor/clients';
import { FakeAws } from './fake-aws';
import { fakeAws } from './runner-env';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface FakeBucket {
  owner: string;
  region: string;
  versioning?: 'Enabled' | 'Suspended';
  replication?: { role: string; rules: string[] };
  /** Queue notifications: id, events, key prefix. */
  notifications?: { id: string; events: string[]; prefix: string }[];
  tags?: Record<string, string>;
}

export interface FakeKey {
  arn: string;
  state?: string;
  manager?: 'CUSTOMER' | 'AWS';
  /** The key policy (JSON text). */
  policy: string;
  /** Other accounts whose DescribeKey the key policy allows. */
  describers?: string[];
}

export interface FakeGroup {
  GroupId: string;
  VpcId: string;
  account: string;
  region: string;
  ingress: any[];
  egress: any[];
}

/** A self-referencing rule of the given ports (`tcp` ranges), as EC2 describes it. */
export const selfRule = (group: string, from: number, to: number, protocol = 'tcp') => ({ IpProtocol: protocol, FromPort: from, ToPort: to, UserIdGroupPairs: [{ GroupId: group }] });
export const lustreRules = (group: string) => [selfRule(group, 988, 988), selfRule(group, 1018, 1023)];

const READ = /^(Describe|Get|List|Head|Lookup)/;
const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The accounts behind FakeAws, for `lustreform doctor`: STS (query/XML) that hands each assumed
 * role credentials of its own account, so every later request says which account makes it (the
 * access key in its signature); EC2 (query/XML: DescribeSubnets, DescribeSecurityGroups, paged);
 * KMS, CloudTrail, Organizations and Service Quotas (JSON 1.1, X-Amz-Target); Lambda and AWS
 * Backup (REST-JSON); S3 bucket calls (REST/XML) with owners and regions. Requests are routed by
 * the service in their signature's credential scope; everything else goes on to FakeAws. It
 * behaves as AWS does where doctor depends on it: HeadBucket 403 with another expected owner,
 * 404 for no bucket, 301 for another region; GetKeyPolicy only in the key's account;
 * DescribeGlobalSettings only in a management account. Any call that is not a read is recorded
 * in `mutations` and refused.
 */
export class FakeAccount {
  /** The account of the ambient credentials (AWS_ACCESS_KEY_ID=test). */
  ambient = '111111111111';
  /** Roles whose AssumeRole is refused. */
  deniedRoles = new Set<string>();
  /** Role ARN -> the account its credentials land in (default: the ARN's). */
  landsIn: Record<string, string> = {};
  subnets: { SubnetId: string; VpcId: string; CidrBlock: string; AvailabilityZone?: string; account: string; region: string }[] = [];
  groups: FakeGroup[] = [];
  /** Security groups per DescribeSecurityGroups page. */
  groupPage = 1000;
  keys: FakeKey[] = [];
  trails: { Name: string; TrailARN: string; HomeRegion: string; IsMultiRegionTrail?: boolean; IsOrganizationTrail?: boolean; visibleTo?: string[] }[] = [];
  lambda: Record<string, { ConcurrentExecutions: number; UnreservedConcurrentExecutions: number }> = {};
  /** Applied quota values by account/region/code; defaults by code. */
  quotas: Record<string, number> = {};
  defaultQuotas: Record<string, number> = { 'L-AD2FC696': 100800, 'L-C8640C82': 100800, 'L-8F1B9C74': 100800, 'L-736F3D6F': 102000 };
  /** Account -> its organization (undefined: in none). */
  organizations: Record<string, { Id: string; MasterAccountId: string }> = {};
  /** Management account -> isCrossAccountBackupEnabled. */
  crossAccountBackup: Record<string, string> = {};
  buckets = new Map<string, FakeBucket>();
  /** `<account>:<Operation>` (or `*:<Operation>`) answered with AccessDenied. */
  denied = new Set<string>();
  readonly calls: { service: string; op: string; account: string; region: string; input?: any }[] = [];
  readonly mutations: string[] = [];
  readonly unsimulated: string[] = [];

  constructor(readonly aws: FakeAws) {
    aws.intercept = (req, res) => {
      const scope = this.scope(req);
      // FSx stays FakeAws's, except to refuse an operation this fake was told to deny.
      const fsxOp = String(req.headers['x-amz-target'] ?? '').split('.').pop();
      if (scope?.service === 'fsx' && (this.denied.has(`*:${fsxOp}`) || this.denied.has(`${scope.account}:${fsxOp}`))) {
        this.calls.push({ service: 'fsx', op: fsxOp!, account: scope.account, region: scope.region });
        req.resume();
        this.fail(res, 'fsx', 400, 'AccessDeniedException', `not authorized to perform: fsx:${fsxOp}`);
        return true;
      }
      if (!scope || !['sts', 'ec2', 'kms', 'cloudtrail', 'organizations', 'servicequotas', 'lambda', 'backup', 's3'].includes(scope.service)) return false;
      if (scope.service === 'backup' && !(req.url ?? '').startsWith('/global-settings')) return false;
      // Object calls (GetObject, ListObjectsV2) go on to FakeAws's S3, which holds the objects.
      const s3Url = new URL(req.url ?? '/', 'http://fake');
      if (scope.service === 's3' && ((s3Url.pathname.split('/')[2] ?? '') !== '' || s3Url.searchParams.get('list-type') === '2')) return false;
      void this.handle(req, res, scope);
      return true;
    };
  }

  env(): Record<string, string> {
    const e = this.aws.endpoint;
    return { AWS_ENDPOINT_URL_EC2: e, AWS_ENDPOINT_URL_KMS: e, AWS_ENDPOINT_URL_CLOUDTRAIL: e, AWS_ENDPOINT_URL_ORGANIZATIONS: e, AWS_ENDPOINT_URL_SERVICE_QUOTAS: e, AWS_ENDPOINT_URL_LAMBDA: e };
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  /** The service, region and calling account a request is signed for. */
  private scope(req: IncomingMessage): { service: string; region: string; account: string; assumed: boolean } | undefined {
    const m = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    if (!m) return undefined;
    const assumed = m[1].startsWith('FAKE');
    return { service: m[3], region: m[2], account: assumed ? m[1].slice(4) : this.ambient, assumed };
  }

  private async handle(req: IncomingMessage, res: ServerResponse, scope: { service: string; region: string; account: string; assumed: boolean }): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const target = String(req.headers['x-amz-target'] ?? '');
    const form = new URLSearchParams(body);
    const op = scope.service === 's3' ? s3Op(req.method ?? 'GET', url) : target ? target.split('.').pop()! : form.get('Action') ?? restOp(req.method ?? 'GET', url.pathname);
    const input = target ? JSON.parse(body || '{}') : Object.fromEntries(form);
    this.calls.push({ service: scope.service, op, account: scope.account, region: scope.region, input });
    const read = READ.test(op) || op === 'AssumeRole' || (scope.service === 's3' && (req.method === 'HEAD' || req.method === 'GET'));
    if (!read) {
      this.mutations.push(`${scope.service}:${op}`);
      return this.fail(res, scope.service, 400, 'MutationRefused', `${op} would change the account`);
    }
    if (this.denied.has(`${scope.account}:${op}`) || this.denied.has(`*:${op}`)) return this.fail(res, scope.service, 403, scope.service === 'ec2' ? 'UnauthorizedOperation' : scope.service === 'sts' || scope.service === 's3' ? 'AccessDenied' : 'AccessDeniedException', `User: arn:aws:sts::${scope.account}:assumed-role/x is not authorized to perform: ${op}`);
    const answer = (() => {
      switch (scope.service) {
        case 'sts': return this.sts(op, form, scope.account, scope.assumed);
        case 'ec2': return this.ec2(op, form, scope);
        case 'kms': return this.kms(op, input, scope);
        case 'cloudtrail': return op === 'DescribeTrails' ? { json: { trailList: this.trails.filter((t) => (t.visibleTo ?? [arnAccount(t.TrailARN)]).includes(scope.account) && (t.HomeRegion === scope.region || t.IsMultiRegionTrail)).map(({ visibleTo, ...t }) => (void visibleTo, t)) } } : undefined;
        case 'organizations': return this.organizationsOp(op, scope.account);
        case 'servicequotas': return this.quota(op, input, scope);
        case 'lambda': return op === 'GetAccountSettings' ? { json: { AccountLimit: { TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800, ...(this.lambda[scope.account] ?? { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 }) }, AccountUsage: { TotalCodeSize: 0, FunctionCount: 0 } } } : undefined;
        case 'backup': {
          if (op !== 'DescribeGlobalSettings') return undefined;
          const v = this.crossAccountBackup[scope.account];
          return v === undefined ? { error: [400, 'InvalidRequestException', 'Only the management account of the organization can describe global settings'] as const } : { json: { GlobalSettings: { isCrossAccountBackupEnabled: v }, LastUpdateTime: 0 } };
        }
        case 's3': return this.s3(op, url, req, scope);
      }
      return undefined;
    })();
    if (!answer) {
      this.unsimulated.push(`${scope.service}:${op}`);
      return this.fail(res, scope.service, 400, 'NotSimulated', `${op} is not simulated`);
    }
    if ('error' in answer && answer.error) return this.fail(res, scope.service, answer.error[0], answer.error[1], answer.error[2], (answer as any).headers, req.method === 'HEAD');
    if ('xml' in answer) return this.send(res, 200, answer.xml as string, 'text/xml', (answer as any).headers);
    if ('empty' in answer) return this.send(res, answer.empty as number, '', 'text/plain', (answer as any).headers);
    const json = target ? 'application/x-amz-json-1.1' : 'application/json';
    return this.send(res, 200, JSON.stringify((answer as any).json), json);
  }

  private send(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  private fail(res: ServerResponse, service: string, status: number, code: string, message: string, headers: Record<string, string> = {}, head = false): void {
    if (service === 'sts') return this.send(res, status, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`, 'text/xml', headers);
    if (service === 'ec2') return this.send(res, status, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>fake</RequestID></Response>`, 'text/xml', headers);
    // S3 answers a HEAD without a body: the status code is all there is.
    if (service === 's3') return this.send(res, status, head ? '' : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`, 'application/xml', headers);
    return this.send(res, status, JSON.stringify({ __type: code, message, Message: message }), service === 'lambda' || service === 'backup' ? 'application/json' : 'application/x-amz-json-1.1', { 'x-amzn-errortype': code, ...headers });
  }

  private sts(op: string, form: URLSearchParams, caller: string, assumed: boolean): any {
    if (op === 'AssumeRole') {
      const role = form.get('RoleArn') ?? '';
      if (this.deniedRoles.has(role)) return { error: [403, 'AccessDenied', `User: arn:aws:iam::${caller}:user/ci is not authorized to perform: sts:AssumeRole on resource: ${role}`] };
      const account = this.landsIn[role] ?? arnAccount(role);
      return { xml: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>FAKE${account}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${role.split('/').pop()}/lustreform</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>` };
    }
    if (op === 'GetCallerIdentity') {
      const arn = assumed ? `arn:aws:sts::${caller}:assumed-role/deployer/lustreform` : `arn:aws:iam::${caller}:user/ci`;
      return { xml: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDA</UserId><Account>${caller}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>` };
    }
    return undefined;
  }

  private ec2(op: string, form: URLSearchParams, scope: { region: string; account: string }): any {
    const filter = (name: string) => {
      for (let i = 1; form.has(`Filter.${i}.Name`); i++) {
        if (form.get(`Filter.${i}.Name`) !== name) continue;
        const values: string[] = [];
        for (let j = 1; form.has(`Filter.${i}.Value.${j}`); j++) values.push(form.get(`Filter.${i}.Value.${j}`)!);
        return values;
      }
      return undefined;
    };
    const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
    if (op === 'DescribeSubnets') {
      const ids = filter('subnet-id');
      const found = this.subnets.filter((s) => s.account === scope.account && s.region === scope.region && (!ids || ids.includes(s.SubnetId)));
      const items = found.map((s) => `<item><subnetId>${s.SubnetId}</subnetId><vpcId>${s.VpcId}</vpcId><cidrBlock>${s.CidrBlock}</cidrBlock><availabilityZone>${s.AvailabilityZone ?? `${scope.region}a`}</availabilityZone><ownerId>${s.account}</ownerId><state>available</state></item>`).join('');
      return { xml: `<DescribeSubnetsResponse ${ns}><requestId>fake</requestId><subnetSet>${items}</subnetSet></DescribeSubnetsResponse>` };
    }
    if (op === 'DescribeSecurityGroups') {
      const ids = filter('group-id');
      const found = this.groups.filter((g) => g.account === scope.account && g.region === scope.region && (!ids || ids.includes(g.GroupId)));
      const start = Number(form.get('NextToken') ?? 0);
      const page = found.slice(start, start + this.groupPage);
      const next = start + this.groupPage < found.length ? `<nextToken>${start + this.groupPage}</nextToken>` : '';
      const perms = (list: any[]) =>
        list
          .map((p) => `<item><ipProtocol>${p.IpProtocol}</ipProtocol>${p.FromPort !== undefined ? `<fromPort>${p.FromPort}</fromPort><toPort>${p.ToPort}</toPort>` : ''}<groups>${(p.UserIdGroupPairs ?? []).map((g: any) => `<item><userId>${scope.account}</userId><groupId>${g.GroupId}</groupId></item>`).join('')}</groups><ipRanges>${(p.IpRanges ?? []).map((r: any) => `<item><cidrIp>${r.CidrIp}</cidrIp></item>`).join('')}</ipRanges><ipv6Ranges/><prefixListIds/></item>`)
          .join('');
      const items = page.map((g) => `<item><ownerId>${g.account}</ownerId><groupId>${g.GroupId}</groupId><groupName>${g.GroupId}</groupName><groupDescription>test</groupDescription><vpcId>${g.VpcId}</vpcId><ipPermissions>${perms(g.ingress)}</ipPermissions><ipPermissionsEgress>${perms(g.egress)}</ipPermissionsEgress></item>`).join('');
      return { xml: `<DescribeSecurityGroupsResponse ${ns}><requestId>fake</requestId><securityGroupInfo>${items}</securityGroupInfo>${next}</DescribeSecurityGroupsResponse>` };
    }
    return undefined;
  }

  private kms(op: string, input: any, scope: { region: string; account: string }): any {
    const key = this.keys.find((k) => k.arn === input.KeyId && k.arn.split(':')[3] === scope.region);
    if (op !== 'DescribeKey' && op !== 'GetKeyPolicy') return undefined;
    if (!key) return { error: [400, 'NotFoundException', `Key '${input.KeyId}' does not exist`] };
    const owner = arnAccount(key.arn);
    if (op === 'GetKeyPolicy') {
      // GetKeyPolicy has no cross-account use: only the key's own account may read its policy.
      if (scope.account !== owner) return { error: [400, 'AccessDeniedException', `User: arn:aws:sts::${scope.account}:assumed-role/x is not authorized to perform: kms:GetKeyPolicy on resource: ${key.arn} because no resource-based policy allows the kms:GetKeyPolicy action`] };
      return { json: { Policy: key.policy, PolicyName: 'default' } };
    }
    if (scope.account !== owner && !(key.describers ?? []).includes(scope.account)) return { error: [400, 'AccessDeniedException', `not authorized to perform: kms:DescribeKey on resource: ${key.arn}`] };
    const state = key.state ?? 'Enabled';
    return { json: { KeyMetadata: { AWSAccountId: owner, KeyId: key.arn.split('/').pop(), Arn: key.arn, KeyState: state, Enabled: state === 'Enabled', KeyManager: key.manager ?? 'CUSTOMER', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'AWS_KMS', CreationDate: 0 } } };
  }

  private organizationsOp(op: string, account: string): any {
    if (op !== 'DescribeOrganization') return undefined;
    const org = this.organizations[account];
    if (!org) return { error: [400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.'] };
    return { json: { Organization: { Id: org.Id, Arn: `arn:aws:organizations::${org.MasterAccountId}:organization/${org.Id}`, MasterAccountId: org.MasterAccountId, MasterAccountArn: `arn:aws:organizations::${org.MasterAccountId}:account/${org.Id}/${org.MasterAccountId}`, FeatureSet: 'ALL' } } };
  }

  private quota(op: string, input: any, scope: { region: string; account: string }): any {
    const quota = (value: number) => ({ json: { Quota: { ServiceCode: input.ServiceCode, QuotaCode: input.QuotaCode, QuotaName: input.QuotaCode, Value: value, Unit: 'None', Adjustable: true, GlobalQuota: false } } });
    if (op === 'GetServiceQuota') {
      const applied = this.quotas[`${scope.account}/${scope.region}/${input.QuotaCode}`];
      return applied === undefined ? { error: [400, 'NoSuchResourceException', 'The request failed because the specified resource does not exist.'] } : quota(applied);
    }
    if (op === 'GetAWSDefaultServiceQuota') {
      const d = this.defaultQuotas[input.QuotaCode];
      return d === undefined ? { error: [400, 'NoSuchResourceException', 'no such quota'] } : quota(d);
    }
    return undefined;
  }

  private s3(op: string, url: URL, req: IncomingMessage, scope: { region: string; account: string }): any {
    const name = url.pathname.split('/')[1] ?? '';
    if (op === 'ListBuckets') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const mine = [...this.buckets.entries()].filter(([n, b]) => b.owner === scope.account && n.startsWith(prefix));
      return { xml: `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>${scope.account}</ID></Owner><Buckets>${mine.map(([n, b]) => `<Bucket><Name>${n}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate><BucketRegion>${b.region}</BucketRegion></Bucket>`).join('')}</Buckets></ListAllMyBucketsResult>` };
    }
    const bucket = this.buckets.get(name);
    const expected = req.headers['x-amz-expected-bucket-owner'];
    if (!bucket) return { error: [404, op === 'HeadBucket' ? 'NotFound' : 'NoSuchBucket', 'The specified bucket does not exist'] };
    if (bucket.region !== scope.region) return { error: [301, 'PermanentRedirect', 'The bucket is in another region'], headers: { 'x-amz-bucket-region': bucket.region } };
    if ((expected && expected !== bucket.owner) || scope.account !== bucket.owner) return { error: [403, 'AccessDenied', 'Access Denied'] };
    switch (op) {
      case 'HeadBucket':
        return { empty: 200, headers: { 'x-amz-bucket-region': bucket.region } };
      case 'GetBucketVersioning':
        return { xml: `<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration>${bucket.versioning ? `<Status>${bucket.versioning}</Status>` : ''}</VersioningConfiguration>` };
      case 'GetBucketReplication':
        if (!bucket.replication) return { error: [404, 'ReplicationConfigurationNotFoundError', 'The replication configuration was not found'] };
        return { xml: `<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration><Role>${bucket.replication.role}</Role>${bucket.replication.rules.map((id, i) => `<Rule><ID>${id}</ID><Priority>${i + 1}</Priority><Status>Enabled</Status><Filter></Filter><Destination><Bucket>arn:aws:s3:::elsewhere</Bucket></Destination><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule>`).join('')}</ReplicationConfiguration>` };
      case 'GetBucketNotificationConfiguration':
        return { xml: `<?xml version="1.0" encoding="UTF-8"?><NotificationConfiguration>${(bucket.notifications ?? []).map((n) => `<QueueConfiguration><Id>${n.id}</Id><Queue>arn:aws:sqs:${bucket.region}:${bucket.owner}:q</Queue>${n.events.map((e) => `<Event>${e}</Event>`).join('')}<Filter><S3Key><FilterRule><Name>prefix</Name><Value>${n.prefix}</Value></FilterRule></S3Key></Filter></QueueConfiguration>`).join('')}</NotificationConfiguration>` };
      case 'GetBucketTagging':
        if (!bucket.tags) return { error: [404, 'NoSuchTagSet', 'The TagSet does not exist'] };
        return { xml: `<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>${Object.entries(bucket.tags).map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>` };
    }
    return undefined;
  }
}

const arnAccount = (arn: string): string => /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? '';

/** The operation of a Lambda or Backup REST request; anything but these reads is named as the write it is. */
function restOp(method: string, path: string): string {
  if (method === 'GET' && /^\/2016-08-19\/account-settings\/?$/.test(path)) return 'GetAccountSettings';
  if (method === 'GET' && path === '/global-settings') return 'DescribeGlobalSettings';
  return `${method === 'GET' ? 'Get' : method === 'DELETE' ? 'Delete' : 'Update'} ${path}`;
}

/** The S3 operation of a REST request (path style), as doctor calls them. */
function s3Op(method: string, url: URL): string {
  const q = url.searchParams;
  const hasKey = url.pathname.split('/').length > 2 && url.pathname.split('/')[2] !== '';
  if (method === 'GET' && url.pathname === '/') return 'ListBuckets';
  if (method === 'HEAD' && !hasKey) return 'HeadBucket';
  if (method === 'GET' && !hasKey) {
    for (const [param, op] of [['versioning', 'GetBucketVersioning'], ['replication', 'GetBucketReplication'], ['notification', 'GetBucketNotificationConfiguration'], ['tagging', 'GetBucketTagging']]) if (q.has(param)) return op;
  }
  return `${method === 'GET' || method === 'HEAD' ? 'Get' : method === 'DELETE' ? 'Delete' : 'Put'}Object ${url.pathname}?${q}`;
}

/** Starts a FakeAws with a FakeAccount in front and points this process's SDK at both; returns a cleanup. */
export async function fakeAccounts(): Promise<{ aws: FakeAws; accounts: FakeAccount; restore: () => Promise<void> }> {
  const { aws, restore } = await fakeAws();
  const accounts = new FakeAccount(aws);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({ ...accounts.env(), LUSTREFORM_MAX_ATTEMPTS: '2' })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  resetDoctorClients();
  return {
    aws,
    accounts,
    restore: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetDoctorClients();
      await restore();
    },
  };
}
