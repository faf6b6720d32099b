/**
 * Whether a recovery site stands alone, read from what its stacks would deploy (the synthesized
 * configuration, structurally): the stacks a failover deploys (the site's lustre stack and what it
 * waits for) are all at that site; no resource is placed in another site's region (through an
 * aliased provider); no resource needs another site's resources at deploy time (a repository's
 * bucket, a KMS key of a file system, a bucket's or a vault's encryption); and the state backend is
 * not in a region the failover must survive. ARNs inside IAM policy documents, bucket and vault
 * policies and key grants are references, not placements: a replication role allowed to write to a
 * primary bucket's key deploys without that region. Each refusal names the stack, the resource
 * address and the attribute.
 */
import type { Blueprint } from '../blueprint/model';
import { stateBlocksFailover } from '../blueprint/topology';
import { failoverDeploy } from '../plan/failover';
import type { Activation } from '../plan/recovery';
import type { StackPlan } from '../plan/types';
import { list, type StackJson } from './json';

/** What a resource needs at deploy time, by type: attribute paths and how to read what they name. */
const NEEDS: Record<string, { path: string[]; kind: 'arn' | 's3-uri' | 'bucket' }[]> = {
  aws_fsx_data_repository_association: [{ path: ['data_repository_path'], kind: 's3-uri' }],
  aws_fsx_lustre_file_system: [{ path: ['kms_key_id'], kind: 'arn' }],
  aws_s3_bucket_server_side_encryption_configuration: [{ path: ['rule', 'apply_server_side_encryption_by_default', 'kms_master_key_id'], kind: 'arn' }],
  aws_backup_vault: [{ path: ['kms_key_arn'], kind: 'arn' }],
  aws_cloudtrail: [{ path: ['kms_key_id'], kind: 'arn' }],
  aws_cloudwatch_log_group: [{ path: ['kms_key_id'], kind: 'arn' }],
  aws_sns_topic: [{ path: ['kms_master_key_id'], kind: 'arn' }],
  'data.aws_s3_bucket': [{ path: ['bucket'], kind: 'bucket' }],
};

/** Every value at `path`, blocks being objects or lists of them. */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (!path.length) return [value];
  return list(value).flatMap((v) => (v && typeof v === 'object' ? valuesAt((v as Record<string, unknown>)[path[0]], path.slice(1)) : []));
}

export interface Standalone {
  /** The stacks a failover deploys, in deploy order. */
  deploy: string[];
  problems: string[];
}

export function standaloneProblems(m: Blueprint, a: Activation, plans: StackPlan[], stackJson: (name: string) => StackJson): Standalone {
  const site = m.sites.get(a.site)!;
  const order = failoverDeploy(plans, site);
  const lustre = order.at(-1);
  if (!lustre) return { deploy: [], problems: [`nothing to deploy at '${a.site}'`] };
  const problems: string[] = [];
  for (const p of order) if (p.site !== site) problems.push(`${lustre.name} waits for ${p.name} of site '${p.site.key}'`);
  const backend = stateBlocksFailover(m, site);
  if (backend) problems.push(`the state backend: ${backend}`);
  const others = [...m.sites.values()].filter((o) => o !== site);
  const siteOfRegion = (region: string) => (region === site.region ? undefined : others.find((o) => o.region === region));
  const siteOfAccount = (account: string) => (!site.account || account === site.account.id ? undefined : others.find((o) => o.account?.id === account));
  for (const p of order) {
    const json = stackJson(p.name);
    const aliases = new Map((json.provider?.aws ?? []).filter((x) => x.alias).map((x) => [`aws.${x.alias}`, x.region ?? '']));
    for (const [prefix, blocks] of [['', json.resource], ['data.', json.data]] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        for (const [name, config] of Object.entries(byName)) {
          const address = `${prefix}${type}.${name}`;
          const provider = typeof config.provider === 'string' ? config.provider : undefined;
          const placed = provider ? siteOfRegion(aliases.get(provider) ?? '') : undefined;
          if (placed) problems.push(`${p.name} ${address} (provider ${provider}) is placed in ${placed.region}, the region of site '${placed.key}'`);
          for (const need of NEEDS[`${prefix}${type}`] ?? []) {
            for (const value of valuesAt(config, need.path)) {
              if (typeof value !== 'string' || value.includes('${')) continue;
              const attribute = need.path.join('.');
              if (need.kind === 'arn' && value.startsWith('arn:')) {
                const [, , , region, account] = value.split(':');
                const inRegion = region ? siteOfRegion(region) : undefined;
                const ofAccount = account ? siteOfAccount(account) : undefined;
                if (inRegion) problems.push(`${p.name} ${address} ${attribute} needs ${value}, in ${region}, the region of site '${inRegion.key}'`);
                else if (ofAccount) problems.push(`${p.name} ${address} ${attribute} needs ${value}, of account ${account}, the account of site '${ofAccount.key}'`);
              } else {
                const bucketName = need.kind === 's3-uri' ? value.replace(/^s3:\/\//, '').split('/')[0] : value;
                const bucket = [...m.buckets.values()].find((b) => b.name === bucketName);
                if (bucket && bucket.site !== site) problems.push(`${p.name} ${address} ${attribute} needs bucket ${bucket.name}, of site '${bucket.site.key}' (${bucket.site.region})`);
              }
            }
          }
        }
      }
    }
  }
  return { deploy: order.map((p) => p.name), problems };
}
