/**
 * Account limits, per account and region (where they count), with what the blueprint adds there:
 *
 * - CloudTrail: "You can create up to five trails per AWS Region. A multi-Region trail counts as
 *   one trail per Region" (CloudTrail User Guide, "Creating multiple trails"; the quota "Trails per
 *   Region: 5" cannot be increased). DescribeTrails with includeShadowTrails lists the region's
 *   trails and the shadows of multi-Region trails homed elsewhere; the account's own count.
 *   Organization trails owned by another account (the management account) count against that
 *   account as far as AWS documents; they are named, and make a close call a warning.
 * - Lambda: GetAccountSettings' AccountLimit.UnreservedConcurrentExecutions is what functions
 *   without a reservation share; Lambda refuses a reservation that leaves fewer than 10 unreserved.
 *   The restore functions reserve nothing and are bounded by their event source mappings' maximum
 *   concurrency, so less than that left unreserved throttles bursts (a warning).
 * - FSx for Lustre storage capacity (Service Quotas, service code `fsx`, per account and region):
 *   "Lustre Scratch storage capacity" L-AD2FC696 (SCRATCH_1, SCRATCH_2), "Lustre Persistent_1
 *   storage capacity" L-C8640C82, "Lustre Persistent_2 storage capacity" L-8F1B9C74 (each 100,800
 *   GiB by default), and "Lustre Persistent HDD storage capacity (per file system)" L-736F3D6F
 *   (102,000 GiB), as the Service Quotas catalog lists them (ListAWSDefaultServiceQuotas fsx).
 *   GetServiceQuota gives the applied value, GetAWSDefaultServiceQuota the default where no value
 *   was ever applied (NoSuchResourceException). File systems of other blueprints and tools in the
 *   account (FSx DescribeFileSystems) use the same quota. INTELLIGENT_TIERING file systems have no
 *   storage capacity to count.
 */
import { DescribeTrailsCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { paginateDescribeFileSystems, type FileSystem as LiveFileSystem } from '@aws-sdk/client-fsx';
import { GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import type { DeploymentType, Site } from '../../blueprint/model';
import { attempt, errorName, whyNot, type DoctorContext } from './context';
import type { FileSystemDemand, RestoreDemand } from './expectations';

/** CloudTrail trails per region and account; cannot be raised. */
export const TRAILS_PER_REGION = 5;
/** Lambda keeps this much concurrency unreserved; it refuses reservations below it. */
export const MIN_UNRESERVED_CONCURRENCY = 10;

export interface CapacityQuota {
  code: string;
  name: string;
  types: DeploymentType[];
}

/** The FSx for Lustre storage capacity quotas (Service Quotas, service code `fsx`). */
export const CAPACITY_QUOTAS: readonly CapacityQuota[] = [
  { code: 'L-AD2FC696', name: 'Lustre Scratch storage capacity', types: ['SCRATCH_1', 'SCRATCH_2'] },
  { code: 'L-C8640C82', name: 'Lustre Persistent_1 storage capacity', types: ['PERSISTENT_1'] },
  { code: 'L-8F1B9C74', name: 'Lustre Persistent_2 storage capacity', types: ['PERSISTENT_2'] },
];
export const HDD_PER_FILE_SYSTEM_QUOTA = { code: 'L-736F3D6F', name: 'Lustre Persistent HDD storage capacity (per file system)' };

interface Place {
  account: string;
  region: string;
  sites: Site[];
}

export async function checkLimits(ctx: DoctorContext): Promise<void> {
  const places = new Map<string, Place>();
  for (const site of ctx.model.sites.values()) {
    if (ctx.unreachable(site)) continue;
    const key = `${ctx.accountOf(site)}/${site.region}`;
    const p = places.get(key) ?? { account: ctx.accountOf(site), region: site.region, sites: [] };
    p.sites.push(site);
    places.set(key, p);
  }
  for (const p of places.values()) {
    if (!p.sites.some((s) => ctx.inScope(s))) continue;
    const at = (s: Site) => p.sites.includes(s);
    const restore = ctx.expected.restore.filter((r) => at(r.site));
    const fileSystems = ctx.expected.fileSystems.filter((f) => at(f.site));
    const subject = `${p.account} ${p.region}`;
    const clients = ctx.clients(p.sites[0]);
    if (restore.length) {
      await trails(ctx, subject, p, clients.cloudtrail, restore);
      await concurrency(ctx, subject, clients.lambda, restore);
    }
    if (fileSystems.some((f) => f.storageCapacity)) await capacity(ctx, subject, clients, fileSystems);
  }
}

async function trails(ctx: DoctorContext, subject: string, p: Place, client: DoctorClientsOf['cloudtrail'], restore: RestoreDemand[]): Promise<void> {
  const list = await attempt(ctx, 'CloudTrail trails', subject, 'cloudtrail:DescribeTrails', async () => (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? []);
  if (!list) return;
  const accountOf = (t: Trail) => /^arn:[^:]+:cloudtrail:[^:]+:(\d{12}):/.exec(t.TrailARN ?? '')?.[1];
  const counted = list.filter((t) => accountOf(t) === p.account && (t.IsMultiRegionTrail || t.HomeRegion === p.region));
  const others = list.filter((t) => accountOf(t) !== undefined && accountOf(t) !== p.account && t.IsOrganizationTrail);
  const theirs = counted.filter((t) => !ctx.expected.ownTrail(t.Name ?? ''));
  const adds = restore.reduce((n, r) => n + r.trails, 0);
  const total = theirs.length + adds;
  const named = theirs.map((t) => t.Name).join(', ') || 'none';
  const org = others.length ? `; organization trails of other accounts, not counted: ${others.map((t) => t.Name).join(', ')}` : '';
  const detail = `${theirs.length} trail(s) already (${named}) + ${adds} for archive restore = ${total} of ${TRAILS_PER_REGION}${org}`;
  if (total > TRAILS_PER_REGION) ctx.add('CloudTrail trails', subject, 'fail', `${detail}: CloudTrail allows ${TRAILS_PER_REGION} per region (not adjustable); remove a trail, or put the archive-restore entries of this region at one site`);
  else if (total + others.length > TRAILS_PER_REGION) ctx.add('CloudTrail trails', subject, 'warn', `${detail}: within the limit unless the organization trails count here too`);
  else ctx.add('CloudTrail trails', subject, 'ok', detail);
}

type DoctorClientsOf = ReturnType<DoctorContext['clients']>;

async function concurrency(ctx: DoctorContext, subject: string, client: DoctorClientsOf['lambda'], restore: RestoreDemand[]): Promise<void> {
  const settings = await attempt(ctx, 'Lambda concurrency', subject, 'lambda:GetAccountSettings', async () => (await client.send(new GetAccountSettingsCommand({}))).AccountLimit);
  if (!settings) return;
  const unreserved = settings.UnreservedConcurrentExecutions ?? settings.ConcurrentExecutions ?? 0;
  const reserve = restore.reduce((n, r) => n + r.reservedConcurrency, 0);
  const burst = restore.reduce((n, r) => n + r.maxConcurrency, 0);
  const functions = restore.reduce((n, r) => n + r.functions, 0);
  const left = unreserved - reserve;
  const head = `${unreserved} unreserved of ${settings.ConcurrentExecutions ?? '?'}; ${functions} restore function(s) reserve ${reserve} and burst to ${burst}`;
  if (reserve > 0 && left < MIN_UNRESERVED_CONCURRENCY) ctx.add('Lambda concurrency', subject, 'fail', `${head}: Lambda refuses reservations that leave fewer than ${MIN_UNRESERVED_CONCURRENCY} unreserved; request a higher "Concurrent executions" quota (Service Quotas, lambda L-B99A9384)`);
  else if (left < burst) ctx.add('Lambda concurrency', subject, 'warn', `${head}: bursts of restores will be throttled (they retry from the queue); request a higher "Concurrent executions" quota (Service Quotas, lambda L-B99A9384)`);
  else ctx.add('Lambda concurrency', subject, 'ok', head);
}

async function quotaValue(client: DoctorClientsOf['quotas'], code: string): Promise<{ value: number; source: string }> {
  try {
    const q = (await client.send(new GetServiceQuotaCommand({ ServiceCode: 'fsx', QuotaCode: code }))).Quota;
    if (q?.Value !== undefined) return { value: q.Value, source: 'applied' };
  } catch (err) {
    if (errorName(err) !== 'NoSuchResourceException') throw err;
  }
  const d = (await client.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'fsx', QuotaCode: code }))).Quota;
  if (d?.Value === undefined) throw Object.assign(new Error(`Service Quotas has no value for fsx ${code}`), { name: 'NoSuchResourceException' });
  return { value: d.Value, source: 'default' };
}

async function capacity(ctx: DoctorContext, subject: string, clients: DoctorClientsOf, demands: FileSystemDemand[]): Promise<void> {
  // File systems already in the account that are not this blueprint's use the same quotas.
  let others: LiveFileSystem[] | undefined;
  let othersWhy = '';
  try {
    const all: LiveFileSystem[] = [];
    for await (const page of paginateDescribeFileSystems({ client: clients.fsx }, {})) all.push(...(page.FileSystems ?? []));
    others = all.filter((f) => f.FileSystemType === 'LUSTRE' && !(f.Tags ?? []).some((t) => t.Key === 'lustreform:blueprint' && t.Value === ctx.model.name));
  } catch (err) {
    othersWhy = whyNot(err, 'fsx:DescribeFileSystems');
  }
  for (const q of CAPACITY_QUOTAS) {
    const mine = demands.filter((d) => q.types.includes(d.deploymentType) && d.storageCapacity);
    if (!mine.length) continue;
    const ours = mine.reduce((n, d) => n + (d.storageCapacity ?? 0), 0);
    const theirs = (others ?? []).filter((f) => q.types.includes(f.LustreConfiguration?.DeploymentType as DeploymentType)).reduce((n, f) => n + (f.StorageCapacity ?? 0), 0);
    const row = `${subject} ${q.name}`;
    const quota = await attempt(ctx, 'FSx capacity quota', row, 'servicequotas:GetServiceQuota', () => quotaValue(clients.quotas, q.code));
    if (!quota) continue;
    const total = ours + theirs;
    const what = `${ours} GiB for ${mine.map((d) => d.subject).join(', ')}${others ? ` + ${theirs} GiB already in the account` : ''} = ${total} of ${quota.value} GiB (${quota.source}, fsx ${q.code})`;
    if (total > quota.value) ctx.add('FSx capacity quota', row, 'fail', `${what}: request an increase of "${q.name}" (Service Quotas, fsx ${q.code}) before apply`);
    else if (!others) ctx.add('FSx capacity quota', row, 'warn', `${what}; file systems already in the account not counted: ${othersWhy}`);
    else ctx.add('FSx capacity quota', row, 'ok', what);
  }
  const hdd = demands.filter((d) => d.storageType === 'HDD' && d.storageCapacity);
  if (!hdd.length) return;
  const row = `${subject} ${HDD_PER_FILE_SYSTEM_QUOTA.name}`;
  const quota = await attempt(ctx, 'FSx capacity quota', row, 'servicequotas:GetServiceQuota', () => quotaValue(clients.quotas, HDD_PER_FILE_SYSTEM_QUOTA.code));
  if (!quota) return;
  const over = hdd.filter((d) => (d.storageCapacity ?? 0) > quota.value);
  if (over.length) ctx.add('FSx capacity quota', row, 'fail', `${over.map((d) => `${d.subject} ${d.storageCapacity} GiB`).join(', ')} over ${quota.value} GiB per file system (fsx ${HDD_PER_FILE_SYSTEM_QUOTA.code}): request an increase`);
  else ctx.add('FSx capacity quota', row, 'ok', `largest HDD file system ${Math.max(...hdd.map((d) => d.storageCapacity ?? 0))} of ${quota.value} GiB`);
}
