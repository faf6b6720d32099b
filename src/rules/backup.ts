import { isLinked, isScratch, sameAccount, type BackupPlan, type Blueprint, type FileSystem } from '../blueprint/model';
import { cronProblem } from '../aws/cron';
import { hit, type Rule, type RuleHit } from './rule';

const withBackups = (m: Blueprint) => [...m.fileSystems.values()].filter((fs): fs is FileSystem & { backups: NonNullable<FileSystem['backups']> } => !!fs.backups);
const plans = (m: Blueprint) => [...m.backupPlans.values()];


/** The vault lock of a site: the lock of any plan of that site (PLN009 keeps them equal). */
const siteLock = (m: Blueprint, siteKey: string) => plans(m).find((p) => p.site.key === siteKey && p.vaultLock)?.vaultLock;

const retentionProblem = (days: number) => (days < 1 || days > 36500 ? `retention takes 1 to 36500 days; got ${days}` : undefined);

export const backupRules: Rule[] = [
  {
    id: 'BAK001',
    severity: 'error',
    summary: 'FSx automatic backups on a scratch file system (scratch cannot be backed up).',
    check: (m) => withBackups(m).filter(isScratch).map((fs) => hit([...fs.path, 'backups'], `${fs.deploymentType} file systems cannot be backed up; use PERSISTENT_1 or PERSISTENT_2, or remove 'backups'`)),
  },
  {
    id: 'BAK002',
    severity: 'error',
    summary: 'FSx automatic backups on a file system linked to S3 (S3 is its primary copy; AWS refuses backups there).',
    check: (m) =>
      withBackups(m)
        .filter((fs) => !isScratch(fs) && isLinked(fs))
        .map((fs) => hit([...fs.path, 'backups'], 'a file system linked to S3 through repositories cannot have backups; S3 is its durable copy. Remove backups or the repositories')),
  },
  {
    id: 'BAK003',
    severity: 'error',
    summary: 'FSx automatic backup retention outside 0-90 days.',
    check: (m) =>
      withBackups(m)
        .filter((fs) => fs.backups.retentionDays < 0 || fs.backups.retentionDays > 90)
        .map((fs) => hit([...fs.path, 'backups', 'retentionDays'], `automatic backups are kept 0 to 90 days; got ${fs.backups.retentionDays} (use a backup plan for longer)`)),
  },
  {
    id: 'BAK004',
    severity: 'error',
    summary: 'FSx automatic backup time not HH:MM (00:00-23:59, UTC).',
    check: (m) =>
      withBackups(m)
        .filter((fs) => fs.backups.dailyAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(fs.backups.dailyAt))
        .map((fs) => hit([...fs.path, 'backups', 'dailyAt'], `'${fs.backups.dailyAt}' is not a time HH:MM from 00:00 to 23:59 (UTC), e.g. "03:00"`)),
  },
  {
    id: 'PLN001',
    severity: 'error',
    summary: 'A backup plan schedule is not an AWS Backup cron expression (6 fields, at most hourly).',
    check: (m) =>
      plans(m).flatMap((p) => {
        const problem = cronProblem(p.schedule);
        return problem ? [hit([...p.path, 'schedule'], `'${p.schedule}': ${problem}`)] : [];
      }),
  },
  {
    id: 'PLN002',
    severity: 'error',
    summary: 'A backup plan or copy retention outside 1-36500 days.',
    check: (m) =>
      plans(m).flatMap((p) => {
        const out: RuleHit[] = [];
        const own = retentionProblem(p.retentionDays);
        if (own) out.push(hit([...p.path, 'retentionDays'], own));
        for (const c of p.copyTo) {
          const copy = c.retentionDays === p.retentionDays ? undefined : retentionProblem(c.retentionDays);
          if (copy) out.push(hit([...c.path, 'retentionDays'], copy));
        }
        return out;
      }),
  },
  {
    id: 'PLN003',
    severity: 'error',
    summary: "A backup copy to the plan's own site, or two copies to one site.",
    check: (m) =>
      plans(m).flatMap((p) =>
        p.copyTo.flatMap((c, i) => {
          if (c.site === p.site) return [hit([...c.path, 'site'], `the plan already backs up into site '${p.site.key}'; copy to another site`)];
          if (p.copyTo.findIndex((o) => o.site === c.site) < i) return [hit([...c.path, 'site'], `site '${c.site.key}' already receives a copy from this plan`)];
          return [];
        }),
      ),
  },
  {
    id: 'PLN004',
    severity: 'error',
    summary: "Vault lock bounds: 1 <= min <= max <= 36500, the plan's retention within them, compliance changeableForDays >= 3.",
    check: (m) =>
      plans(m).flatMap((p) => {
        const lock = p.vaultLock;
        if (!lock) return [];
        const at = [...p.path, 'vaultLock'];
        const out: RuleHit[] = [];
        if (lock.minRetentionDays < 1) out.push(hit([...at, 'minRetentionDays'], `minRetentionDays is at least 1; got ${lock.minRetentionDays}`));
        if (lock.maxRetentionDays > 36500) out.push(hit([...at, 'maxRetentionDays'], `maxRetentionDays is at most 36500; got ${lock.maxRetentionDays}`));
        if (lock.minRetentionDays > lock.maxRetentionDays) out.push(hit([...at, 'maxRetentionDays'], `maxRetentionDays (${lock.maxRetentionDays}) is below minRetentionDays (${lock.minRetentionDays})`));
        else if (p.retentionDays < lock.minRetentionDays || p.retentionDays > lock.maxRetentionDays)
          out.push(hit([...p.path, 'retentionDays'], `retention ${p.retentionDays} days is outside the vault lock's ${lock.minRetentionDays}-${lock.maxRetentionDays}: every backup job would fail`));
        if (lock.mode === 'compliance' && lock.changeableForDays < 3) out.push(hit([...at, 'changeableForDays'], `a compliance lock stays changeable at least 3 days; got ${lock.changeableForDays}`));
        return out;
      }),
  },
  {
    id: 'PLN005',
    severity: 'error',
    summary: 'A backup plan selects a file system AWS Backup cannot back up (scratch, or linked to S3).',
    check: (m) =>
      plans(m).flatMap((p) =>
        p.fileSystems.flatMap((fs, i) => {
          const why = isScratch(fs) ? `${fs.deploymentType} file systems cannot be backed up` : isLinked(fs) ? 'it is linked to S3 through repositories, and S3 is its durable copy' : undefined;
          return why ? [hit([...p.path, 'fileSystems', i], `'${fs.key}' cannot be in a backup plan: ${why}`)] : [];
        }),
      ),
  },
  {
    id: 'PLN006',
    severity: 'error',
    summary: "A backup plan selects a file system of another site (a plan backs up its own account and region).",
    check: (m) =>
      plans(m).flatMap((p) =>
        p.fileSystems.flatMap((fs, i) =>
          fs.site === p.site ? [] : [hit([...p.path, 'fileSystems', i], `'${fs.key}' runs at site '${fs.site.key}', the plan at '${p.site.key}'; put it in a plan of site '${fs.site.key}'`)],
        ),
      ),
  },
  {
    id: 'PLN007',
    severity: 'error',
    summary: 'A cross-account backup copy of a file system without a customer-managed KMS key (AWS managed keys cannot be shared).',
    check: (m) =>
      plans(m).flatMap((p) =>
        p.copyTo
          .filter((c) => !sameAccount(c.site, p.site))
          .flatMap((c) =>
            p.fileSystems
              .filter((fs) => !fs.kmsKeyArn && !isScratch(fs)) // scratch cannot take a key (FSX007) nor be backed up (BAK001)
              .map((fs) => hit([...c.path, 'site'], `copying '${fs.key}' to another account needs a customer-managed key on it: set fileSystems.${fs.key}.kmsKeyArn and share the key with account ${c.site.account?.id}`)),
          ),
      ),
  },
  {
    id: 'PLN008',
    severity: 'error',
    summary: 'Backup windows: start window at least 60 minutes, completion window longer than the start window.',
    check: (m) =>
      plans(m).flatMap((p: BackupPlan) => {
        if (p.startWindowMinutes < 60) return [hit([...p.path, 'startWindowMinutes'], `AWS Backup needs a start window of at least 60 minutes; got ${p.startWindowMinutes}`)];
        if (p.completionWindowMinutes <= p.startWindowMinutes)
          return [hit([...p.path, 'completionWindowMinutes'], `the completion window (${p.completionWindowMinutes} min) must be longer than the start window (${p.startWindowMinutes} min)`)];
        return [];
      }),
  },
  {
    id: 'PLN009',
    severity: 'error',
    summary: 'Two plans of one site set different vault locks (a site has one vault).',
    check: (m) =>
      plans(m).flatMap((p) => {
        const first = siteLock(m, p.site.key);
        return p.vaultLock && first && JSON.stringify(first) !== JSON.stringify(p.vaultLock)
          ? [hit([...p.path, 'vaultLock'], `site '${p.site.key}' has one backup vault, locked differently by another plan; give all its plans the same vaultLock`)]
          : [];
      }),
  },
  {
    id: 'PLN010',
    severity: 'error',
    summary: "A backup copy's retention outside the vault lock of the site it is copied to (the copy job would fail).",
    check: (m) =>
      plans(m).flatMap((p) =>
        p.copyTo.flatMap((c) => {
          const lock = siteLock(m, c.site.key);
          return lock && (c.retentionDays < lock.minRetentionDays || c.retentionDays > lock.maxRetentionDays)
            ? [hit([...c.path, c.retentionDays === p.retentionDays ? 'site' : 'retentionDays'], `copies kept ${c.retentionDays} days fall outside the vault lock of site '${c.site.key}' (${lock.minRetentionDays}-${lock.maxRetentionDays}); every copy would fail`)]
            : [];
        }),
      ),
  },
  {
    id: 'PLN011',
    severity: 'error',
    summary: "A site's backupVaultKmsKeyArn is in another region than the site.",
    check: (m) =>
      [...m.sites.values()].flatMap((site) => {
        const keyRegion = site.backupVaultKmsKeyArn?.split(':')[3];
        return keyRegion && keyRegion !== site.region
          ? [hit([...site.path, 'backupVaultKmsKeyArn'], `the key is in ${keyRegion}, the site in ${site.region}; a backup vault needs a key in its own region`)]
          : [];
      }),
  },
  {
    id: 'PLN012',
    severity: 'error',
    summary: "A site's operationalKmsKeyArn is in another region than the site.",
    check: (m) =>
      [...m.sites.values()].flatMap((site) => {
        const keyRegion = site.operationalKmsKeyArn?.split(':')[3];
        return keyRegion && keyRegion !== site.region
          ? [hit([...site.path, 'operationalKmsKeyArn'], `the key is in ${keyRegion}, the site in ${site.region}; trails, buckets, log groups and topics need a key in their own region`)]
          : [];
      }),
  },
];
