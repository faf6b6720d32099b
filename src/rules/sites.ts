import { didYouMean } from '../blueprint/findings';
import { hit, type Rule } from './rule';
import { KNOWN_REGIONS, REGION_PATTERN } from '../aws/regions';

export const siteRules: Rule[] = [
  {
    id: 'SIT001',
    severity: 'error',
    summary: 'A region is not a region name (like eu-central-1).',
    check: (m) =>
      [...m.sites.values()]
        .filter((s) => !REGION_PATTERN.test(s.region))
        .map((s) => hit([...s.path, 'region'], `'${s.region}' is not a region name like eu-central-1${didYouMean(s.region, KNOWN_REGIONS)}`)),
  },
  {
    id: 'SIT002',
    severity: 'warning',
    summary: 'A region is well-formed but not one lustreform knows (a typo, or a region newer than this release).',
    check: (m) =>
      [...m.sites.values()]
        .filter((s) => REGION_PATTERN.test(s.region) && !KNOWN_REGIONS.includes(s.region))
        .map((s) => hit([...s.path, 'region'], `'${s.region}' is not a region lustreform knows${didYouMean(s.region, KNOWN_REGIONS)}`)),
  },
];
