/**
 * AWS Backup restore testing (`backupPlans.<key>.restoreTesting`): a restore testing plan and one
 * FSx selection in the protection stack of the tested site, so AWS restores a recovery point of
 * that site's vault on a schedule, records the result (ListRestoreJobs, `verify --recovery`) and
 * deletes the restored file system. Restore job failures there reach the site's alarm topic
 * (restoreEventRules).
 *
 * What AWS documents, and what lustreform chooses:
 * - The selection takes either protected resource ARNs or tag conditions, not both (the
 *   provider: "Exactly one of these attributes must be configured: [protected_resource_arns,
 *   protected_resource_conditions]"). The tested file systems' ids are unknown at plan time and
 *   live in another site's stack, and it is not documented whether a tag condition sees the tags of
 *   a resource in another region whose copies are tested here; so the selection is every FSx
 *   resource (`*`) and the plan picks recovery points from the tested site's vault only. That vault
 *   holds this blueprint's recovery points alone, hence one restoreTesting per site (PLN017).
 * - Restore metadata: "for some resource types (Amazon FSx), AWS Backup is not able to infer a
 *   complete set of metadata", and a restore fails where the inferred default does not exist
 *   (AWS Backup Developer Guide, "Restore testing inferred metadata"). lustreform relies on no
 *   inferred network (the backed-up file system's subnet and groups do not exist at another
 *   site): the tested site's network is always given as overrides: `subnetIds` and `securityGroupIds`
 *   ("key values are not case sensitive"), the names of the CreateFileSystemFromBackup parameters
 *   the restore passes them to (SubnetIds, SecurityGroupIds), list values as JSON array strings,
 *   the form StartRestoreJob's metadata takes for lists. The FSx for Lustre row of that page could
 *   not be read in full when this was written; a wrong key shows as a failed restore test: the
 *   restore_failed event rule notifies the alarm topic and `verify --recovery` prints AWS's
 *   status message.
 * - The role: AWSBackupServiceRolePolicyForRestores (version v23 of 2025-05-22 grants
 *   fsx:CreateFileSystemFromBackup, fsx:TagResource, kms:DescribeKey and kms:CreateGrant where
 *   kms:GrantIsForAWSResource, which is how FSx uses a key; FSx creates the network interfaces
 *   with its own service-linked role). Clean-up after a test is AWS Backup's own service-linked role
 *   (AWSServiceRolePolicyForBackupRestoreTesting, deleting only resources tagged
 *   `awsbackup-restore-test`), so this role has no delete rights to spare.
 */
import type { Blueprint, Site } from '../blueprint/model';
import { restoreTestNetwork, testedPlans, type TestedPlan } from '../blueprint/topology';
import { managedServicePolicies, serviceTrust } from '../aws/policies';
import { partitionOf } from '../aws/regions';
import { accountOf, restoreTestingName, roleName, vaultArn } from './arns';
import type { RestoreTestPlan } from './types';

/** The managed policy of the restore testing role (restores only; AWS Backup's own role cleans up). */
export const RESTORE_TESTING_MANAGED_POLICIES = ['AWSBackupServiceRolePolicyForRestores'] as const;

/** The tag AWS Backup puts on what a restore test creates ("Resources that are part of a restore testing plan contain a tag called awsbackup-restore-test"): the runner never takes such a file system for the blueprint's own. */
export const RESTORE_TEST_TAG = 'awsbackup-restore-test';

/** The plans whose restores are tested at `site`. */
export const restoreTestsAt = (m: Blueprint, site: Site): TestedPlan[] => testedPlans(m).filter((p) => p.restoreTesting.site === site);

export function restoreTestPlan(m: Blueprint, plan: TestedPlan): RestoreTestPlan {
  const rt = plan.restoreTesting;
  const network = restoreTestNetwork(m, plan);
  // PLN014 refuses a blueprint without one before planning.
  if (!network) throw new Error(`plan ${plan.key}: restore testing has no network (PLN014)`);
  const partition = partitionOf(rt.site.region);
  const vault = vaultArn(m, rt.site);
  return {
    key: plan.key,
    name: restoreTestingName(`${m.name}_${plan.key}`),
    selectionName: restoreTestingName(`${m.name}_${plan.key}_fsx`),
    schedule: rt.schedule,
    startWindowHours: rt.startWindowHours,
    algorithm: rt.algorithm,
    vaultArn: vault,
    selectionWindowDays: rt.selectionWindowDays,
    validationWindowHours: rt.validationWindowHours,
    metadataOverrides: { subnetIds: JSON.stringify([network.subnetId]), securityGroupIds: JSON.stringify(network.securityGroupIds) },
    role: {
      name: roleName(m, 'restore-test', plan.key),
      description: `AWS Backup restore tests of plan ${plan.key} at site ${rt.site.key} (lustreform)`,
      trust: serviceTrust('backup.amazonaws.com', { account: accountOf(rt.site) }),
      managedPolicies: managedServicePolicies(partition, RESTORE_TESTING_MANAGED_POLICIES),
    },
  };
}
