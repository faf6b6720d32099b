/**
 * `lustreform review --tfc`: each stack's plan read from its Terraform Cloud / Enterprise workspace
 * (`<workspacePrefix><stack>` in `state.organization` on `state.hostname`), turned into the same
 * `PlanFile[]` the file review reads, plus the stacks that have no plan (`NotPlanned`).
 *
 * The API, as relied on here (JSON:API documents; https://developer.hashicorp.com/terraform/cloud-docs/api-docs):
 * - Every request carries `Authorization: Bearer <token>`; an absent or invalid token is 401, and a
 *   valid token that may not see something gets 404, like something that does not exist
 *   (api-docs#authentication, #response-codes).
 * - `GET /organizations/:org/workspaces/:name` shows a workspace by name (api-docs/workspaces#show-workspace).
 * - `GET /workspaces/:id/runs` lists runs newest first (as the API returns them and the UI shows
 *   them; the page does not say so), 20 a page unless `page[size]` (at most 100) says otherwise, the
 *   next page in `meta.pagination.next-page` (api-docs#pagination). It leaves out `plan_only`
 *   (speculative) runs unless `filter[operation]` names them, and a pull request's `terraform plan`
 *   is one, so the filter names every operation that plans changes: plan_only, plan_and_apply,
 *   save_plan, destroy (refresh_only and empty_apply plan none; a Terraform Enterprise too old for
 *   the filter lists no speculative run, which `--run` then names). `include=plan` puts each run's plan in
 *   `included` (api-docs/run#list-runs-in-a-workspace, #available-related-resources). That
 *   endpoint allows 30 requests a minute; a 429 is waited out (`x-ratelimit-reset`, seconds) and retried.
 * - `GET /runs/:id?include=plan` shows one run (api-docs/run#get-run-details).
 * - `GET /runs/:id/plan/json-output` answers 204 while the plan is unfinished, 422 for Terraform
 *   before 0.12, and 307 to a temporary URL (1 minute) on another origin, which is fetched here
 *   without the token (redirect: 'manual' and a second, bare request). It needs a user or team token
 *   with admin access to the workspace; organization tokens cannot read it (api-docs/plans#retrieve-the-json-execution-plan).
 *   That URL is a secret (api-docs#blob-storage-authentication) and is never printed.
 *
 * Which run is reviewed (without `--run`): the newest run whose plan finished, walking back over
 * runs that never produced one (canceled or discarded before planning, plan canceled or
 * unreachable; counted in `newerWithoutPlan`), at most MAX_RUNS runs. The walk stops, and the
 * stack is listed as not planned, at a run still planning (a newer plan is coming, so an older one
 * would be stale) or at a run whose plan errored (the configuration as it is does not plan). A
 * destroy run is reviewed like any other: its plan deletes everything, which the review flags.
 *
 * A workspace that is not found (404) is listed as not planned: terraform creates it on the first
 * `terraform init`. When no workspace at all is found, that is an error (exit 1), since it points
 * at the organization, prefix, hostname or the token's access, not at stacks never planned.
 */
import { list, type JsonApiDocument, type JsonApiResource, type TerraformPlan } from './json';
import { UserError } from '../blueprint/errors';
import type { Blueprint } from '../blueprint/model';
import { planBlueprint } from '../plan/plan';
import type { NotPlanned, PlanFile, RunRef } from './plan-review';
import type { TfcToken } from './tfc-token';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** How far back the walk goes before a stack is listed as not planned. */
export const MAX_RUNS = 100;
const PAGE_SIZE = 20;
/** The run operations that plan changes; speculative plans (plan_only) only appear when named. */
const OPERATIONS = 'plan_only,plan_and_apply,save_plan,destroy';
const PLAN_IN_PROGRESS = new Set(['pending', 'managed_queued', 'queued', 'running']);
const PLAN_WITHOUT_RESULT = new Set(['canceled', 'unreachable']);
const RUN_ENDED_BEFORE_PLAN = new Set(['canceled', 'force_canceled', 'discarded']);

export interface TfcTarget {
  stack: string;
  workspace: string;
  /** `--run STACK=RUN_ID`: this run instead of the latest. */
  run?: string;
}

export interface TfcOptions {
  hostname: string;
  organization: string;
  token: TfcToken;
  /** The API's origin (LUSTREFORM_TFC_ADDRESS), default `https://<hostname>`; `/api/v2` is added. */
  address?: string;
  pageSize?: number;
}

/**
 * The stacks to review: those named by `--stack` or `--run`, else every stack of the blueprint, in
 * deploy order. Invalid input (not a cloud backend, an unknown stack, `--run` not STACK=RUN_ID) is
 * a UserError, exit 2.
 */
export function tfcTargets(model: Blueprint, stacks: string[], runs: string[]): TfcTarget[] {
  const { state } = model;
  if (state.backend !== 'cloud' || !state.organization) {
    throw new UserError(`review --tfc reads the runs of Terraform Cloud workspaces, and blueprint ${model.file} keeps its state with backend '${state.backend}'; set state: { backend: cloud, organization, workspacePrefix }, or review plan files: lustreform review plans/<stack>.json`);
  }
  const known = planBlueprint(model).stacks.map((p) => p.name);
  const unknown = (name: string, flag: string) =>
    new UserError(`${flag}: '${name}' is not a stack of blueprint ${model.name}; its stacks are ${known.join(', ')}`);
  const given = new Map<string, string>();
  for (const arg of runs) {
    const m = /^([^=]+)=(run-[A-Za-z0-9]+)$/.exec(arg);
    if (!m) throw new UserError(`--run ${arg}: expected STACK=RUN_ID, e.g. --run ${known[0] ?? '<stack>'}=run-CZcmD7eagjhyX0vN (the run id is in its URL: .../runs/run-...)`);
    if (!known.includes(m[1])) throw unknown(m[1], '--run');
    if (given.has(m[1]) && given.get(m[1]) !== m[2]) throw new UserError(`--run names two runs for ${m[1]} (${given.get(m[1])}, ${m[2]}); give one`);
    given.set(m[1], m[2]);
  }
  for (const s of stacks) if (!known.includes(s)) throw unknown(s, '--stack');
  const named = new Set([...stacks, ...given.keys()]);
  return known.filter((s) => !named.size || named.has(s)).map((stack) => ({ stack, workspace: `${state.workspacePrefix}${stack}`, run: given.get(stack) }));
}

type Fetched = { status: number; headers: Headers; text: string; url: string };

/** A thin JSON:API client: the token on every request to the API, never anywhere else. */
class TfcApi {
  readonly base: string;

  constructor(private readonly o: TfcOptions) {
    this.base = `${(o.address || `https://${o.hostname}`).replace(/\/+$/, '')}/api/v2`;
  }

  /** A message without the token in it, whatever a server echoed. */
  private scrub = (text: string): string => text.split(this.o.token.token).join('***');

  private fail(message: string): UserError {
    return new UserError(this.scrub(message), 1);
  }

  /** A request to the API with the token. Redirects are never followed with it (redirect: 'manual'). */
  async request(path: string): Promise<Fetched> {
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(url, { redirect: 'manual', headers: { authorization: `Bearer ${this.o.token.token}`, accept: 'application/vnd.api+json' } });
      if (res.status === 401) {
        throw this.fail(`Terraform Cloud at ${this.o.hostname} refused the token from ${this.o.token.source} (401 Unauthorized): it is not valid there, or has expired. Create a user or team token for ${this.o.hostname} (terraform login ${this.o.hostname}, or the team's API token) and set it there`);
      }
      if (res.status === 429 && attempt < 5) {
        const reset = Number(res.headers.get('x-ratelimit-reset') ?? res.headers.get('retry-after'));
        await new Promise((r) => setTimeout(r, Math.min(60_000, Number.isFinite(reset) && reset >= 0 ? reset * 1000 : 1000 * 2 ** attempt)));
        continue;
      }
      return res;
    }
  }

  async send(url: string, init: RequestInit): Promise<Fetched> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const api = url.startsWith(this.base);
      // The download URL is a secret: only the API's own address is named.
      const why = [e.cause?.code ?? e.name, api ? e.cause?.message ?? e.message : ''].filter(Boolean).join(': ');
      throw this.fail(`cannot reach ${api ? `Terraform Cloud at ${new URL(this.base).origin}` : 'the temporary download URL Terraform Cloud gave for a JSON plan'} (${why}); check the network and the hostname${process.env.LUSTREFORM_TFC_ADDRESS ? ' and LUSTREFORM_TFC_ADDRESS' : ''}, then rerun`);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), url };
  }

  /** A JSON:API document; undefined on 404. Any other failure is an operation failure. */
  async document(path: string, what: string): Promise<JsonApiDocument | undefined> {
    const res = await this.request(path);
    if (res.status === 404) return undefined;
    if (res.status >= 300 && res.status < 400) throw this.fail(`Terraform Cloud answered ${res.status} (a redirect, not followed with the token) to ${what}; is ${this.base} its API (state.hostname, LUSTREFORM_TFC_ADDRESS)?`);
    if (res.status !== 200) throw this.fail(`Terraform Cloud answered ${res.status} to ${what}${this.errors(res.text)}`);
    try {
      return JSON.parse(res.text) as JsonApiDocument;
    } catch {
      throw this.fail(`Terraform Cloud answered ${what} with something that is not JSON; is ${this.base} its API (LUSTREFORM_TFC_ADDRESS)?`);
    }
  }

  /** The JSON:API errors of an answer, as `: title: detail`. */
  errors(text: string): string {
    try {
      const list = (JSON.parse(text)?.errors ?? []) as { title?: string; detail?: string }[];
      return list.length ? `: ${list.map((e) => [e.title, e.detail].filter(Boolean).join(': ')).join('; ')}` : '';
    } catch {
      return '';
    }
  }

  /** The plan JSON of a run, or why there is none yet. */
  async planJson(runId: string): Promise<{ plan: TerraformPlan } | { none: string }> {
    const res = await this.request(`/runs/${runId}/plan/json-output`);
    let body = res;
    if (res.status === 204) return { none: 'its plan JSON is not ready yet (204); rerun the review in a moment' };
    if (res.status === 422) return { none: 'it ran Terraform before 0.12, which writes no JSON plan' };
    if (res.status === 404) {
      throw this.fail(`Terraform Cloud answered 404 to the JSON plan of ${runId}: reading it needs a user or team token with admin access to the workspace (organization tokens cannot); the token from ${this.o.token.source} most likely lacks it`);
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (!location) throw this.fail(`Terraform Cloud answered ${res.status} without a Location to the JSON plan of ${runId}`);
      // A temporary URL on another origin: fetched without the token, never printed.
      body = await this.send(new URL(location, res.url).href, { redirect: 'follow', headers: { accept: 'application/json' } });
      if (body.status !== 200) throw this.fail(`the temporary download URL for the JSON plan of ${runId} answered ${body.status}; it lives one minute, so rerun the review`);
    } else if (res.status !== 200) {
      throw this.fail(`Terraform Cloud answered ${res.status} to the JSON plan of ${runId}${this.errors(res.text)}`);
    }
    let plan: TerraformPlan | undefined;
    try {
      plan = JSON.parse(body.text);
    } catch {
      throw this.fail(`the JSON plan of ${runId} is not JSON`);
    }
    if (!plan || typeof plan.format_version !== 'string') throw this.fail(`the JSON plan of ${runId} is not a terraform show -json plan (no format_version)`);
    return { plan };
  }
}

/** What a run's plan allows: review it, stop (with why), or pass over it to an older run. */
function verdict(run: JsonApiResource, plan: JsonApiResource | undefined): { review: true } | { stop: string } | { skip: string } {
  const runStatus = String(run.attributes?.status ?? 'unknown');
  if (run.attributes?.['refresh-only']) return { skip: 'refresh-only run' };
  const status = plan?.attributes?.status as string | undefined;
  if (status === 'finished') return { review: true };
  if (status === 'errored' || (!status && runStatus === 'errored')) return { stop: `its plan errored (run status ${runStatus}), so the configuration as it is does not plan; see the run` };
  if (status ? PLAN_WITHOUT_RESULT.has(status) : RUN_ENDED_BEFORE_PLAN.has(runStatus)) return { skip: status ? `plan ${status}` : runStatus };
  if (!status || PLAN_IN_PROGRESS.has(status)) return { stop: `it is still planning (run status ${runStatus}); rerun the review when it has finished` };
  return { stop: `its plan is ${status} (run status ${runStatus})` };
}

/** The plan document of a run: from `included`, else fetched; undefined when the run has none. */
async function planOf(api: TfcApi, run: JsonApiResource, included: JsonApiResource[] | undefined): Promise<JsonApiResource | undefined> {
  const ref = run.relationships?.plan?.data;
  if (!ref?.id) return undefined;
  return included?.find((d) => d.type === 'plans' && d.id === ref.id) ?? one((await api.document(`/plans/${ref.id}`, `plan ${ref.id}`))?.data);
}

type Outcome = { plan: PlanFile } | { notPlanned: NotPlanned } | { notFound: NotPlanned };

async function reviewTarget(api: TfcApi, o: TfcOptions, t: TfcTarget): Promise<Outcome> {
  const q = encodeURIComponent;
  const workspace = one((await api.document(`/organizations/${q(o.organization)}/workspaces/${q(t.workspace)}`, `workspace ${t.workspace}`))?.data);
  const runUrl = (id: string) => `https://${o.hostname}/app/${q(o.organization)}/workspaces/${q(t.workspace)}/runs/${id}`;
  const none = (reason: string, run?: string): Outcome => ({ notPlanned: { stack: t.stack, reason, ...(run ? { run, url: runUrl(run) } : {}) } });
  if (!workspace) {
    const reason = `workspace ${t.workspace} not found in organization ${o.organization} on ${o.hostname}: terraform creates it on the stack's first terraform init (HCP Terraform also answers 404 when the token may not read it)`;
    if (t.run) throw new UserError(`--run ${t.stack}=${t.run}: ${reason}`, 1);
    return { notFound: { stack: t.stack, reason } };
  }
  const chosen = async (run: JsonApiResource, newerWithoutPlan: number): Promise<Outcome> => {
    const json = await api.planJson(run.id);
    if ('none' in json) return none(`run ${run.id} has a plan, but ${json.none}`, run.id);
    const ref: RunRef = { id: run.id, url: runUrl(run.id), destroy: run.attributes?.['is-destroy'] === true, newerWithoutPlan };
    return { plan: { stack: t.stack, plan: json.plan, run: ref } };
  };

  if (t.run) {
    const doc = await api.document(`/runs/${t.run}?include=plan`, `run ${t.run}`);
    const run = one(doc?.data);
    if (!doc || !run) throw new UserError(`--run ${t.stack}=${t.run}: run ${t.run} not found on ${o.hostname} (or the token from ${o.token.source} may not read it)`, 1);
    const owner = run.relationships?.workspace?.data?.id;
    if (owner && owner !== workspace.id) throw new UserError(`--run ${t.stack}=${t.run}: that run belongs to another workspace (${owner}), not ${t.workspace} (${workspace.id}); give the run of ${t.stack}'s own workspace`);
    const v = verdict(run, await planOf(api, run, doc.included));
    if ('review' in v) return chosen(run, 0);
    return none(`run ${t.run} has no plan to review${'stop' in v ? `: ${v.stop}` : ` (${v.skip})`}`, t.run);
  }

  const size = o.pageSize ?? PAGE_SIZE;
  let skipped: { id: string; why: string }[] = [];
  let seen = 0;
  for (let page: number | undefined = 1; page && seen < MAX_RUNS; ) {
    const doc = await api.document(`/workspaces/${workspace.id}/runs?filter%5Boperation%5D=${OPERATIONS}&include=plan&page%5Bsize%5D=${size}&page%5Bnumber%5D=${page}`, `the runs of workspace ${t.workspace}`);
    const runs = list(doc?.data) as JsonApiResource[];
    for (const run of runs) {
      if (seen++ >= MAX_RUNS) break;
      const v = verdict(run, await planOf(api, run, doc?.included));
      if ('review' in v) return chosen(run, skipped.length);
      if ('stop' in v) return none(`the latest run, ${run.id}, has no plan to review: ${v.stop}${skipped.length ? ` (and ${skipped.length} newer ended before planning)` : ''}`, run.id);
      skipped = [...skipped, { id: run.id, why: v.skip }];
    }
    const next = doc?.meta?.pagination?.['next-page'] ?? pageOf(doc?.links?.next);
    page = typeof next === 'number' && next > page ? next : undefined;
  }
  if (!seen) return none(`workspace ${t.workspace} has no run yet: plan the stack (terraform -chdir=cdktf.out/stacks/${t.stack} plan) first`);
  return none(`none of the newest ${seen} runs of ${t.workspace} has a plan (${[...new Set(skipped.map((s) => s.why))].join(', ')}); plan the stack again`);
}

/** The one resource of a document that holds one. */
const one = (data: JsonApiDocument['data']): JsonApiResource | undefined => (Array.isArray(data) ? data[0] : data);

/** `page[number]` of a JSON:API `links.next` URL. */
function pageOf(link: unknown): number | undefined {
  if (typeof link !== 'string') return undefined;
  const n = Number(new URL(link, 'http://x').searchParams.get('page[number]'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The plans of the targets' runs, in the targets' order, and the stacks without one. Four stacks
 * at a time; an operation failure (unreachable, 401, 5xx) ends it with a UserError, exit 1.
 */
export async function plansFromRuns(targets: TfcTarget[], o: TfcOptions): Promise<{ plans: PlanFile[]; notPlanned: NotPlanned[] }> {
  const api = new TfcApi(o);
  const outcomes: Outcome[] = new Array(targets.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < targets.length && failed === undefined) {
      const i = next++;
      try {
        outcomes[i] = await reviewTarget(api, o, targets[i]);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
  if (failed !== undefined) throw failed;
  const missing = outcomes.filter((x): x is { notFound: NotPlanned } => 'notFound' in x);
  if (missing.length && missing.length === outcomes.length) {
    throw new UserError(
      `no workspace of ${missing.length === 1 ? 'the stack' : `the ${missing.length} stacks`} exists in organization ${o.organization} on ${o.hostname} (looked for ${targets.map((t) => t.workspace).join(', ')}), or the token from ${o.token.source} may not read them: check state.organization, state.workspacePrefix and state.hostname, and the token's team access`,
      1,
    );
  }
  return {
    plans: outcomes.flatMap((x) => ('plan' in x ? [x.plan] : [])),
    notPlanned: outcomes.flatMap((x) => ('notPlanned' in x ? [x.notPlanned] : 'notFound' in x ? [x.notFound] : [])),
  };
}
