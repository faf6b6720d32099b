import { bucketNameProblem } from './buckets';
import { hit, type Rule, type RuleHit } from './rule';
import { REGION_PATTERN } from '../aws/regions';

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
    summary: 'Terraform state is kept in the region of a site that a recovery entry must survive: with that region down, the recovery site cannot be deployed.',
    check: (m) => {
      const s3 = m.state.backend === 's3' ? m.state.s3 : undefined;
      if (!s3) return [];
      const survived = m.recovery.filter((r) => r.fileSystem.site.region === s3.region && r.site.region !== s3.region);
      if (!survived.length) return [];
      const targets = [...new Set(survived.map((r) => `'${r.site.key}' (${r.site.region})`))].join(', ');
      return [
        hit(
          ['state', 's3', 'region'],
          `the state bucket ${s3.bucket} is in ${s3.region}, the region of site '${survived[0].fileSystem.site.key}' that recovery to ${targets} must survive: with ${s3.region} down, terraform cannot read or lock the state of any stack, so lustreform failover refuses. Keep state in a region recovery survives (a bucket there, replicated back), or use backend: cloud`,
        ),
      ];
    },
  },
];
