import { multiSite, quickstart, type Draft } from '../helpers/blueprints';
import { policy, resources, synthDraft } from '../helpers/synth';

/** The multi-site example with a compliance lock at the recovery site, where copies land. */
function withRecoveryLock(): Draft {
  const d = multiSite();
  d.fileSystems.vaultfs = {
    site: 'recovery',
    deploymentType: 'PERSISTENT_1',
    storageCapacity: 1200,
    throughput: 50,
    kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/v',
    network: { subnetId: 'subnet-0def1234abc567890', securityGroupIds: ['sg-0def1234abc567890'] },
  };
  d.sites.recovery.backupVaultKmsKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/vault';
  d.backupPlans.local = { site: 'recovery', fileSystems: ['vaultfs'], schedule: 'cron(30 1 ? * MON-FRI *)', retentionDays: 90, vaultLock: { mode: 'compliance', minRetentionDays: 30, maxRetentionDays: 3650, changeableForDays: 7 } };
  return d;
}

describe('protection layer: AWS Backup', () => {
  test('a plan copying across regions and accounts: rule, copy to the computed vault ARN, role, tag selection', () => {
    const { stacks, manifest } = synthDraft(multiSite());
    const stack = stacks['climate-primary-protection'];
    expect(resources(stack, 'aws_backup_plan').nightly).toMatchObject({
      name: 'climate-nightly',
      rule: [
        {
          rule_name: 'nightly',
          target_vault_name: 'climate-primary',
          schedule: 'cron(0 3 * * ? *)',
          start_window: 60,
          completion_window: 10080,
          lifecycle: { delete_after: 35 },
          copy_action: [{ destination_vault_arn: 'arn:aws:backup:eu-west-1:222222222222:backup-vault:climate-recovery', lifecycle: { delete_after: 90 } }],
        },
      ],
    });
    expect(JSON.stringify(resources(stack, 'aws_backup_plan'))).not.toContain('cold_storage_after');
    const role = resources(stack, 'aws_iam_role').backup_nightly;
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'backup.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } });
    // Backups and copies only: lustreform never runs a restore job through this role.
    expect(Object.values(resources(stack, 'aws_iam_role_policy_attachment')).map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup']);
    expect(resources(stack, 'aws_backup_selection').nightly_archive).toMatchObject({
      plan_id: '${aws_backup_plan.nightly.id}',
      iam_role_arn: '${aws_iam_role.backup_nightly.arn}',
      resources: ['arn:aws:fsx:eu-central-1:111111111111:file-system/*'],
      condition: [
        {
          string_equals: [
            { key: 'aws:ResourceTag/lustreform:blueprint', value: 'climate' },
            { key: 'aws:ResourceTag/lustreform:site', value: 'primary' },
            { key: 'aws:ResourceTag/lustreform:filesystem', value: 'archive' },
          ],
        },
      ],
    });
    // Vaults live in the storage layer; the plan waits for its own vault and the one it copies into.
    expect(manifest.stacks['climate-primary-protection'].dependencies.sort()).toEqual(['climate-primary-lustre', 'climate-primary-storage', 'climate-recovery-storage']);
    expect(resources(stacks['climate-primary-storage'], 'aws_backup_vault').primary).toMatchObject({ name: 'climate-primary' });
    expect(resources(stacks['climate-primary-storage'], 'aws_backup_vault_lock_configuration').primary).toEqual(
      expect.objectContaining({ backup_vault_name: '${aws_backup_vault.primary.name}', min_retention_days: 7, max_retention_days: 365 }),
    );
    expect(resources(stacks['climate-primary-storage'], 'aws_backup_vault_lock_configuration').primary).not.toHaveProperty('changeable_for_days');
  });

  test('the destination vault lets the source account copy in; same-account copies need no policy', () => {
    const { stacks } = synthDraft(multiSite());
    const vaultPolicy = policy(resources(stacks['climate-recovery-storage'], 'aws_backup_vault_policy').recovery);
    expect(vaultPolicy.Statement).toEqual([
      { Sid: 'CopyFromOtherAccounts', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::111111111111:root'] }, Action: 'backup:CopyIntoBackupVault', Resource: '*' },
    ]);
    expect(resources(stacks['climate-primary-storage'], 'aws_backup_vault_policy')).toEqual({});
  });

  test('compliance lock with its cooling-off period, and the vault key of the site', () => {
    const { stacks } = synthDraft(withRecoveryLock());
    const storage = stacks['climate-recovery-storage'];
    expect(resources(storage, 'aws_backup_vault').recovery).toMatchObject({ name: 'climate-recovery', kms_key_arn: 'arn:aws:kms:eu-west-1:222222222222:key/vault' });
    expect(resources(storage, 'aws_backup_vault_lock_configuration').recovery).toMatchObject({ min_retention_days: 30, max_retention_days: 3650, changeable_for_days: 7 });
    expect(resources(stacks['climate-recovery-protection'], 'aws_backup_plan').local.rule[0]).toMatchObject({ target_vault_name: 'climate-recovery', schedule: 'cron(30 1 ? * MON-FRI *)' });
  });

  test('without named accounts, ARNs use the ambient account of the stack', () => {
    const d = quickstart();
    d.sites.dr = { region: 'eu-west-1' };
    d.fileSystems.keep = { site: 'main', deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 125, network: d.fileSystems.work.network };
    d.backupPlans = { daily: { site: 'main', fileSystems: ['keep'], schedule: 'cron(0 2 * * ? *)', retentionDays: 7, copyTo: [{ site: 'dr' }] } };
    const { stacks } = synthDraft(d);
    const stack = stacks['quickstart-main-protection'];
    expect(resources(stack, 'aws_backup_plan').daily.rule[0].copy_action).toEqual([
      { destination_vault_arn: 'arn:aws:backup:eu-west-1:${data.aws_caller_identity.current.account_id}:backup-vault:quickstart-dr', lifecycle: { delete_after: 7 } },
    ]);
    expect(stack.data.aws_caller_identity.current).toBeDefined();
    expect(Object.keys(stacks)).toContain('quickstart-dr-storage');
    expect(resources(stacks['quickstart-dr-storage'], 'aws_backup_vault_policy')).toEqual({});
  });
});

describe('protection layer: AWS Backup restore testing', () => {
  test('tested at the copy target: a plan on its vault only, an FSx selection on the recovery network, a restore role, failures to the alarm topic', () => {
    const { stacks, manifest } = synthDraft(multiSite());
    const stack = stacks['climate-recovery-protection'];
    expect(resources(stack, 'aws_backup_restore_testing_plan').nightly).toMatchObject({
      name: 'climate_nightly',
      schedule_expression: 'cron(0 5 ? * SAT *)',
      start_window_hours: 24,
      recovery_point_selection: [{ algorithm: 'LATEST_WITHIN_WINDOW', include_vaults: ['arn:aws:backup:eu-west-1:222222222222:backup-vault:climate-recovery'], recovery_point_types: ['SNAPSHOT'], selection_window_days: 7 }],
    });
    const selection = resources(stack, 'aws_backup_restore_testing_selection').nightly_fsx;
    expect(selection).toMatchObject({
      name: 'climate_nightly_fsx',
      restore_testing_plan_name: '${aws_backup_restore_testing_plan.nightly.name}',
      protected_resource_type: 'FSx',
      protected_resource_arns: ['*'],
      iam_role_arn: '${aws_iam_role.restore_test_nightly.arn}',
    });
    expect(selection.validation_window_hours).toBeUndefined();
    // The recovery entry's network, as JSON lists (the form AWS Backup's restore metadata takes).
    expect(JSON.parse(selection.restore_metadata_overrides.subnetIds)).toEqual(['subnet-0def1234abc567890']);
    expect(JSON.parse(selection.restore_metadata_overrides.securityGroupIds)).toEqual(['sg-0def1234abc567890']);
    const role = resources(stack, 'aws_iam_role').restore_test_nightly;
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'backup.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } });
    expect(Object.values(resources(stack, 'aws_iam_role_policy_attachment')).map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores']);
    const rule = resources(stack, 'aws_cloudwatch_event_rule').restore_failed;
    expect(JSON.parse(rule.event_pattern)).toEqual({ source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['FAILED', 'ABORTED'] } });
    expect(resources(stack, 'aws_cloudwatch_event_target').restore_failed.arn).toBe('arn:aws:sns:eu-west-1:222222222222:climate-recovery-alarms');
    // Nothing of it at the plan's own site; the tested site's stack needs only its own vault.
    expect(resources(stacks['climate-primary-protection'], 'aws_backup_restore_testing_plan')).toEqual({});
    expect(manifest.stacks['climate-recovery-protection'].dependencies).toContain('climate-recovery-storage');
    expect(JSON.stringify(stack)).not.toContain('eu-central-1');
  });

  test('every field: the site, network, algorithm and windows as written; a long name kept within 50 characters', () => {
    const d = multiSite();
    d.name = 'a-long-blueprint-name-24';
    const key = 'nightly-copies-of-the-archive-fs';
    d.backupPlans[key] = d.backupPlans.nightly;
    delete d.backupPlans.nightly;
    d.backupPlans[key].restoreTesting = { schedule: 'cron(0 5 ? * SAT *)', site: 'primary', network: { subnetId: 'subnet-0abc1234def567890', securityGroupIds: ['sg-0abc1234def567890', 'sg-0abc1234def567891'] }, algorithm: 'RANDOM_WITHIN_WINDOW', selectionWindowDays: 3, startWindowHours: 6, validationWindowHours: 4 };
    const { stacks } = synthDraft(d);
    const stack = stacks[`${d.name}-primary-protection`];
    const plan = resources(stack, 'aws_backup_restore_testing_plan')[key];
    expect(plan.name.length).toBeLessThanOrEqual(50);
    expect(plan.name).toMatch(/^[0-9A-Za-z_]+$/);
    expect(plan).toMatchObject({ start_window_hours: 6, recovery_point_selection: [{ algorithm: 'RANDOM_WITHIN_WINDOW', include_vaults: [`arn:aws:backup:eu-central-1:111111111111:backup-vault:${d.name}-primary`], selection_window_days: 3 }] });
    const selection = resources(stack, 'aws_backup_restore_testing_selection')[`${key}_fsx`];
    expect(selection.name).toMatch(/^[0-9A-Za-z_]{1,50}$/);
    expect(selection.validation_window_hours).toBe(4);
    expect(JSON.parse(selection.restore_metadata_overrides.securityGroupIds)).toEqual(['sg-0abc1234def567890', 'sg-0abc1234def567891']);
    expect(resources(stacks[`${d.name}-recovery-protection`], 'aws_backup_restore_testing_plan')).toEqual({});
  });

  test('without restoreTesting, no restore testing and no restore event rule', () => {
    const d = multiSite();
    delete d.backupPlans.nightly.restoreTesting;
    const { stacks } = synthDraft(d);
    for (const stack of Object.values(stacks)) {
      expect(resources(stack, 'aws_backup_restore_testing_plan')).toEqual({});
      expect(resources(stack, 'aws_cloudwatch_event_rule').restore_failed).toBeUndefined();
    }
  });
});
