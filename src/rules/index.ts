import { archiveRules } from './archive';
import { backupRules } from './backup';
import { bucketRules } from './buckets';
import { cloudRules } from './cloud';
import { fsxRules } from './fsx';
import { kmsRules } from './kms';
import { monitoringRules } from './monitoring';
import { recoveryRules } from './recovery';
import { referenceRules } from './references';
import { replicationRules } from './replication';
import { repositoryRules } from './repositories';
import { restoreTestingRules } from './restore-testing';
import { safetyRules } from './safety';
import { securityRules } from './security';
import { siteRules } from './sites';
import { stateRules } from './state';
import { tagRules } from './tags';
import type { Rule } from './rule';

export type { Rule } from './rule';

/** Every semantic rule, in the order `lustreform rules` lists them. */
export const RULES: readonly Rule[] = [
  ...referenceRules,
  ...siteRules,
  ...stateRules,
  ...cloudRules,
  ...tagRules,
  ...bucketRules,
  ...replicationRules,
  ...fsxRules,
  ...securityRules,
  ...kmsRules,
  ...repositoryRules,
  ...safetyRules,
  ...backupRules,
  ...restoreTestingRules,
  ...archiveRules,
  ...recoveryRules,
  ...monitoringRules,
];
