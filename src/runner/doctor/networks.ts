/**
 * Networks: each file system's subnet exists and is in the VPC its security groups are in (the
 * `securityGroup.vpcId` lustreform creates one in, or the VPC of each of `securityGroupIds`), and
 * each given security group admits Lustre traffic: TCP 988 and 1018-1023, inbound and outbound,
 * from and to itself ("You must set up the security group to allow inbound traffic on ports 988
 * and 1018-1023", FSx for Lustre User Guide, "Cannot create a file system"; LNet servers also
 * connect to clients, hence outbound). A rule admits a port when its protocol is tcp (6) or -1
 * (all traffic) and its range holds the port, and its source is the group itself, another group of
 * the same file system, or an IPv4 range holding the whole subnet.
 */
import { paginateDescribeSecurityGroups, paginateDescribeSubnets, type IpPermission, type SecurityGroup, type Subnet } from '@aws-sdk/client-ec2';
import type { Site } from '../../blueprint/model';
import { attempt, type DoctorContext } from './context';
import type { ExpectedNetwork } from './expectations';

/** The ports an FSx for Lustre security group must open, as ranges. */
export const LUSTRE_PORTS: readonly [number, number][] = [[988, 988], [1018, 1023]];

export async function checkNetworks(ctx: DoctorContext): Promise<void> {
  const bySite = new Map<Site, ExpectedNetwork[]>();
  for (const n of ctx.expected.networks) if (ctx.inScope(n.site)) bySite.set(n.site, [...(bySite.get(n.site) ?? []), n]);
  for (const [site, networks] of bySite) {
    const why = ctx.unreachable(site);
    if (why) {
      for (const n of networks) ctx.add('subnet', `${n.subject} ${n.network.subnetId}`, 'skip', why);
      continue;
    }
    const ec2 = ctx.clients(site).ec2;
    const subnetIds = [...new Set(networks.map((n) => n.network.subnetId))];
    const groupIds = [...new Set(networks.flatMap((n) => n.network.securityGroupIds ?? []))];
    const subnets = await attempt(ctx, 'subnet', `${site.key} (${subnetIds.join(', ')})`, 'ec2:DescribeSubnets', async () => {
      const out: Subnet[] = [];
      for await (const page of paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: 'subnet-id', Values: subnetIds }] })) out.push(...(page.Subnets ?? []));
      return out;
    });
    const groups = groupIds.length
      ? await attempt(ctx, 'security group', `${site.key} (${groupIds.join(', ')})`, 'ec2:DescribeSecurityGroups', async () => {
          const out: SecurityGroup[] = [];
          for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [{ Name: 'group-id', Values: groupIds }] })) out.push(...(page.SecurityGroups ?? []));
          return out;
        })
      : [];
    for (const n of networks) checkNetwork(ctx, n, subnets, groups);
  }
}

function checkNetwork(ctx: DoctorContext, n: ExpectedNetwork, subnets: Subnet[] | undefined, groups: SecurityGroup[] | undefined): void {
  // A cold standby's network is needed only at failover: a problem there is a warning now.
  const bad = n.standby === 'cold' ? 'warn' : 'fail';
  const later = n.standby === 'cold' ? ' (needed at failover: cold standby)' : '';
  const { subnetId, securityGroupIds, securityGroup } = n.network;
  let subnet: Subnet | undefined;
  if (subnets) {
    subnet = subnets.find((s) => s.SubnetId === subnetId);
    const vpcs = securityGroup ? [securityGroup.vpcId] : [...new Set((securityGroupIds ?? []).map((g) => groups?.find((x) => x.GroupId === g)?.VpcId).filter((v): v is string => !!v))];
    if (!subnet) ctx.add('subnet', `${n.subject} ${subnetId}`, bad, `no such subnet in ${n.site.region} of this account${later}`);
    else if (vpcs.length && vpcs.some((v) => v !== subnet!.VpcId)) ctx.add('subnet', `${n.subject} ${subnetId}`, bad, `in ${subnet.VpcId}, but the security group${securityGroup ? ' is to be created' : 's are'} in ${vpcs.join(', ')}: they must share the subnet's VPC${later}`);
    else ctx.add('subnet', `${n.subject} ${subnetId}`, 'ok', `${subnet.VpcId}, ${subnet.CidrBlock ?? ''} ${subnet.AvailabilityZone ?? ''}`.trim());
  }
  if (!groups) return;
  for (const id of securityGroupIds ?? []) {
    const subject = `${n.subject} ${id}`;
    const sg = groups.find((g) => g.GroupId === id);
    if (!sg) {
      ctx.add('security group', subject, bad, `no such security group in ${n.site.region} of this account${later}`);
      continue;
    }
    const peers = new Set(securityGroupIds);
    const missing = [
      ...missingPorts(sg.IpPermissions ?? [], peers, subnet?.CidrBlock).map((p) => `inbound ${p}`),
      ...missingPorts(sg.IpPermissionsEgress ?? [], peers, subnet?.CidrBlock).map((p) => `outbound ${p}`),
    ];
    if (missing.length) ctx.add('security group', subject, bad, `does not admit Lustre traffic from and to itself: ${missing.join('; ')} (TCP 988 and 1018-1023, inbound and outbound, self-referencing)${later}`);
    else ctx.add('security group', subject, 'ok', 'admits TCP 988 and 1018-1023 from and to itself, inbound and outbound');
  }
}

/** The Lustre port ranges (as `988`, `1018-1023`, or the ports left of a range) that no rule admits. */
export function missingPorts(rules: IpPermission[], peers: Set<string>, subnetCidr?: string): string[] {
  const admitted = (port: number) =>
    rules.some((r) => {
      const proto = r.IpProtocol ?? '';
      if (proto !== '-1' && proto !== 'tcp' && proto !== '6') return false;
      if (proto !== '-1' && !(r.FromPort !== undefined && r.ToPort !== undefined && r.FromPort <= port && port <= r.ToPort)) return false;
      return (r.UserIdGroupPairs ?? []).some((p) => p.GroupId && peers.has(p.GroupId)) || (!!subnetCidr && (r.IpRanges ?? []).some((x) => x.CidrIp && cidrContains(x.CidrIp, subnetCidr)));
    });
  const out: string[] = [];
  for (const [from, to] of LUSTRE_PORTS) {
    const ports = Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((p) => !admitted(p));
    if (ports.length) out.push(ports.length === to - from + 1 ? (from === to ? `${from}` : `${from}-${to}`) : ports.join(', '));
  }
  return out;
}

const ipv4 = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** Whether IPv4 range `outer` holds all of `inner` (both a.b.c.d/n). */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, ob] = outer.split('/');
  const [ia, ib] = inner.split('/');
  const o = Number(ob ?? 32);
  const i = Number(ib ?? 32);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(oa) || !/^\d+\.\d+\.\d+\.\d+$/.test(ia) || o > i) return false;
  const size = 2 ** (32 - o);
  return Math.floor(ipv4(oa) / size) === Math.floor(ipv4(ia) / size);
}
