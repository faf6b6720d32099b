import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { BackupVaultPolicy } from '@cdktf/provider-aws/lib/backup-vault-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { sameAccount, type Blueprint, type BackupPlan as PlanModel, type Site } from '../blueprint/model';
import { roleName, vaultArn, vaultName } from '../plan/arns';
import { policyJson, trustPolicy } from './policy';
import { partitionOf } from '../aws/regions';
import { plansAt, plansCopyingInto } from '../plan/contents';

/** Plans whose vault is `site`'s, and plans copying into it. */
export interface SiteBackupVaultProps {
  readonly model: Blueprint;
  readonly site: Site;
}

/**
 * The one AWS Backup vault of a site (storage layer): encrypted with the site's
 * `backupVaultKmsKeyArn` when given, locked as its plans say (governance: no cooling-off period;
 * compliance: `changeable_for_days`, then immutable), and, when plans of other accounts copy into
 * it, a vault policy allowing exactly those accounts `backup:CopyIntoBackupVault`.
 */
export class SiteBackupVault extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: SiteBackupVaultProps) {
    super(scope, id);
    const { model, site } = props;
    this.name = vaultName(model, site);
    const vault = new BackupVault(this, 'vault', { name: this.name, kmsKeyArn: site.backupVaultKmsKeyArn });
    vault.overrideLogicalId(site.key);
    const lock = plansAt(model, site).find((p) => p.vaultLock)?.vaultLock;
    if (lock) {
      new BackupVaultLockConfiguration(this, 'lock', {
        backupVaultName: vault.name,
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        changeableForDays: lock.mode === 'compliance' ? lock.changeableForDays : undefined,
      }).overrideLogicalId(site.key);
    }
    const sources = [...new Set(plansCopyingInto(model, site).filter((p) => !sameAccount(p.site, site)).map((p) => p.site.account?.id))].filter((a): a is string => !!a).sort();
    if (sources.length) {
      const partition = partitionOf(site.region);
      new BackupVaultPolicy(this, 'policy', {
        backupVaultName: vault.name,
        policy: policyJson([
          {
            Sid: 'CopyFromOtherAccounts',
            Effect: 'Allow',
            Principal: { AWS: sources.map((a) => `arn:${partition}:iam::${a}:root`) },
            Action: 'backup:CopyIntoBackupVault',
            Resource: '*',
          },
        ]),
      }).overrideLogicalId(site.key);
    }
    new TerraformOutput(this, 'vault-name', { value: this.name, description: `backup vault of site ${site.key}` }).overrideLogicalId(`backup_vault_${site.key}_name`);
  }
}

export interface FileSystemBackupPlanProps {
  readonly model: Blueprint;
  readonly plan: PlanModel;
  /** The account id of a site (a literal, or the ambient account). */
  readonly accountIdOf: (site: Site) => string;
}

/**
 * An AWS Backup plan for FSx for Lustre file systems (protection layer): one rule with the cron
 * schedule, start and completion windows and a delete-after lifecycle (no cold storage: FSx has
 * none), copy actions to the vaults of other sites (ARNs computed, not read from their stacks),
 * a service role with AWS's backup and restore managed policies, and a selection per file system
 * by its lustreform tags, so the plan never needs the file system's id from another stack.
 */
export class FileSystemBackupPlan extends Construct {
  constructor(scope: Construct, id: string, props: FileSystemBackupPlanProps) {
    super(scope, id);
    const { model, plan } = props;
    const partition = partitionOf(plan.site.region);
    const backupPlan = new BackupPlan(this, 'plan', {
      name: `${model.name}-${plan.key}`,
      rule: [
        {
          ruleName: plan.key,
          targetVaultName: vaultName(model, plan.site),
          schedule: plan.schedule,
          startWindow: plan.startWindowMinutes,
          completionWindow: plan.completionWindowMinutes,
          lifecycle: { deleteAfter: plan.retentionDays },
          copyAction: plan.copyTo.map((c) => ({ destinationVaultArn: vaultArn(model, c.site, props.accountIdOf(c.site)), lifecycle: { deleteAfter: c.retentionDays } })),
          recoveryPointTags: { 'lustreform:blueprint': model.name, 'lustreform:plan': plan.key },
        },
      ],
    });
    backupPlan.overrideLogicalId(plan.key);

    const role = new IamRole(this, 'role', { name: roleName(model, 'backup', plan.key), assumeRolePolicy: trustPolicy('backup.amazonaws.com'), description: `AWS Backup plan ${plan.key} (lustreform)` });
    role.overrideLogicalId(`backup_${plan.key}`);
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      new IamRolePolicyAttachment(this, policy, { role: role.name, policyArn: `arn:${partition}:iam::aws:policy/service-role/${policy}` }).overrideLogicalId(`backup_${plan.key}_${policy}`);
    }

    for (const fs of plan.fileSystems) {
      new BackupSelection(this, `select-${fs.key}`, {
        name: `${model.name}-${plan.key}-${fs.key}`.slice(0, 50),
        planId: backupPlan.id,
        iamRoleArn: role.arn,
        // FSx file systems of this account and region that carry all three tags (conditions are ANDed).
        resources: [`arn:${partition}:fsx:${plan.site.region}:${props.accountIdOf(plan.site)}:file-system/*`],
        condition: [
          {
            stringEquals: [
              { key: 'aws:ResourceTag/lustreform:blueprint', value: model.name },
              { key: 'aws:ResourceTag/lustreform:site', value: plan.site.key },
              { key: 'aws:ResourceTag/lustreform:filesystem', value: fs.key },
            ],
          },
        ],
      }).overrideLogicalId(`${plan.key}_${fs.key}`);
    }
  }
}
