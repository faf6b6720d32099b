/**
 * The one place runner AWS clients are created: the SDK's standard credential chain (profiles,
 * environment), the account's `assumeRole` through STS, the site's region, adaptive retries
 * (throttling and 5xx are retried with backoff), and AWS_ENDPOINT_URL_<SERVICE> overrides, which
 * the SDK reads by itself.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FSxClient } from '@aws-sdk/client-fsx';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient, type S3ControlClientConfig } from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Blueprint, Site } from '../blueprint/model';

export interface SiteClients {
  site: Site;
  fsx: FSxClient;
  s3: S3Client;
  s3control: S3ControlClient;
  cloudwatch: CloudWatchClient;
  backup: BackupClient;
  kms: KMSClient;
  /** The site's account id: the blueprint's, else the caller's (STS GetCallerIdentity). */
  accountId(): Promise<string>;
}

/** How many attempts a call gets before its error counts (LUSTREFORM_MAX_ATTEMPTS overrides). */
export const maxAttempts = (): number => Number(process.env.LUSTREFORM_MAX_ATTEMPTS ?? 10);

const cache = new Map<string, SiteClients>();

/** The clients of a site's account in its region, or in `region` (a resource of the site that lives elsewhere). */
export function clientsFor(model: Blueprint, site: Site, region = site.region): SiteClients {
  const cacheKey = `${model.name}/${site.key}/${region}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const common = clientConfig(model, region, site.account?.assumeRole);
  let account: Promise<string> | undefined;
  const clients: SiteClients = {
    site,
    fsx: new FSxClient(common),
    s3: new S3Client(common),
    s3control: s3ControlClient(common),
    cloudwatch: new CloudWatchClient(common),
    backup: new BackupClient(common),
    kms: new KMSClient(common),
    accountId: () =>
      (account ??= site.account
        ? Promise.resolve(site.account.id)
        : new STSClient(common).send(new GetCallerIdentityCommand({})).then((r) => {
            if (!r.Account) throw new Error('STS did not say which account these credentials belong to');
            return r.Account;
          })),
  };
  cache.set(cacheKey, clients);
  return clients;
}

/** What every runner client of one account and region is made with: `role` assumed through STS (none: the ambient credentials), adaptive retries. */
export function clientConfig(model: Blueprint, region: string, role: string | undefined) {
  return {
    region,
    retryMode: 'adaptive',
    maxAttempts: maxAttempts(),
    credentials: role ? fromTemporaryCredentials({ params: { RoleArn: role, RoleSessionName: `lustreform-${model.name}` }, clientConfig: { region } }) : undefined,
  };
}

/**
 * S3 Control addresses `<account id>.s3-control.<region>.amazonaws.com`. A custom endpoint
 * (AWS_ENDPOINT_URL_S3_CONTROL: a local or private one) is addressed as given, without that prefix.
 */
function s3ControlClient(config: S3ControlClientConfig): S3ControlClient {
  const client = new S3ControlClient(config);
  if (process.env.AWS_ENDPOINT_URL_S3_CONTROL) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { hostname?: string; headers?: Record<string, string> };
        if (request.hostname && /^\d{12}\./.test(request.hostname)) {
          request.hostname = request.hostname.replace(/^\d{12}\./, '');
          if (request.headers?.host) request.headers.host = request.headers.host.replace(/^\d{12}\./, '');
        }
        return next(args);
      },
      { step: 'build', name: 'lustreformCustomEndpointHost' },
    );
  }
  return client;
}

/** Forget cached clients (tests change endpoints between cases). */
export function resetClients(): void {
  cache.clear();
}
