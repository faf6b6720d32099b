/**
 * `lustreform summary`: the topology as a reviewer reads it, from the model alone (no synth).
 */
import type { Blueprint, Bucket, FileSystem } from '../blueprint/model';
import { planBlueprint, plannedAlarms, stacksOf } from '../plan/plan';
import type { Plan } from '../plan/types';
import { PRICING } from '../aws/pricing';
import { restoreTime } from '../aws/s3';
import { s3Uri } from '../blueprint/topology';

/** The estimated monthly storage cost of a file system, or undefined when the table has no price (INTELLIGENT_TIERING bills by data stored). */
export function fileSystemMonthlyCost(fs: FileSystem): { usd: number; rate: number } | undefined {
  const key = fs.deploymentType.startsWith('SCRATCH') ? fs.deploymentType : `${fs.deploymentType}/${fs.storageType}/${fs.throughput}`;
  const rate = PRICING.fsx[key];
  if (rate === undefined || fs.storageCapacity === undefined) return undefined;
  return { usd: Math.round(rate * fs.storageCapacity * 100) / 100, rate };
}


const encryptionText = (b: Bucket) => (b.encryption.kind === 'sse-s3' ? 'SSE-S3' : b.encryption.kind === 'kms' ? 'SSE-KMS (AWS managed key)' : `SSE-KMS ${b.encryption.keyArn}`);
const events = (e: string[]) => (e.length ? e.join(', ') : '-');
const table = (head: string[], rows: (string | number)[][]) => (rows.length ? [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n') : '_none_');
const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

export interface Summary {
  name: string;
  sites: { key: string; account: string | null; region: string }[];
  buckets: { key: string; name: string; site: string; encryption: string; versioning: boolean; adopted: boolean; replicatesTo: string[] }[];
  replication: { from: string; to: string; mode: string; rtc: boolean; kms: boolean; prefix: string; storageClass: string | null; existingObjects: string }[];
  fileSystems: {
    key: string;
    site: string;
    type: string;
    capacityGiB: number | null;
    throughput: string;
    lustreVersion: string;
    monthlyUsd: number | null;
    repositories: { path: string; s3: string; purpose: string; autoImport: string[]; autoExport: string[]; preload: string }[];
  }[];
  protection: { fsxBackups: { fileSystem: string; dailyAt: string | null; retentionDays: number }[]; plans: { key: string; site: string; fileSystems: string[]; schedule: string; retentionDays: number; copies: string[]; vaultLock: string | null; restoreTests: string | null }[] };
  /** The archive restores deployed: the blueprint's, and those lustreform adds for archived replicas at recovery sites. */
  archiveRestore: { bucket: string; site: string; prefix: string; tier: string; days: number; notify: string[] }[];
  recovery: { fileSystem: string; from: string; to: string; standby: string }[];
  /** What is watched, per site: its alarm topics, its alarms by kind (what each watches), its dashboard. */
  monitoring: { enabled: boolean; notify: string[]; sites: { site: string; topics: string[]; alarms: { kind: string; watches: string[] }[]; dashboard: string | null }[] };
  pricing: { date: string; region: string; sources: string[] };
}

/** The topology from the blueprint and, for what lustreform decides (who replicates where, which restores are deployed), from its plan. */
export function summarize(m: Blueprint): Summary {
  const edges = m.replication;
  const plan = planBlueprint(m);
  const rules = new Map(stacksOf(plan, 'replication').flatMap((s) => s.configurations.map((c) => [c.sourceKey, c.rules.map((r) => r.destinationKey)] as const)));
  return {
    name: m.name,
    sites: [...m.sites.values()].map((s) => ({ key: s.key, account: s.account?.id ?? null, region: s.region })),
    buckets: [...m.buckets.values()].map((b) => ({
      key: b.key,
      name: b.name,
      site: b.site.key,
      encryption: encryptionText(b),
      versioning: b.versioning,
      adopted: b.adopt,
      replicatesTo: rules.get(b.key) ?? [],
    })),
    replication: edges.map((e) => ({ from: e.from.key, to: e.to.key, mode: e.mode, rtc: e.replicationTime, kms: e.from.encryption.kind !== 'sse-s3' || e.to.encryption.kind !== 'sse-s3', prefix: e.prefix, storageClass: e.storageClass ?? null, existingObjects: e.existingObjects })),
    fileSystems: [...m.fileSystems.values()].map((fs) => ({
      key: fs.key,
      site: fs.site.key,
      type: `${fs.deploymentType} ${fs.storageType}`,
      capacityGiB: fs.storageCapacity ?? null,
      throughput: fs.throughput ? `${fs.throughput} MB/s/TiB` : fs.throughputCapacity ? `${fs.throughputCapacity} MBps` : '-',
      lustreVersion: fs.lustreVersion,
      monthlyUsd: fileSystemMonthlyCost(fs)?.usd ?? null,
      repositories: fs.repositories.map((r) => ({ path: r.fileSystemPath, s3: s3Uri(r), purpose: r.purpose, autoImport: r.autoImport, autoExport: r.autoExport, preload: r.preload })),
    })),
    protection: {
      fsxBackups: [...m.fileSystems.values()].filter((f) => f.backups).map((f) => ({ fileSystem: f.key, dailyAt: f.backups!.dailyAt ?? null, retentionDays: f.backups!.retentionDays })),
      plans: [...m.backupPlans.values()].map((p) => ({
        key: p.key,
        site: p.site.key,
        fileSystems: p.fileSystems.map((f) => f.key),
        schedule: p.schedule,
        retentionDays: p.retentionDays,
        copies: p.copyTo.map((c) => `${c.site.key} (${c.retentionDays} days)`),
        vaultLock: p.vaultLock ? `${p.vaultLock.mode} ${p.vaultLock.minRetentionDays}-${p.vaultLock.maxRetentionDays} days` : null,
        restoreTests: restoreTestsOf(plan, p.key),
      })),
    },
    archiveRestore: stacksOf(plan, 'protection').flatMap((s) => s.archiveRestore.map((a) => ({ bucket: a.bucketKey, site: s.site.key, prefix: a.prefix, tier: a.tier, days: a.days, notify: a.notify }))),
    recovery: m.recovery.map((r) => ({ fileSystem: r.fileSystem.key, from: r.fileSystem.site.key, to: r.site.key, standby: r.standby })),
    monitoring: watched(m, plan),
    pricing: { date: PRICING.date, region: PRICING.region, sources: PRICING.sources },
  };
}

/** Where and when AWS Backup tests the restores of a plan (`<site> <schedule>`), from the planned protection stacks. */
function restoreTestsOf(plan: Plan, key: string): string | null {
  const at = stacksOf(plan, 'protection').find((s) => s.restoreTests.some((t) => t.key === key));
  return at ? `${at.site.key} ${at.restoreTests.find((t) => t.key === key)!.schedule}` : null;
}

function watched(m: Blueprint, plan: Plan): Summary['monitoring'] {
  const alarms = plannedAlarms(plan);
  const sites = [...m.sites.values()].flatMap((site) => {
    const mine = alarms.filter((a) => a.site === site);
    const topics = plan.stacks.flatMap((s) => (s.site === site && (s.layer === 'storage' || s.layer === 'replication') ? s.alarmTopics.map((t) => t.name) : []));
    const board = plan.stacks.flatMap((s) => (s.site === site && (s.layer === 'storage' || s.layer === 'lustre') && s.dashboard ? [s.dashboard.name] : []))[0];
    const events = stacksOf(plan, 'protection').filter((s) => s.site === site).flatMap((s) => s.backupEvents.map((e) => e.description.replace(/ \(lustreform\)$/, '')));
    const kinds = [...new Set(mine.map((a) => a.alarm.kind))];
    const alarmRows = [...kinds.map((kind) => ({ kind, watches: mine.filter((a) => a.alarm.kind === kind).map((a) => a.alarm.description.replace(/ \(lustreform [^)]*\)$/, '')) })), ...(events.length ? [{ kind: 'backup-failed (events)', watches: events }] : [])];
    return topics.length ? [{ site: site.key, topics, alarms: alarmRows, dashboard: board ?? null }] : [];
  });
  return { enabled: m.monitoring.enabled, notify: m.monitoring.notify, sites };
}

/** Mermaid: sites as subgraphs holding their buckets and file systems; replication and repository edges. */
export function mermaid(m: Blueprint): string {
  const lines = ['flowchart LR'];
  for (const site of m.sites.values()) {
    lines.push(`  subgraph site_${id(site.key)}["${site.key}: ${site.account ? `${site.account.id} ` : ''}${site.region}"]`);
    for (const b of m.buckets.values()) if (b.site === site) lines.push(`    b_${id(b.key)}[("${b.key}")]`);
    for (const f of m.fileSystems.values()) if (f.site === site) lines.push(`    f_${id(f.key)}{{"${f.key} ${f.deploymentType}"}}`);
    lines.push('  end');
  }
  for (const e of m.replication) lines.push(`  b_${id(e.from.key)} ${e.mode === 'two-way' ? '<-->' : '-->'}|replication${e.replicationTime ? ' RTC' : ''}| b_${id(e.to.key)}`);
  for (const f of m.fileSystems.values()) for (const r of f.repositories) lines.push(`  f_${id(f.key)} -.-|${r.fileSystemPath}| b_${id(r.bucket.key)}`);
  for (const r of m.recovery) lines.push(`  f_${id(r.fileSystem.key)} ==>|recovery ${r.standby}| site_${id(r.site.key)}`);
  return lines.join('\n');
}

export function summaryMarkdown(m: Blueprint): string {
  const s = summarize(m);
  const total = s.fileSystems.reduce((a, f) => a + (f.monthlyUsd ?? 0), 0);
  return [
    `## lustreform blueprint \`${s.name}\``,
    '',
    '```mermaid',
    mermaid(m),
    '```',
    '',
    '### Sites',
    table(['site', 'account', 'region'], s.sites.map((x) => [x.key, x.account ?? 'ambient credentials', x.region])),
    '',
    '### Buckets',
    table(['bucket', 'name', 'site', 'encryption', 'versioning', 'replicates to'], s.buckets.map((b) => [b.key, `${b.name}${b.adopted ? ' (adopted)' : ''}`, b.site, b.encryption, b.versioning ? 'on' : 'off', b.replicatesTo.join(', ') || '-'])),
    '',
    '### Replication',
    table(['from', 'to', 'mode', 'RTC', 'KMS', 'prefix', 'replica class', 'existing objects'], s.replication.map((e) => [e.from, e.to, e.mode, e.rtc ? '15 min' : 'no', e.kms ? 'yes' : 'no', e.prefix || '(all)', e.storageClass ?? 'as source', e.existingObjects])),
    '',
    '### File systems',
    table(['file system', 'site', 'type', 'capacity', 'throughput', 'Lustre', 'est. storage USD/month'], s.fileSystems.map((f) => [f.key, f.site, f.type, f.capacityGiB === null ? 'elastic' : `${f.capacityGiB} GiB`, f.throughput, f.lustreVersion, f.monthlyUsd === null ? 'n/a' : `$${f.monthlyUsd.toFixed(2)}`])),
    '',
    `Estimated file system storage: **$${total.toFixed(2)}/month** (${s.pricing.region} list prices of ${s.pricing.date}; ${s.pricing.sources.join(', ')}). S3 storage is billed by what you store: ${Object.entries(PRICING.s3).map(([c, p]) => `${c} $${p}`).join(', ')} per GB-month.`,
    '',
    '### Repositories',
    table(['file system', 'path', 'S3', 'purpose', 'auto-import', 'auto-export', 'preload'], s.fileSystems.flatMap((f) => f.repositories.map((r) => [f.key, r.path, r.s3, r.purpose, events(r.autoImport), events(r.autoExport), r.preload]))),
    '',
    '### Protection',
    // Two tables, one "_none_" when both are empty.
    ...(s.protection.fsxBackups.length || s.protection.plans.length
      ? [
          ...(s.protection.fsxBackups.length ? [table(['FSx automatic backups', 'daily at (UTC)', 'kept'], s.protection.fsxBackups.map((b) => [b.fileSystem, b.dailyAt ?? 'AWS chooses', `${b.retentionDays} days`])), ''] : []),
          ...(s.protection.plans.length ? [table(['AWS Backup plan', 'site', 'file systems', 'schedule', 'kept', 'copies', 'vault lock', 'restore tests'], s.protection.plans.map((p) => [p.key, p.site, p.fileSystems.join(', '), p.schedule, `${p.retentionDays} days`, p.copies.join(', ') || '-', p.vaultLock ?? '-', p.restoreTests ?? '-'])), ''] : []),
        ]
      : ['_none_', '']),
    '### Archive restore',
    table(['bucket', 'site', 'prefix', 'tier', 'readable for', 'ready within', 'notify'], s.archiveRestore.map((a) => [a.bucket, a.site, a.prefix || '(all)', a.tier, `${a.days} days`, restoreTime(a.tier), a.notify.join(', ') || '-'])),
    '',
    '### Recovery',
    table(['file system', 'from', 'to', 'standby'], s.recovery.map((r) => [r.fileSystem, r.from, r.to, r.standby])),
    '',
    '### Monitoring',
    s.monitoring.enabled
      ? `Alarms notify each site's alarm topic${s.monitoring.notify.length ? `, to which ${s.monitoring.notify.join(', ')} ${s.monitoring.notify.length === 1 ? 'is' : 'are'} subscribed` : ' (no e-mail subscribed: set monitoring.notify)'}.`
      : 'Off (`monitoring: { enabled: false }`): no alarms, topics or dashboards.',
    '',
    table(['site', 'alarm topic', 'alarm', 'watches', 'dashboard'], s.monitoring.sites.flatMap((x) => (x.alarms.length ? x.alarms : [{ kind: '-', watches: [] }]).map((a) => [x.site, x.topics.join(', '), a.kind, a.watches.join('<br>') || '-', x.dashboard ?? '-']))),
    '',
  ].join('\n');
}
