import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCloudWatch } from './fake-cloudwatch';
import { FakeS3 } from './fake-s3';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface FakeTask {
  TaskId: string;
  Type: string;
  FileSystemId: string;
  Paths: string[];
  Lifecycle: string;
  token: string;
  describes: number;
  Report: any;
}

/**
 * One local HTTP server answering as several AWS services, each reached through its
 * AWS_ENDPOINT_URL_<SERVICE>: FSx (JSON 1.1, X-Amz-Target AWSSimbaAPIService_v20180301.*),
 * CloudWatch (JSON 1.0), S3 (REST, path style) and S3 Control (REST). It simulates file systems,
 * associations, task lifecycles, throttling, 500s and DataRepositoryTaskExecuting, so the real SDK
 * (serialization, retries) runs.
 */
/** The region a request is signed for (SigV4 credential scope). */
export const regionOf = (req: IncomingMessage): string => /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';

export class FakeAws {
  readonly s3 = new FakeS3();
  fileSystems: any[] = [];
  associations: (any & { creatingFor?: number })[] = [];
  tasks: FakeTask[] = [];
  jobs: any[] = [];
  /** CloudWatch metrics and alarms, matched as CloudWatch matches them (exact dimension sets). */
  readonly cloudwatch = new FakeCloudWatch();
  /** AWS Backup recovery points by vault name. */
  recoveryPoints: Record<string, { RecoveryPointArn: string; CreationDate: number; Status: string; ResourceType: string }[]> = {};
  /** AWS Backup restore testing plans, each in one region (GetRestoreTestingPlan answers only there). */
  restoreTestingPlans: { name: string; region: string; arn: string; created: Date }[] = [];
  /** Regions whose AWS Backup restore testing calls answer AccessDeniedException (403). */
  restoreTestingDenied = new Set<string>();
  /** AWS Backup restore jobs; a restore test's carry CreatedBy.RestoreTestingPlanArn. */
  restoreJobs: { region: string; RestoreJobId: string; Status: string; CreationDate: Date; CompletionDate?: Date; RecoveryPointCreationDate?: Date; StatusMessage?: string; ValidationStatus?: string; CreatedBy?: { RestoreTestingPlanArn: string } }[] = [];
  /** Describe calls before a task goes PENDING -> EXECUTING -> SUCCEEDED (each step). */
  taskSteps = 1;
  /** Paths whose import fails (the task ends FAILED). */
  failingPaths = new Set<string>();
  /** Every n-th FSx request answers ThrottlingException (400), every m-th a 500; 0 = never. */
  throttleEvery = 0;
  errorEvery = 0;
  readonly calls: { service: string; op: string; input: any }[] = [];
  private requests = 0;
  private server?: Server;
  endpoint = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The environment that points the SDK here. */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_FSX: this.endpoint,
      AWS_ENDPOINT_URL_S3: this.endpoint,
      // A host name, not an IP: S3 Control puts the account id in front of it (lustreform strips it again).
      AWS_ENDPOINT_URL_S3_CONTROL: this.endpoint.replace('127.0.0.1', 'localhost'),
      AWS_ENDPOINT_URL_CLOUDWATCH: this.endpoint,
      AWS_ENDPOINT_URL_STS: this.endpoint,
      AWS_ENDPOINT_URL_BACKUP: this.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'eu-central-1',
      LUSTREFORM_POLL_MS: '5',
      LUSTREFORM_MAX_POLL_MS: '20',
    };
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  addFileSystem(id: string, tags: Record<string, string>, storageCapacity = 1200): void {
    this.fileSystems.push({ FileSystemId: id, FileSystemType: 'LUSTRE', Lifecycle: 'AVAILABLE', StorageCapacity: storageCapacity, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
  }

  addAssociation(fileSystemId: string, fileSystemPath: string, dataRepositoryPath: string, lifecycle = 'AVAILABLE', creatingFor = 0, s3: any = {}): void {
    this.associations.push({ AssociationId: `dra-${this.associations.length}`, FileSystemId: fileSystemId, FileSystemPath: fileSystemPath, DataRepositoryPath: dataRepositoryPath, Lifecycle: lifecycle, creatingFor, S3: s3 });
  }

  /** A handler that answers a request first (true: it took the request), e.g. FakeAccount's other protocols. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.intercept?.(req, res)) return;
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith('AWSSimbaAPIService_v20180301.')) return this.json(req, res, 'fsx', target.split('.')[1], '1.1');
    if (target.startsWith('GraniteServiceVersion20100801.')) return this.json(req, res, 'cloudwatch', target.split('.')[1], '1.0');
    if ((req.url ?? '').startsWith('/v20180820/')) return this.s3control(req, res);
    if ((req.url ?? '').startsWith('/backup-vaults/')) return this.backup(req, res);
    if (/^\/(restore-testing\/plans\/|restore-jobs)/.test(req.url ?? '')) return this.restoreTesting(req, res);
    if (String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return this.sts(req, res);
    return this.s3.handle(req, res);
  }

  private async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private reply(res: ServerResponse, status: number, body: unknown, version: string): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': `application/x-amz-json-${version}`, 'content-length': Buffer.byteLength(text), ...(status >= 400 ? { 'x-amzn-errortype': (body as any).__type } : {}) });
    res.end(text);
  }

  private async json(req: IncomingMessage, res: ServerResponse, service: string, op: string, version: string): Promise<void> {
    const input = JSON.parse((await this.body(req)) || '{}');
    this.calls.push({ service, op, input });
    const n = ++this.requests;
    if (this.throttleEvery && n % this.throttleEvery === 0) return this.reply(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, version);
    if (this.errorEvery && n % this.errorEvery === 0) return this.reply(res, 500, { __type: 'InternalServerError', message: 'boom' }, version);
    if (service === 'cloudwatch') {
      const answer = op === 'GetMetricData' ? this.cloudwatch.getMetricData(input) : op === 'DescribeAlarms' ? this.cloudwatch.describeAlarms(input, regionOf(req)) : { status: 400, body: { __type: 'InvalidAction', message: `the fake does not answer ${op}` } };
      return this.reply(res, answer.status, answer.body, version);
    }
    const out = this.fsx(op, input);
    if ('__type' in out) return this.reply(res, 400, out, version);
    return this.reply(res, 200, out, version);
  }

  private fsx(op: string, input: any): any {
    const fsFilter = (xs: any[]) => {
      const f = input.Filters?.find((x: any) => x.Name === 'file-system-id');
      return f ? xs.filter((x) => f.Values.includes(x.FileSystemId)) : xs;
    };
    switch (op) {
      case 'DescribeFileSystems':
        return { FileSystems: this.fileSystems };
      case 'DescribeDataRepositoryAssociations':
        return {
          Associations: fsFilter(this.associations).map((a) => {
            if (a.creatingFor > 0 && --a.creatingFor === 0) a.Lifecycle = 'AVAILABLE';
            const { creatingFor, ...rest } = a;
            void creatingFor;
            return rest;
          }),
        };
      case 'CreateDataRepositoryTask': {
        const same = this.tasks.find((t) => t.token === input.ClientRequestToken);
        if (same) {
          if (JSON.stringify(same.Paths) !== JSON.stringify(input.Paths ?? []) || same.Type !== input.Type) return { __type: 'IncompatibleParameterError', Message: 'token reused with other parameters', Parameter: 'ClientRequestToken' };
          return { DataRepositoryTask: this.view(same) };
        }
        if (!input.Report) return { __type: 'BadRequest', Message: 'Report is required' };
        if (this.tasks.some((t) => t.FileSystemId === input.FileSystemId && !['SUCCEEDED', 'FAILED', 'CANCELED'].includes(t.Lifecycle))) return { __type: 'DataRepositoryTaskExecuting', Message: 'a task is already running' };
        const task: FakeTask = { TaskId: `task-${String(this.tasks.length).padStart(17, '0')}`, Type: input.Type, FileSystemId: input.FileSystemId, Paths: input.Paths ?? [], Lifecycle: 'PENDING', token: input.ClientRequestToken, describes: 0, Report: input.Report };
        this.tasks.push(task);
        return { DataRepositoryTask: this.view(task) };
      }
      case 'DescribeDataRepositoryTasks': {
        if ((input.TaskIds ?? []).length > 50) return { __type: 'BadRequest', Message: 'at most 50 TaskIds' };
        const tasks = this.tasks.filter((t) => (input.TaskIds ? input.TaskIds.includes(t.TaskId) : true));
        for (const t of tasks) this.advance(t);
        return { DataRepositoryTasks: fsFilter(tasks).map((t) => this.view(t)) };
      }
      default:
        return { __type: 'BadRequest', Message: `not simulated: ${op}` };
    }
  }

  private advance(t: FakeTask): void {
    if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(t.Lifecycle)) return;
    t.describes++;
    if (t.describes >= this.taskSteps * 2) t.Lifecycle = t.Paths.some((p) => this.failingPaths.has(p)) ? 'FAILED' : 'SUCCEEDED';
    else if (t.describes >= this.taskSteps) t.Lifecycle = 'EXECUTING';
  }

  private view(t: FakeTask): any {
    const total = Math.max(1, t.Paths.length) * 10;
    const failed = t.Lifecycle === 'FAILED' ? 3 : 0;
    return {
      TaskId: t.TaskId,
      Type: t.Type,
      FileSystemId: t.FileSystemId,
      Lifecycle: t.Lifecycle,
      Paths: t.Paths,
      Report: t.Report,
      Status: { TotalCount: total, SucceededCount: t.Lifecycle === 'SUCCEEDED' ? total : t.Lifecycle === 'FAILED' ? total - failed : 0, FailedCount: failed },
      ...(t.Lifecycle === 'FAILED' ? { FailureDetails: { Message: 'some files failed to import' } } : {}),
    };
  }

  /** AWS Backup (REST-JSON): ListRecoveryPointsByBackupVault. */
  private async backup(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const vault = decodeURIComponent((req.url ?? '').split('/')[2]);
    this.calls.push({ service: 'backup', op: 'ListRecoveryPointsByBackupVault', input: vault });
    const body = JSON.stringify({ RecoveryPoints: this.recoveryPoints[vault] ?? [] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /**
   * AWS Backup restore testing (REST-JSON): GetRestoreTestingPlan (ResourceNotFoundException, 404,
   * outside the plan's region) and ListRestoreJobs, filtered as AWS filters: only the jobs the named
   * plan created (exact ARN), in the region asked.
   */
  private async restoreTesting(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const region = regionOf(req);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body, (_k, v) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) / 1000 : v));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    if (this.restoreTestingDenied.has(region)) return send(403, { message: 'User is not authorized to perform: backup:GetRestoreTestingPlan' }, { 'x-amzn-errortype': 'AccessDeniedException' });
    if (url.pathname.startsWith('/restore-testing/plans/')) {
      const name = decodeURIComponent(url.pathname.split('/')[3]);
      this.calls.push({ service: 'backup', op: 'GetRestoreTestingPlan', input: { name, region } });
      const plan = this.restoreTestingPlans.find((p) => p.name === name && p.region === region);
      if (!plan) return send(404, { message: `Restore testing plan ${name} not found` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      return send(200, { RestoreTestingPlan: { RestoreTestingPlanName: name, RestoreTestingPlanArn: plan.arn, CreationTime: plan.created, ScheduleExpression: 'cron(0 5 ? * SAT *)', RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: ['*'], RecoveryPointTypes: ['SNAPSHOT'] } } });
    }
    const byPlan = url.searchParams.get('restoreTestingPlanArn');
    this.calls.push({ service: 'backup', op: 'ListRestoreJobs', input: { restoreTestingPlanArn: byPlan, region } });
    const jobs = this.restoreJobs.filter((j) => j.region === region && (!byPlan || j.CreatedBy?.RestoreTestingPlanArn === byPlan)).map(({ region: _r, ...j }) => j);
    return send(200, { RestoreJobs: jobs });
  }

  /** STS (query protocol): AssumeRole hands out test credentials; GetCallerIdentity names account 111111111111. */
  private async sts(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = new URLSearchParams(await this.body(req));
    const action = params.get('Action');
    this.calls.push({ service: 'sts', op: action ?? '?', input: Object.fromEntries(params) });
    const xml =
      action === 'AssumeRole'
        ? `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIATEST</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>${params.get('RoleArn')}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`
        : `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/test</Arn><UserId>AIDA</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  private async s3control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.body(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const account = String(req.headers['x-amz-account-id'] ?? '');
    this.calls.push({ service: 's3control', op: `${req.method} ${url.pathname}`, input: body });
    const xml = (s: string) => {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    };
    if (req.method === 'POST' && url.pathname === '/v20180820/jobs') {
      const token = /<ClientRequestToken>([^<]+)</.exec(body)?.[1];
      let job = this.jobs.find((j) => j.token === token);
      if (!job) {
        job = { JobId: `job-${this.jobs.length}`, token, account, body, describes: 0, Status: 'Active' };
        this.jobs.push(job);
      }
      return xml(`<?xml version="1.0" encoding="UTF-8"?><CreateJobResult><JobId>${job.JobId}</JobId></CreateJobResult>`);
    }
    const m = /^\/v20180820\/jobs\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const job = this.jobs.find((j) => j.JobId === m[1]);
      if (!job) return void res.writeHead(404).end();
      job.describes++;
      if (job.describes >= 2) job.Status = 'Complete';
      return xml(`<?xml version="1.0" encoding="UTF-8"?><DescribeJobResult><Job><JobId>${job.JobId}</JobId><Status>${job.Status}</Status><ProgressSummary><TotalNumberOfTasks>10</TotalNumberOfTasks><NumberOfTasksSucceeded>${job.Status === 'Complete' ? 10 : 0}</NumberOfTasksSucceeded><NumberOfTasksFailed>0</NumberOfTasksFailed></ProgressSummary></Job></DescribeJobResult>`);
    }
    res.writeHead(400).end();
  }
}
