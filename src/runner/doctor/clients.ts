/**
 * The clients `doctor` reads accounts with, made the way every runner client is (src/runner/aws.ts:
 * standard credential chain, the account's role through STS, adaptive retries,
 * AWS_ENDPOINT_URL_<SERVICE> overrides). A module of their own so only `doctor` loads these SDKs.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FSxClient } from '@aws-sdk/client-fsx';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import type { Account, Blueprint, Site } from '../../blueprint/model';
import { clientConfig } from '../aws';

export interface AccountClients {
  /** The role these clients assume; undefined: the ambient credentials. */
  role?: string;
  sts: STSClient;
  s3: S3Client;
  ec2: EC2Client;
  fsx: FSxClient;
  cloudtrail: CloudTrailClient;
  lambda: LambdaClient;
  quotas: ServiceQuotasClient;
  organizations: OrganizationsClient;
  backup: BackupClient;
  /** KMS in `region` (a key is read where it lives), with the same credentials. */
  kms(region: string): KMSClient;
}

/**
 * The role doctor reads an account with: its read-only `planRole` when LUSTREFORM_PLAN=1 (as the
 * pull-request workflow sets, where the CI identity may assume only that one), else `assumeRole`.
 */
export const roleFor = (account: Account | undefined): string | undefined => (process.env.LUSTREFORM_PLAN === '1' && account?.planRole) || account?.assumeRole;

const cache = new Map<string, AccountClients>();

/** The clients of a site's account in its region. */
export function doctorClients(model: Blueprint, site: Site): AccountClients {
  return clientsIn(model, site.region, roleFor(site.account));
}

/** Clients of the ambient credentials (no role), e.g. for the state backend, which Terraform reaches that way. */
export function ambientClients(model: Blueprint, region: string): AccountClients {
  return clientsIn(model, region, undefined);
}

function clientsIn(model: Blueprint, region: string, role: string | undefined): AccountClients {
  const key = `${model.name}/${region}/${role ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const config = clientConfig(model, region, role);
  const kms = new Map<string, KMSClient>();
  const clients: AccountClients = {
    role,
    sts: new STSClient(config),
    s3: new S3Client(config),
    ec2: new EC2Client(config),
    fsx: new FSxClient(config),
    cloudtrail: new CloudTrailClient(config),
    lambda: new LambdaClient(config),
    quotas: new ServiceQuotasClient(config),
    organizations: new OrganizationsClient(config),
    backup: new BackupClient(config),
    kms: (r) => kms.get(r) ?? kms.set(r, new KMSClient(r === region ? config : clientConfig(model, r, role))).get(r)!,
  };
  cache.set(key, clients);
  return clients;
}

/** Forget cached clients (tests change endpoints between cases). */
export function resetDoctorClients(): void {
  cache.clear();
}
