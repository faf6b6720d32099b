import type { Blueprint, Network } from '../blueprint/model';
import { hit, type Rule, type RuleHit } from './rule';

const networks = (m: Blueprint): { network: Network; efa: boolean }[] => [
  ...[...m.fileSystems.values()].map((fs) => ({ network: fs.network, efa: fs.efa })),
  ...m.recovery.map((r) => ({ network: r.network, efa: r.fileSystem.efa })),
];

/** True for a well-formed IPv4 CIDR block (a.b.c.d/n with no host bits outside the mask checked). */
export function isIpv4Cidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

export const securityRules: Rule[] = [
  {
    id: 'SEC001',
    severity: 'error',
    summary: 'A network names neither or both of securityGroupIds and securityGroup.',
    check: (m) =>
      networks(m).flatMap(({ network: n }) => {
        if (n.securityGroupIds && n.securityGroup) return [hit(n.path, "give either 'securityGroupIds' (existing groups) or 'securityGroup' (one lustreform creates), not both")];
        if (!n.securityGroupIds && !n.securityGroup) return [hit(n.path, "add 'securityGroupIds: [sg-...]' or 'securityGroup: { vpcId, clientCidrs }': FSx needs TCP 988 and 1018-1023 open between clients and the file system")];
        return [];
      }),
  },
  {
    id: 'SEC002',
    severity: 'error',
    summary: 'A client CIDR is not an IPv4 CIDR block.',
    check: (m) =>
      networks(m).flatMap(({ network: n }) =>
        (n.securityGroup?.clientCidrs ?? []).flatMap((c, i): RuleHit[] =>
          isIpv4Cidr(c) ? [] : [hit([...n.path, 'securityGroup', 'clientCidrs', i], `'${c}' is not an IPv4 CIDR block like 10.0.0.0/16`)],
        ),
      ),
  },
  {
    id: 'SEC003',
    severity: 'warning',
    summary: 'Lustre ports opened to the whole internet (0.0.0.0/0).',
    check: (m) =>
      networks(m).flatMap(({ network: n }) =>
        (n.securityGroup?.clientCidrs ?? []).flatMap((c, i) =>
          c.endsWith('/0') ? [hit([...n.path, 'securityGroup', 'clientCidrs', i], `'${c}' opens the Lustre ports to every address; name your clients' CIDR blocks`)] : [],
        ),
      ),
  },
  {
    id: 'SEC004',
    severity: 'error',
    summary: 'EFA with a security group lustreform creates (EFA needs all traffic allowed within the group; ours opens Lustre ports only).',
    check: (m) =>
      networks(m)
        .filter(({ network: n, efa }) => efa && n.securityGroup)
        .map(({ network: n }) => hit([...n.path, 'securityGroup'], 'EFA needs a security group that allows all traffic to and from itself; give securityGroupIds of such a group')),
  },
];
