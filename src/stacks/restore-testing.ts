import { BackupRestoreTestingPlan } from '@cdktf/provider-aws/lib/backup-restore-testing-plan';
import { BackupRestoreTestingSelection } from '@cdktf/provider-aws/lib/backup-restore-testing-selection';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import type { RestoreTestPlan } from '../plan/types';
import { policyJson } from './policy';

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

    const role = new IamRole(this, 'role', { name: t.role.name, assumeRolePolicy: policyJson(t.role.trust), description: t.role.description });
    role.overrideLogicalId(`restore_test_${t.key}`);
    for (const policy of t.role.managedPolicies) {
      new IamRolePolicyAttachment(this, policy.name, { role: role.name, policyArn: policy.arn }).overrideLogicalId(`restore_test_${t.key}_${policy.name}`);
    }

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
