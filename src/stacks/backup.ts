import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { BackupVaultPolicy } from '@cdktf/provider-aws/lib/backup-vault-policy';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { BackupPlanPlan, VaultPlan } from '../plan/types';
import { renderAlarms } from './monitoring';
import { policyJson } from './policy';
import { renderServiceRole } from './service-role';

export interface SiteBackupVaultProps {
  /** The planned vault: name, key, lock, and the accounts whose plans copy into it. */
  readonly vault: VaultPlan;
}

/**
 * The one AWS Backup vault of a site (storage layer): encrypted with the site's
 * `backupVaultKmsKeyArn` when given, locked as planned, and, when plans of other accounts copy
 * into it, a vault policy allowing exactly those accounts `backup:CopyIntoBackupVault`.
 */
export class SiteBackupVault extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: SiteBackupVaultProps) {
    super(scope, id);
    const v = props.vault;
    this.name = v.name;
    const vault = new BackupVault(this, 'vault', { name: v.name, kmsKeyArn: v.kmsKeyArn });
    vault.overrideLogicalId(v.siteKey);
    if (v.lock) new BackupVaultLockConfiguration(this, 'lock', { backupVaultName: vault.name, ...v.lock }).overrideLogicalId(v.siteKey);
    if (v.copyFrom.length) {
      new BackupVaultPolicy(this, 'policy', {
        backupVaultName: vault.name,
        policy: policyJson([{ Sid: 'CopyFromOtherAccounts', Effect: 'Allow', Principal: { AWS: v.copyFrom }, Action: 'backup:CopyIntoBackupVault', Resource: '*', ...(v.organizationId ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': v.organizationId } } } : {}) }]),
      }).overrideLogicalId(v.siteKey);
    }
    new TerraformOutput(this, 'vault-name', { value: v.name, description: `backup vault of site ${v.siteKey}` }).overrideLogicalId(`backup_vault_${v.siteKey}_name`);
  }
}

export interface FileSystemBackupPlanProps {
  /** The planned backup plan: rule, copy targets, role and tag selections. */
  readonly plan: BackupPlanPlan;
}

/**
 * An AWS Backup plan for FSx for Lustre file systems (protection layer): one rule with the cron
 * schedule, start and completion windows and a delete-after lifecycle, copy actions to the vaults
 * of other sites, a service role with AWS's managed policies, and a selection per file system by
 * its lustreform tags.
 */
export class FileSystemBackupPlan extends Construct {
  constructor(scope: Construct, id: string, props: FileSystemBackupPlanProps) {
    super(scope, id);
    const p = props.plan;
    const backupPlan = new BackupPlan(this, 'plan', {
      name: p.name,
      rule: [
        {
          ruleName: p.key,
          targetVaultName: p.vaultName,
          schedule: p.schedule,
          startWindow: p.startWindowMinutes,
          completionWindow: p.completionWindowMinutes,
          lifecycle: { deleteAfter: p.retentionDays },
          copyAction: p.copies.map((c) => ({ destinationVaultArn: c.vaultArn, lifecycle: { deleteAfter: c.retentionDays } })),
          recoveryPointTags: p.recoveryPointTags,
        },
      ],
    });
    backupPlan.overrideLogicalId(p.key);

    const role = renderServiceRole(this, `backup_${p.key}`, p.role);

    for (const s of p.selections) {
      new BackupSelection(this, `select-${s.fileSystemKey}`, {
        name: s.name,
        planId: backupPlan.id,
        iamRoleArn: role.arn,
        resources: s.resources,
        condition: [{ stringEquals: s.tags }],
      }).overrideLogicalId(`${p.key}_${s.fileSystemKey}`);
    }
    renderAlarms(this, p.alarms);
  }
}
