import { BackupRestoreTestingPlan } from '@cdktf/provider-aws/lib/backup-restore-testing-plan';
import { BackupRestoreTestingSelection } from '@cdktf/provider-aws/lib/backup-restore-testing-selection';
import { Construct } from 'constructs';
import type { RestoreTestPlan } from '../plan/types';
import { renderServiceRole } from './service-role';

export interface RestoreTestingProps {
  /** The planned restore tests of one backup plan at the tested site. */
  readonly test: RestoreTestPlan;
}

/**
 * AWS Backup restore testing of a backup plan's recovery points (protection layer of the tested
 * site): a restore testing plan picking FSx snapshots from the site's vault only, one selection of
 * every FSx resource there with the site's network as restore metadata overrides, and the role
 * AWS Backup restores with.
 */
export class RestoreTesting extends Construct {
  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    const t = props.test;
    const plan = new BackupRestoreTestingPlan(this, 'plan', {
      name: t.name,
      scheduleExpression: t.schedule,
      startWindowHours: t.startWindowHours,
      recoveryPointSelection: [{ algorithm: t.algorithm, includeVaults: [t.vaultArn], recoveryPointTypes: ['SNAPSHOT'], selectionWindowDays: t.selectionWindowDays }],
    });
    plan.overrideLogicalId(t.key);

    const role = renderServiceRole(this, `restore_test_${t.key}`, t.role);

    new BackupRestoreTestingSelection(this, 'selection', {
      name: t.selectionName,
      restoreTestingPlanName: plan.name,
      protectedResourceType: 'FSx',
      protectedResourceArns: ['*'],
      iamRoleArn: role.arn,
      restoreMetadataOverrides: t.metadataOverrides,
      validationWindowHours: t.validationWindowHours,
    }).overrideLogicalId(`${t.key}_fsx`);
  }
}
