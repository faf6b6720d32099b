/**
 * Failover in the plan: whether an activation can work (a replica for every repository, a backup
 * for what reads no bucket), and which stacks it deploys. Whether those stand alone is read from
 * their synthesized configuration (src/review/standalone.ts).
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
export function activationFrom(failover: string | undefined, fromBackup: string | undefined, drill?: string): Activation | undefined {
  if (!failover) return undefined;
  const [site, list] = failover.split(':');
  const backups = Object.fromEntries((fromBackup ?? '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  return { site, fileSystems: list ? list.split(',').filter(Boolean) : undefined, fromBackup: Object.keys(backups).length ? backups : undefined, ...(drill === '1' ? { drill: true } : {}) };
}
