/**
 * Failover checks: a recovery site takes over only if every repository has its replica there and
 * the stacks to deploy need nothing of the other sites (no stack, account, bucket or region).
 */
import type { Blueprint, Site } from '../blueprint/model';
import type { Activation } from './recovery';
import type { StackPlan } from './types';
import { replicaAt } from '../blueprint/topology';

export const BACKUP_ID = /^backup-[0-9a-f]{8,}$/;

/** Problems with the activation itself, before anything is synthesized. */
export function failoverProblems(m: Blueprint, a: Activation): string[] {
  const site = m.sites.get(a.site);
  if (!site) return [`--to '${a.site}' is not a site of ${m.name}; sites: ${[...m.sites.keys()].join(', ')}`];
  const entries = m.recovery.filter((r) => r.site === site);
  if (!entries.length) return [`no recovery entry rebuilds anything at '${a.site}'; add one under recovery:`];
  const problems: string[] = [];
  for (const key of a.fileSystems ?? []) if (!entries.some((e) => e.fileSystem.key === key)) problems.push(`'${key}' has no recovery entry for site '${a.site}'; entries there: ${entries.map((e) => e.fileSystem.key).join(', ')}`);
  for (const key of Object.keys(a.fromBackup ?? {})) {
    if (!entries.some((e) => e.fileSystem.key === key)) problems.push(`--from-backup names '${key}', which has no recovery entry for site '${a.site}'; entries there: ${entries.map((e) => e.fileSystem.key).join(', ')}`);
    else if (a.fileSystems && !a.fileSystems.includes(key)) problems.push(`--from-backup names '${key}', which is not among the file systems failing over (${a.fileSystems.join(', ')}); add --file-system ${key} or drop its backup`);
  }
  for (const e of entries.filter((x) => !a.fileSystems || a.fileSystems.includes(x.fileSystem.key))) {
    const fs = e.fileSystem;
    const backup = a.fromBackup?.[fs.key];
    for (const r of fs.repositories) if (!replicaAt(m, r.bucket, site)) problems.push(`${fs.key} ${r.fileSystemPath}: bucket '${r.bucket.key}' has no replica at '${a.site}'`);
    if (backup !== undefined) {
      if (!BACKUP_ID.test(backup)) problems.push(`--from-backup '${backup}' is not a backup id like backup-0123456789abcdef0`);
      if (fs.repositories.length) problems.push(`${fs.key} is linked to S3 and has no backups; it is rebuilt from the replicas, without --from-backup`);
    } else if (!fs.repositories.length) {
      problems.push(`${fs.key} reads no bucket, so rebuilt without a backup it would be empty; give --from-backup <id> of its copy in the '${a.site}' vault`);
    }
  }
  return problems;
}

/**
 * Whether the recovery site stands alone: the stacks a failover deploys (the site's lustre stack
 * and what it waits for) are all at that site, none names another site's region, the lustre
 * stack names no other site's account or bucket, and the state backend is not in another region.
 */
export function standaloneProblems(m: Blueprint, a: Activation, plans: StackPlan[], stackJson: (name: string) => string): { deploy: string[]; problems: string[] } {
  const site = m.sites.get(a.site)!;
  const order = failoverDeploy(plans, site);
  const lustre = order.at(-1);
  if (!lustre) return { deploy: [], problems: [`nothing to deploy at '${a.site}'`] };
  const problems: string[] = [];
  for (const p of order) if (p.site !== site) problems.push(`${lustre.name} waits for ${p.name} of site '${p.site.key}'`);
  // The state backend is checked on its own, so its message says what to change.
  const s3 = m.state.backend === 's3' ? m.state.s3 : undefined;
  if (s3 && s3.region !== site.region) {
    const there = [...m.sites.values()].filter((o) => o.region === s3.region).map((o) => `'${o.key}'`);
    problems.push(`the state backend, s3://${s3.bucket} (state.s3), is in ${s3.region}${there.length ? `, the region of site ${there.join(', ')}` : ''}: with that region down terraform cannot reach the state of ${order.map((p) => p.name).join(', ')}. Keep state in a region recovery survives, or use backend: cloud (validate warns: STA003)`);
  }
  // Every stack to deploy: no resource in another site's region. The lustre stack also: no other
  // site's account (a key, a role) and no other site's bucket. The storage stack may name them:
  // grants for replication from the other site, which deploy without it.
  for (const p of order) {
    const config = JSON.parse(stackJson(p.name));
    delete config.terraform?.backend;
    const text = JSON.stringify(config);
    for (const other of m.sites.values()) {
      if (other === site) continue;
      if (other.region !== site.region && (text.includes(`"${other.region}"`) || text.includes(`:${other.region}:`))) problems.push(`${p.name} names region ${other.region} of site '${other.key}'`);
      if (p !== lustre) continue;
      if (other.account && other.account.id !== site.account?.id && text.includes(other.account.id)) problems.push(`${p.name} names account ${other.account.id} of site '${other.key}'`);
    }
    if (p === lustre) for (const b of m.buckets.values()) if (b.site !== site && text.includes(`s3://${b.name}/`)) problems.push(`${p.name} reads bucket ${b.name} of site '${b.site.key}'`);
  }
  return { deploy: order.map((p) => p.name), problems };
}

/**
 * What a failover to `site` deploys: the site's lustre stack and every stack it waits for, in
 * deploy order (the lustre stack last); none when the site runs no file system.
 */
export function failoverDeploy(plans: StackPlan[], site: Site): StackPlan[] {
  const lustre = plans.find((p) => p.site === site && p.layer === 'lustre');
  if (!lustre) return [];
  const deploy = new Set<string>();
  const visit = (name: string) => {
    if (deploy.has(name)) return;
    deploy.add(name);
    for (const d of plans.find((p) => p.name === name)?.dependsOn ?? []) visit(d);
  };
  visit(lustre.name);
  return plans.filter((p) => deploy.has(p.name));
}

/** `site` or `site:fs1,fs2` (LUSTREFORM_FAILOVER), with `fs=backup-id,...` (LUSTREFORM_FROM_BACKUP). */
export function activationFrom(failover: string | undefined, fromBackup: string | undefined): Activation | undefined {
  if (!failover) return undefined;
  const [site, list] = failover.split(':');
  const backups = Object.fromEntries((fromBackup ?? '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  return { site, fileSystems: list ? list.split(',').filter(Boolean) : undefined, fromBackup: Object.keys(backups).length ? backups : undefined };
}
