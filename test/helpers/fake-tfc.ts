import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A run of the fake: its statuses, and the plan JSON its plan/json-output serves. */
export interface FakeRun {
  id: string;
  /** The run's status (planned, planned_and_finished, applied, planning, errored, canceled, discarded ...). */
  status: string;
  /** The plan's status (finished, running, errored, canceled ...); null: the run has no plan. */
  planStatus: string | null;
  operation?: 'plan_only' | 'plan_and_apply' | 'save_plan' | 'destroy' | 'refresh_only';
  /** The `terraform show -json` plan served through the redirect. */
  plan?: unknown;
  /** What json-output answers instead of the redirect. */
  jsonOutput?: 204 | 422 | 404;
}

export interface FakeCall {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
}

/**
 * A local Terraform Cloud: the slice of its JSON:API (https://developer.hashicorp.com/terraform/cloud-docs/api-docs)
 * that `review --tfc` calls, reached through LUSTREFORM_TFC_ADDRESS. Workspaces by name, runs listed
 * newest first with `filter[operation]` (plan_only left out unless named), `include=plan` and
 * page[number]/page[size] pagination capped at `maxPageSize`, one run, and plan/json-output
 * answering 307 to a pre-signed URL served by a second server on another port. That second
 * origin records any Authorization header it receives (`leakedAuthorization`) and refuses the request.
 */
export class FakeTfc {
  readonly tokens = new Set<string>();
  readonly organization: string;
  /** Workspace name -> id and runs, newest first. */
  readonly workspaces = new Map<string, { id: string; runs: FakeRun[] }>();
  readonly calls: FakeCall[] = [];
  readonly blobCalls: FakeCall[] = [];
  /** Authorization headers the download origin received: must stay empty. */
  readonly leakedAuthorization: string[] = [];
  maxPageSize = 100;
  /** Answer this many run-list requests with 429 first. */
  rateLimited = 0;
  private api?: Server;
  private blob?: Server;
  private blobOrigin = '';
  private secrets = new Map<string, unknown>();

  constructor(organization = 'acme') {
    this.organization = organization;
  }

  workspace(name: string, runs: FakeRun[]): void {
    this.workspaces.set(name, { id: `ws-fake${this.workspaces.size + 1}`, runs });
  }

  /** Starts both origins; resolves to the API's (for LUSTREFORM_TFC_ADDRESS). */
  async start(): Promise<string> {
    this.api = createServer((req, res) => void this.handle(req, res));
    this.blob = createServer((req, res) => this.download(req, res));
    await Promise.all([this.api, this.blob].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    this.blobOrigin = `http://127.0.0.1:${(this.blob.address() as AddressInfo).port}`;
    return `http://127.0.0.1:${(this.api.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api, this.blob].map((s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))));
  }

  private send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, title: string): void {
    this.send(res, status, { errors: [{ status: String(status), title }] });
  }

  private runDocument(run: FakeRun, index: number, workspaceId: string): any {
    return {
      id: run.id,
      type: 'runs',
      attributes: {
        status: run.status,
        'is-destroy': run.operation === 'destroy',
        'refresh-only': run.operation === 'refresh_only',
        'plan-only': run.operation === 'plan_only',
        'created-at': new Date(Date.UTC(2025, 0, 1) - index * 60_000).toISOString(),
      },
      relationships: {
        plan: { data: run.planStatus === null ? null : { id: `plan-${run.id.slice(4)}`, type: 'plans' } },
        workspace: { data: { id: workspaceId, type: 'workspaces' } },
      },
      links: { self: `/api/v2/runs/${run.id}` },
    };
  }

  private planDocument(run: FakeRun): any {
    return { id: `plan-${run.id.slice(4)}`, type: 'plans', attributes: { status: run.planStatus }, links: { 'json-output': `/api/v2/plans/plan-${run.id.slice(4)}/json-output` } };
  }

  private find(runId: string): { run: FakeRun; index: number; workspaceId: string } | undefined {
    for (const ws of this.workspaces.values()) {
      const index = ws.runs.findIndex((r) => r.id === runId);
      if (index >= 0) return { run: ws.runs[index], index, workspaceId: ws.id };
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req) void _;
    const url = new URL(req.url ?? '/', 'http://fake');
    this.calls.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer)) return this.error(res, 401, 'unauthorized');
    const p = url.pathname.split('/').slice(3); // after /api/v2
    if (p[0] === 'organizations' && p[2] === 'workspaces' && p.length === 4) {
      const ws = p[1] === this.organization ? this.workspaces.get(decodeURIComponent(p[3])) : undefined;
      if (!ws) return this.error(res, 404, 'not found');
      return this.send(res, 200, { data: { id: ws.id, type: 'workspaces', attributes: { name: decodeURIComponent(p[3]) } } });
    }
    if (p[0] === 'workspaces' && p[2] === 'runs') {
      if (this.rateLimited > 0) {
        this.rateLimited--;
        return this.send(res, 429, { errors: [{ status: '429', title: 'Too many requests' }] }, { 'x-ratelimit-limit': '30', 'x-ratelimit-reset': '0.05' });
      }
      const ws = [...this.workspaces.values()].find((w) => w.id === p[1]);
      if (!ws) return this.error(res, 404, 'not found');
      const operations = url.searchParams.get('filter[operation]')?.split(',');
      const listed = ws.runs.map((run, index) => ({ run, index })).filter(({ run }) => (operations ? operations.includes(run.operation ?? 'plan_and_apply') : run.operation !== 'plan_only'));
      const size = Math.min(this.maxPageSize, Number(url.searchParams.get('page[size]') ?? 20));
      const number = Number(url.searchParams.get('page[number]') ?? 1);
      const pages = Math.max(1, Math.ceil(listed.length / size));
      const slice = listed.slice((number - 1) * size, number * size);
      const include = url.searchParams.get('include') === 'plan';
      return this.send(res, 200, {
        data: slice.map(({ run, index }) => this.runDocument(run, index, ws.id)),
        ...(include ? { included: slice.filter(({ run }) => run.planStatus !== null).map(({ run }) => this.planDocument(run)) } : {}),
        links: { self: `${url.pathname}?page%5Bnumber%5D=${number}`, next: number < pages ? `${url.pathname}?page%5Bnumber%5D=${number + 1}&page%5Bsize%5D=${size}` : null },
        meta: { pagination: { 'current-page': number, 'page-size': size, 'prev-page': number > 1 ? number - 1 : null, 'next-page': number < pages ? number + 1 : null, 'total-pages': pages, 'total-count': listed.length } },
      });
    }
    if (p[0] === 'runs' && p.length === 2) {
      const found = this.find(p[1]);
      if (!found) return this.error(res, 404, 'not found');
      const include = url.searchParams.get('include') === 'plan' && found.run.planStatus !== null;
      return this.send(res, 200, { data: this.runDocument(found.run, found.index, found.workspaceId), ...(include ? { included: [this.planDocument(found.run)] } : {}) });
    }
    if (p[0] === 'plans' && p.length === 2) {
      const found = [...this.workspaces.values()].flatMap((w) => w.runs).find((r) => `plan-${r.id.slice(4)}` === p[1]);
      return found ? this.send(res, 200, { data: this.planDocument(found) }) : this.error(res, 404, 'not found');
    }
    if (p[0] === 'runs' && p[2] === 'plan' && p[3] === 'json-output') {
      const found = this.find(p[1]);
      if (!found || found.run.jsonOutput === 404) return this.error(res, 404, 'not found');
      if (found.run.jsonOutput === 204 || found.run.planStatus !== 'finished') return this.send(res, 204);
      if (found.run.jsonOutput === 422) return this.error(res, 422, 'unsupported terraform version');
      const secret = `s${Math.random().toString(36).slice(2)}`;
      this.secrets.set(secret, found.run.plan ?? { format_version: '1.2', resource_changes: [] });
      res.writeHead(307, { location: `${this.blobOrigin}/v1/object/${secret}` });
      return void res.end();
    }
    return this.error(res, 404, 'not found');
  }

  /** The pre-signed URL's origin: serves a plan once, and refuses (and records) any token sent to it. */
  private download(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://blob');
    this.blobCalls.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    if (req.headers.authorization) {
      this.leakedAuthorization.push(req.headers.authorization);
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end('an Authorization header reached the download URL');
    }
    const secret = url.pathname.replace('/v1/object/', '');
    const plan = this.secrets.get(secret);
    this.secrets.delete(secret);
    if (plan === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('expired');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(plan));
  }
}
