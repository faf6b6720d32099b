/**
 * What every doctor check area shares: the rows it adds, the clients of each site, which accounts
 * could not be signed in to, and the one way an AWS error becomes a `skip` that says why.
 */
import type { Blueprint, Site } from '../../blueprint/model';
import type { Check, Verdict } from '../checks';
import type { AccountClients } from './clients';
import type { Expectations } from './expectations';

export interface DoctorContext {
  model: Blueprint;
  expected: Expectations;
  /** Whether `site` is one this run looks at (`--site`). */
  inScope(site: Site): boolean;
  clients(site: Site): AccountClients;
  /** Clients of the ambient credentials (no role) in a region. */
  ambient(region: string): AccountClients;
  /** The account id of a site (the blueprint's, or the ambient credentials'). */
  accountOf(site: Site): string;
  /** Why a site's account cannot be read (its credentials failed), or undefined. */
  unreachable(site: Site): string | undefined;
  add(check: string, subject: string, result: Verdict, detail: string): void;
  rows: Check[];
}

interface AwsError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'AuthorizationErrorException', 'Forbidden', 'UnauthorizedException']);
const UNAVAILABLE = new Set(['UnknownEndpoint', 'InvalidAction', 'OptInRequired', 'UnsupportedOperation', 'UnrecognizedClientException', 'InvalidClientTokenId']);

/** The error name AWS answered with ("" when none). */
export const errorName = (err: unknown): string => (err as AwsError)?.name ?? (err as AwsError)?.Code ?? '';
export const httpStatus = (err: unknown): number | undefined => (err as AwsError)?.$metadata?.httpStatusCode;

/** Whether an error is a refusal for want of permission. */
export const isDenied = (err: unknown): boolean => DENIED.has(errorName(err)) || (httpStatus(err) === 403 && !errorName(err).startsWith('Invalid'));

/**
 * Why a check could not be made, in words: a missing permission (naming the action), an API this
 * partition or region lacks, or what AWS (or the network) said.
 */
export function whyNot(err: unknown, action: string): string {
  const e = err as AwsError;
  const said = `${errorName(err) || 'error'}: ${(e?.message ?? String(err)).split('\n')[0]}`;
  if (isDenied(err)) return `not permitted to call ${action} (${said}); grant it to the role doctor uses`;
  const code = e?.code ?? /\b(E[A-Z]{4,})\b/.exec(e?.message ?? '')?.[1];
  if (UNAVAILABLE.has(errorName(err)) || code === 'ENOTFOUND') return `${action} is not available here (${said})`;
  return `${action} failed (${said})`;
}

/**
 * Runs one check's calls; an error becomes a `skip` row saying why (never a crash). Returns the
 * function's value, or undefined when it was skipped.
 */
export async function attempt<T>(ctx: DoctorContext, check: string, subject: string, action: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    ctx.add(check, subject, 'skip', whyNot(err, action));
    return undefined;
  }
}
