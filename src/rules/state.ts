import { bucketNameProblem } from './buckets';
import { hit, type Rule, type RuleHit } from './rule';
import { REGION_PATTERN } from '../aws/regions';
import { stateBlocksFailover } from '../blueprint/topology';

export const stateRules: Rule[] = [
  {
    id: 'STA001',
    severity: 'error',
    summary: 'The state backend lacks its settings (cloud: organization; s3: the s3 block), or has settings of another backend.',
    check: ({ state }) => {
      const out: RuleHit[] = [];
      if (state.backend === 'cloud' && !state.organization) out.push(hit(['state'], "backend 'cloud' needs 'organization': your Terraform Cloud / Enterprise organization"));
      if (state.backend === 's3' && !state.s3) out.push(hit(['state'], "backend 's3' needs 's3: { bucket, region }'"));
      if (state.backend !== 's3' && state.s3) out.push(hit(['state', 's3'], `'s3' is only read with backend: s3 (the backend is ${state.backend})`));
      if (state.backend !== 'cloud' && state.organization) out.push(hit(['state', 'organization'], `'organization' is only read with backend: cloud (the backend is ${state.backend})`));
      return out;
    },
  },
  {
    id: 'STA002',
    severity: 'error',
    summary: 'The S3 state bucket has an invalid name or region.',
    check: ({ state }) => {
      if (!state.s3) return [];
      const out: RuleHit[] = [];
      const problem = bucketNameProblem(state.s3.bucket);
      if (problem) out.push(hit(['state', 's3', 'bucket'], `'${state.s3.bucket}' is not a valid bucket name: ${problem}`));
      if (!REGION_PATTERN.test(state.s3.region)) out.push(hit(['state', 's3', 'region'], `'${state.s3.region}' is not a region name like eu-central-1`));
      return out;
    },
  },
  {
    id: 'STA003',
    severity: 'warning',
    summary: 'Terraform state is kept in the region of a site that a recovery entry must survive: with that region down, failover to the recovery site refuses (state in the recovery region or a third one is fine).',
    check: (m) => [...new Set(m.recovery.map((r) => r.site))].flatMap((target) => {
      const why = stateBlocksFailover(m, target);
      return why ? [hit(['state', 's3', 'region'], `lustreform failover --to ${target.key} would refuse: ${why}`)] : [];
    }),
  },
];
