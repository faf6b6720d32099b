/**
 * Pattern errors in the user's words: which part of an ARN or id is wrong, and the expected form.
 * `explainPattern` knows the patterns of schemas/blueprint.schema.json; for any other it says
 * nothing and the schema's description stands.
 */

const RESOURCE_ID = /^\^(subnet|sg|vpc)-\[0-9a-f\]\{8,17\}\$$/;
const ARN = /^\^arn:aws\[a-z-\]\*:([a-z0-9]+):(.*?):\[0-9\]\{12\}:([a-z-]+)\/\.\+\$$/;

const EXAMPLES: Record<string, string> = {
  subnet: 'subnet-0123456789abcdef0',
  sg: 'sg-0123456789abcdef0',
  vpc: 'vpc-0123456789abcdef0',
  kms: 'arn:aws:kms:eu-central-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  iam: 'arn:aws:iam::111111111111:role/deployer',
};

function resourceId(kind: string, value: string): string {
  const expected = `expected ${kind}- and 8 or 17 hexadecimal digits, e.g. ${EXAMPLES[kind]}`;
  if (!value.startsWith(`${kind}-`)) {
    const other = /^([a-z]+)-/.exec(value)?.[1];
    return `${other ? `'${other}-' is the prefix of another kind of id` : `the id must start with '${kind}-'`}; ${expected}`;
  }
  const id = value.slice(kind.length + 1);
  if (/[^0-9a-f]/.test(id)) return `'${id}' has characters other than 0-9 and a-f${/[A-F]/.test(id) ? ' (ids are lowercase)' : ''}; ${expected}`;
  return `the part after '${kind}-' has ${id.length} digits; ${expected}`;
}

function arn(service: string, regionPart: string, resourceType: string, value: string): string {
  const example = EXAMPLES[service] ?? `arn:aws:${service}:...`;
  const form = `expected arn:<partition>:${service}:${regionPart === '' ? '' : '<region>'}:<12-digit account>:${resourceType}/<name>, e.g. ${example}`;
  const parts = value.split(':');
  if (parts[0] !== 'arn') return `an ARN starts with 'arn:'; ${form}`;
  if (parts.length < 6) return `an ARN has 6 parts separated by ':', this one ${parts.length}; ${form}`;
  const [, partition, svc, region, account, ...rest] = parts;
  const resource = rest.join(':');
  if (!/^aws[a-z-]*$/.test(partition)) return `partition '${partition}' is not aws, aws-cn, aws-us-gov...; ${form}`;
  if (svc !== service) return `this is ${/^[a-z0-9]+$/.test(svc) ? `an ARN of ${svc}` : `service '${svc}'`}, not of ${service}; ${form}`;
  if (regionPart === '' && region !== '') return `${service} ARNs have no region (the fourth part is empty: arn:aws:${service}::...); ${form}`;
  if (regionPart !== '' && !/^[a-z0-9-]+$/.test(region)) return `the region part '${region}' is not a region; ${form}`;
  if (!/^[0-9]{12}$/.test(account)) return `the account part '${account}' must be 12 digits${/^[0-9]+$/.test(account) ? `, it has ${account.length}` : ''}; ${form}`;
  if (!resource.startsWith(`${resourceType}/`) || resource.length <= resourceType.length + 1) return `the resource part '${resource}' must be ${resourceType}/<name>; ${form}`;
  return form;
}

/** What is wrong with `value` for the schema's `pattern`, in words; undefined for a pattern it does not know. */
export function explainPattern(pattern: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const id = RESOURCE_ID.exec(pattern);
  if (id) return resourceId(id[1], value);
  const a = ARN.exec(pattern);
  if (a) return arn(a[1], a[2], a[3], value);
  if (pattern === '^[0-9]{12}$') return `an account id is exactly 12 digits${/^[0-9]+$/.test(value) ? `; this has ${value.length}` : ''} (quote it, so YAML keeps leading zeros: "012345678901")`;
  if (pattern === '^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$') return `expected d:HH:MM in UTC with Monday = 1, e.g. "7:03:00" for Sunday 03:00`;
  return undefined;
}
