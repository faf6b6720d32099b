import { didYouMean } from '../blueprint/findings';
import { REGION_PATTERN } from '../aws/regions';
import { hit, pairs, type Rule } from './rule';

export const referenceRules: Rule[] = [
  {
    id: 'REF001',
    severity: 'error',
    summary: 'A reference (site, account, bucket, file system) names a key that does not exist.',
    check: (m) =>
      m.unresolved.map((u) => {
        // A region where a site key belongs: say which site is there.
        const inRegion = u.kind === 'site' && REGION_PATTERN.test(u.name) ? [...m.sites.values()].filter((s) => s.region === u.name).map((s) => s.key) : [];
        const region = u.kind === 'site' && REGION_PATTERN.test(u.name) ? `; '${u.name}' is a region, and site takes the key of a site${inRegion.length ? ` (${inRegion.join(', ')} ${inRegion.length > 1 ? 'are' : 'is'} in ${u.name})` : ''}` : '';
        return hit(u.path, `no ${u.kind} '${u.name}'${region || didYouMean(u.name, u.known)}${u.known.length ? `; known: ${u.known.join(', ')}` : `; define it first`}`);
      }),
  },
  {
    id: 'ACC001',
    severity: 'error',
    summary: "An account's assumeRole or planRole ARN belongs to a different account than its id.",
    check: (m) =>
      [...m.accounts.values()].flatMap((a) =>
        (['assumeRole', 'planRole'] as const).flatMap((field) => {
          const roleAccount = a[field]?.split(':')[4];
          return roleAccount && roleAccount !== a.id
            ? [hit([...a.path, field], `this role is in account ${roleAccount}, but the account id is ${a.id}; use a role in ${a.id} or fix the id`)]
            : [];
        }),
      ),
  },
  {
    id: 'ACC002',
    severity: 'error',
    summary: 'Either every site names an account or none does (cross-account ARNs need every account id).',
    check: (m) => {
      const sites = [...m.sites.values()];
      const named = sites.filter((s) => s.account);
      if (named.length === 0 || named.length === sites.length) return [];
      // Sites whose account did not resolve are already REF001; only blame the ones without `account:`.
      const unresolvedPaths = new Set(m.unresolved.map((u) => u.path.join('/')));
      return sites
        .filter((s) => !s.account && !unresolvedPaths.has([...s.path, 'account'].join('/')))
        .map((s) => hit(s.path, `site '${s.key}' names no account while others do; add 'account:' with a key of accounts`));
    },
  },
  {
    id: 'ACC003',
    severity: 'warning',
    summary: 'Two account keys have the same account id.',
    check: (m) =>
      [...pairs([...m.accounts.values()])]
        .filter(([a, b]) => a.id === b.id)
        .map(([a, b]) => hit([...b.path, 'id'], `account '${b.key}' has the same id as '${a.key}' (${a.id}); use one key for one account`)),
  },
];
