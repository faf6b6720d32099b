/**
 * `lustreform doctor`: the read-only live preflight of what `validate` cannot see, for the accounts
 * and regions of the blueprint, before the first apply and any time after. It only reads
 * (Describe*, Get*, List*, Head*); a check it cannot make is a `skip` that says why.
 */
import type { Blueprint, Site } from '../../blueprint/model';
import type { Check } from '../checks';
import { checkBackupCopies } from './backup';
import { checkBuckets, checkStateBackend } from './buckets';
import { ambientClients, doctorClients, type AccountClients } from './clients';
import { whyNot, type DoctorContext } from './context';
import { accountKey, checkCredentials } from './credentials';
import { expectations } from './expectations';
import { checkKeys } from './keys';
import { checkLimits } from './limits';
import { checkNetworks } from './networks';

export interface DoctorOptions {
  /** Only this site (a key of sites); the limits of its account and region still count every site there. */
  site?: string;
  clients?: (site: Site) => AccountClients;
  ambient?: (region: string) => AccountClients;
}

export async function doctor(model: Blueprint, opts: DoctorOptions = {}): Promise<Check[]> {
  const clients = opts.clients ?? ((site: Site) => doctorClients(model, site));
  const ambient = opts.ambient ?? ((region: string) => ambientClients(model, region));
  const inScope = (site: Site) => !opts.site || site.key === opts.site;
  const rows: Check[] = [];
  const add: DoctorContext['add'] = (check, subject, result, detail) => rows.push({ check, subject, result, detail });

  // Every account of the blueprint is signed in to: limits and copies involve other sites' accounts too.
  const identity = await checkCredentials([...model.sites.values()].sort((a, b) => Number(!inScope(a)) - Number(!inScope(b))), clients);
  const inScopeAccounts = new Set([...model.sites.values()].filter(inScope).map(accountKey));
  for (const r of identity.rows) if (inScopeAccounts.has(r.key)) add('credentials', r.subject, r.ok ? 'ok' : 'fail', r.detail);
  const accountOf = (site: Site) => site.account?.id ?? identity.accounts.get('') ?? 'unknown';

  const ctx: DoctorContext = {
    model,
    expected: expectations(model, accountOf),
    inScope,
    clients,
    ambient,
    accountOf,
    unreachable: (site) => identity.failed.get(accountKey(site)),
    add,
    rows,
  };
  const areas: [string, (c: DoctorContext) => Promise<void>][] = [
    ['buckets', checkBuckets],
    ['networks', checkNetworks],
    ['KMS keys', checkKeys],
    ['limits', checkLimits],
    ['backup copies', checkBackupCopies],
  ];
  if (!opts.site) areas.push(['state backend', checkStateBackend]);
  // Each area turns AWS errors into skips itself; anything else still ends as a row, not a crash.
  for (const [area, check] of areas) await check(ctx).catch((err: unknown) => add(area, model.name, 'skip', `stopped early: ${whyNot(err, area)}`));
  return rows;
}
