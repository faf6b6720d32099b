/**
 * What the stacks will create, as `doctor` needs to know it, in this one file: the buckets and
 * what they are for, the networks file systems and restore tests join, which KMS keys are used
 * and who must be able to use them, file system capacity per site (restore test copies included),
 * cross-account backup copies and the state backend (from the model), and the archive-restore
 * trails and functions per site (from the plan, which the stacks render: so the concurrency doctor
 * checks is the one the stacks set). This is the only file of doctor that reads the model's
 * structure; the checks read only what it returns.
 */
import type { Blueprint, Bucket, DeploymentType, FileSystem, Network, Site, StateConfig, StorageType } from '../../blueprint/model';
import { isScratch, sameAccount } from '../../blueprint/model';
import { directionsFrom, directionsInto, restoreTestNetwork, testedPlans } from '../../blueprint/topology';
import { partitionOf } from '../../aws/regions';
import { fsxS3RoleArn } from '../../aws/fsx';
import { roleArn, withAccount } from '../../plan/arns';
import { planBlueprint, stacksOf } from '../../plan/plan';
import { plansAt, plansCopyingInto } from '../../plan/protection';
import { deployedRecoveries, recoveredFileSystem } from '../../plan/recovery';

/** A standby copy rebuilt at a recovery site; undefined: the file system itself. */
export type Standby = 'warm' | 'cold' | undefined;

export interface ExpectedBucket {
  bucket: Bucket;
  /** The account id the bucket must belong to. */
  account: string;
  /** Replicated in either direction: versioning must be Enabled (lustreform does not configure adopted buckets). */
  replicated: boolean;
  /** The replication role lustreform gives this bucket when it is a replication source (its configuration would be replaced). */
  replicationRoleArn?: string;
  /** S3 prefixes ("" = the whole bucket) that repositories auto-import from (FSx owns their event notifications). */
  autoImportPrefixes: string[];
}

export interface ExpectedNetwork {
  /** `work`, or `work@recovery` for a recovery copy. */
  subject: string;
  site: Site;
  network: Network;
  standby: Standby;
}

/** Who must be able to use a key. `role`: a role lustreform creates, whose IAM policy grants the KMS actions; `account`: an account as a whole; `service-role`: a service-linked role with no KMS permission of its own, so the key policy must name it. */
export interface KeyNeed {
  who: string;
  kind: 'role' | 'account' | 'service-role';
  /** The role ARN (a `*` matches any characters) or, for `account`, the account root ARN. */
  principal: string;
  account: string;
  actions: string[];
}

export interface KeyUse {
  keyArn: string;
  /** The site that uses the key: the key must be in its region. */
  site: Site;
  what: string;
  standby: Standby;
  needs: KeyNeed[];
}

export interface FileSystemDemand {
  subject: string;
  site: Site;
  deploymentType: DeploymentType;
  storageType: StorageType;
  storageCapacity?: number;
}

export interface RestoreDemand {
  site: Site;
  /** Trails the protection stack adds at this site (one, holding every entry's selectors). */
  trails: number;
  /** Restore functions at this site (one per archive-restore entry). */
  functions: number;
  /** Concurrency the functions reserve together (none by default). */
  reservedConcurrency: number;
  /** What their event source mappings let them run at once together (`scaling_config.maximum_concurrency`). */
  maxConcurrency: number;
}

export interface BackupCopy {
  plan: string;
  source: Site;
  destination: Site;
}

export interface Expectations {
  buckets: ExpectedBucket[];
  networks: ExpectedNetwork[];
  keys: KeyUse[];
  fileSystems: FileSystemDemand[];
  restore: RestoreDemand[];
  /** Backup copies from one account to another. */
  crossAccountCopies: BackupCopy[];
  state: StateConfig;
  /** Whether a CloudTrail trail of this name is one the stacks create (already applied). */
  ownTrail(name: string): boolean;
}

const FSX_DECRYPT = ['kms:Decrypt', 'kms:GenerateDataKey'];

/** `accountOf` gives each site's account id: the blueprint's, or the ambient credentials' (resolved by doctor). */
export function expectations(m: Blueprint, accountOf: (site: Site) => string): Expectations {
  const copies = [
    ...[...m.fileSystems.values()].map((fs) => ({ fs, subject: fs.key, standby: undefined as Standby, network: fs.network })),
    ...m.recovery.map((rec) => ({ fs: recoveredFileSystem(m, rec), subject: `${rec.fileSystem.key}@${rec.site.key}`, standby: rec.standby as Standby, network: rec.network })),
  ];
  const replRole = (b: Bucket) => withAccount(roleArn(m, b.site, 'repl', b.key), accountOf(b.site));
  const fsxRole = (site: Site) => fsxS3RoleArn(partitionOf(site.region), accountOf(site), '*');
  const root = (site: Site) => `arn:${partitionOf(site.region)}:iam::${accountOf(site)}:root`;

  const buckets = [...m.buckets.values()].map((bucket): ExpectedBucket => {
    const out = directionsFrom(m, bucket);
    const prefixes = copies.flatMap(({ fs }) => fs.repositories.filter((r) => r.bucket === bucket && r.autoImport.length > 0).map((r) => r.prefix));
    return {
      bucket,
      account: accountOf(bucket.site),
      replicated: out.length > 0 || directionsInto(m, bucket).length > 0,
      replicationRoleArn: out.length ? replRole(bucket) : undefined,
      autoImportPrefixes: [...new Set(prefixes)].sort(),
    };
  });

  const keys: KeyUse[] = [];
  for (const bucket of m.buckets.values()) {
    if (bucket.encryption.kind !== 'kms-key') continue;
    const needs: KeyNeed[] = [];
    const readers = new Map<string, { site: Site; names: string[] }>();
    for (const { fs, subject } of copies) {
      if (!fs.repositories.some((r) => r.bucket === bucket)) continue;
      const entry = readers.get(accountOf(fs.site)) ?? { site: fs.site, names: [] };
      entry.names.push(subject);
      readers.set(accountOf(fs.site), entry);
    }
    for (const [account, { site, names }] of readers) needs.push({ who: `FSx's S3 service-linked role of ${account} (file system ${names.join(', ')})`, kind: 'service-role', principal: fsxRole(site), account, actions: FSX_DECRYPT });
    if (directionsFrom(m, bucket).length) needs.push({ who: `replication role of ${bucket.key}`, kind: 'role', principal: replRole(bucket), account: accountOf(bucket.site), actions: ['kms:Decrypt'] });
    for (const d of directionsInto(m, bucket)) needs.push({ who: `replication role of ${d.source.key} (account ${accountOf(d.source.site)})`, kind: 'role', principal: replRole(d.source), account: accountOf(d.source.site), actions: ['kms:Encrypt', 'kms:GenerateDataKey'] });
    keys.push({ keyArn: bucket.encryption.keyArn, site: bucket.site, what: `bucket ${bucket.key}`, standby: undefined, needs: dedupe(needs) });
  }
  for (const { fs, subject, standby } of copies) {
    if (!fs.kmsKeyArn || isScratch(fs)) continue;
    const needs: KeyNeed[] = [];
    const original = standby ? undefined : fs;
    for (const plan of m.backupPlans.values()) {
      if (!original || !plan.fileSystems.includes(original)) continue;
      for (const c of plan.copyTo) if (!sameAccount(plan.site, c.site)) needs.push({ who: `account ${accountOf(c.site)} (backup copies of plan ${plan.key} to ${c.site.key})`, kind: 'account', principal: root(c.site), account: accountOf(c.site), actions: ['kms:Decrypt', 'kms:CreateGrant', 'kms:DescribeKey'] });
    }
    keys.push({ keyArn: fs.kmsKeyArn, site: fs.site, what: `file system ${subject}`, standby, needs: dedupe(needs) });
  }
  for (const site of m.sites.values()) {
    if (!site.backupVaultKmsKeyArn) continue;
    const receives = [...m.backupPlans.values()].some((p) => p.site === site || p.copyTo.some((c) => c.site === site));
    if (!receives) continue;
    keys.push({ keyArn: site.backupVaultKmsKeyArn, site, what: `backup vault of ${site.key}`, standby: undefined, needs: [{ who: `AWS Backup in ${accountOf(site)}`, kind: 'account', principal: root(site), account: accountOf(site), actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:CreateGrant'] }] });
  }

  const fileSystems: FileSystemDemand[] = [
    ...[...m.fileSystems.values()].map((fs) => demand(fs, fs.key)),
    ...deployedRecoveries(m).map((c) => demand(c.fileSystem, `${c.entry.fileSystem.key}@${c.entry.site.key}`)),
    ...restoreTestCopies(m),
  ];

  const protection = stacksOf(planBlueprint(m), 'protection').filter((s) => s.archiveRestore.length);
  const restore: RestoreDemand[] = protection.map((s) => ({
    site: s.site,
    trails: s.restoreTrail ? 1 : 0,
    functions: s.archiveRestore.length,
    reservedConcurrency: s.archiveRestore.reduce((n, r) => n + (r.function.reservedConcurrency ?? 0), 0),
    maxConcurrency: s.archiveRestore.reduce((n, r) => n + r.function.maximumConcurrency, 0),
  }));
  // The planned trails, and the trails of one per entry that versions before one trail per site created (the next apply deletes them).
  const trailNames = new Set(protection.flatMap((s) => (s.restoreTrail ? [s.restoreTrail.name] : [])));

  const crossAccountCopies = [...m.backupPlans.values()].flatMap((p) => p.copyTo.filter((c) => !sameAccount(p.site, c.site)).map((c) => ({ plan: p.key, source: p.site, destination: c.site })));

  return {
    buckets,
    networks: [...copies.map(({ subject, fs, network, standby }) => ({ subject, site: fs.site, network, standby })), ...restoreTestNetworks(m)],
    keys,
    fileSystems,
    restore,
    crossAccountCopies,
    state: m.state,
    ownTrail: (name) => trailNames.has(name) || name.startsWith(`${m.name}-restore-`),
  };
}

const demand = (fs: FileSystem, subject: string): FileSystemDemand => ({ subject, site: fs.site, deploymentType: fs.deploymentType, storageType: fs.storageType, storageCapacity: fs.storageCapacity });

function dedupe(needs: KeyNeed[]): KeyNeed[] {
  const seen = new Map<string, KeyNeed>();
  for (const n of needs) {
    const k = `${n.principal} ${n.actions.join(',')}`;
    if (!seen.has(k)) seen.set(k, n);
  }
  return [...seen.values()];
}

/** The networks restore tests restore into, needed now (AWS Backup runs them on schedule), whichever recovery entry they come from. */
function restoreTestNetworks(m: Blueprint): ExpectedNetwork[] {
  return testedPlans(m).flatMap((p) => {
    const n = restoreTestNetwork(m, p);
    return n ? [{ subject: `restore tests of ${p.key}@${p.restoreTesting.site.key}`, site: p.restoreTesting.site, network: { path: [...p.restoreTesting.path, 'network'], subnetId: n.subnetId, securityGroupIds: n.securityGroupIds }, standby: undefined }] : [];
  });
}

/**
 * The file systems a restore test builds at its site for the hours it runs: one of every file
 * system with recovery points in that site's vault (the selection is every FSx resource there),
 * counted against the site's FSx capacity quota like any other.
 */
function restoreTestCopies(m: Blueprint): FileSystemDemand[] {
  return testedPlans(m).flatMap((p) => {
    const site = p.restoreTesting.site;
    const inVault = [...new Set([...plansAt(m, site), ...plansCopyingInto(m, site)].flatMap((o) => o.fileSystems))];
    return inVault.map((fs) => ({ ...demand(fs, `${fs.key} (restore test)@${site.key}`), site }));
  });
}
