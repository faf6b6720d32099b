/**
 * `lustreform replicate-existing`: replication rules only copy objects written after them; for
 * edges with `existingObjects: batch`, an S3 Batch Replication job per source bucket (S3 Control
 * CreateJob, S3ReplicateObject, a generated manifest of objects whose replication status is NONE
 * or FAILED, under the edges' prefixes), created in the source bucket's region with the role and
 * report bucket of the storage layer. Idempotent through the journal and ClientRequestToken.
 */
import { createHash } from 'node:crypto';
import { CreateJobCommand, DescribeJobCommand } from '@aws-sdk/client-s3-control';
import type { Blueprint, Bucket, Site } from '../blueprint/model';
import { batchReportBucketName, batchRoleName, bucketArn } from '../plan/arns';
import type { SiteClients } from './aws';
import type { Journal } from './journal';
import { Backoff, type Clock } from './time';
import { partitionOf } from '../aws/regions';
import { directionsFrom } from '../blueprint/topology';

export interface BatchJobOutcome {
  source: string;
  destinations: string[];
  jobId: string;
  status: string;
  total?: number;
  succeeded?: number;
  failed?: number;
  report: string;
}

export interface ReplicateExistingOptions {
  wait: boolean;
  deadline: number;
  journal: Journal;
  clock: Clock;
  clientsFor: (site: Site) => SiteClients;
  say: (line: string) => void;
}

const TERMINAL = new Set(['Complete', 'Failed', 'Cancelled']);

/** Source buckets with batch edges, and the prefixes those edges replicate ("" = all). */
export function batchJobs(model: Blueprint): { source: Bucket; destinations: Bucket[]; prefixes: string[] }[] {
  return [...model.buckets.values()].flatMap((source) => {
    const batch = directionsFrom(model, source).filter((d) => d.edge.existingObjects === 'batch');
    if (!batch.length) return [];
    const prefixes = [...new Set(batch.map((d) => d.edge.prefix))];
    return [{ source, destinations: batch.map((d) => d.destination), prefixes: prefixes.includes('') ? [] : prefixes }];
  });
}

export async function replicateExisting(model: Blueprint, opts: ReplicateExistingOptions): Promise<{ ok: boolean; jobs: BatchJobOutcome[] }> {
  const jobs = await Promise.all(
    batchJobs(model).map(async ({ source, destinations, prefixes }) => {
      const clients = opts.clientsFor(source.site);
      const account = await clients.accountId();
      const partition = partitionOf(source.site.region);
      const reportArn = `arn:${partition}:s3:::${batchReportBucketName(model, source.site, account)}`;
      const key = `batch:${source.key}`;
      const previous = opts.journal.get(key);
      const generation = previous?.state === 'running' ? previous.generation : (previous?.generation ?? 0) + 1;
      const token = createHash('sha256').update(JSON.stringify([model.name, source.key, generation, prefixes, destinations.map((d) => d.key)])).digest('hex').slice(0, 64);
      opts.journal.set(key, { generation, state: 'running', tasks: [{ token, paths: prefixes, taskId: previous?.state === 'running' ? previous.tasks[0]?.taskId : undefined }] });
      const created = await clients.s3control.send(
        new CreateJobCommand({
          AccountId: account,
          ConfirmationRequired: false,
          Operation: { S3ReplicateObject: {} },
          Priority: 10,
          RoleArn: `arn:${partition}:iam::${account}:role/${batchRoleName(model, source.site)}`,
          ClientRequestToken: token,
          Description: `lustreform ${model.name}: existing objects of ${source.name}`,
          // The report bucket's name is predictable: the expected owner makes S3 refuse a bucket someone else created under it.
          Report: { Bucket: reportArn, ExpectedBucketOwner: account, Prefix: `reports/${source.key}`, Format: 'Report_CSV_20180820', Enabled: true, ReportScope: 'AllTasks' },
          ManifestGenerator: {
            S3JobManifestGenerator: {
              ExpectedBucketOwner: account,
              SourceBucket: bucketArn(source),
              EnableManifestOutput: true,
              ManifestOutputLocation: { Bucket: reportArn, ExpectedManifestBucketOwner: account, ManifestPrefix: `manifests/${source.key}`, ManifestFormat: 'S3InventoryReport_CSV_20211130' },
              Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ['NONE', 'FAILED'], ...(prefixes.length ? { KeyNameConstraint: { MatchAnyPrefix: prefixes } } : {}) },
            },
          },
        }),
      );
      const jobId = created.JobId!;
      opts.journal.set(key, { generation, state: 'running', tasks: [{ token, paths: prefixes, taskId: jobId }] });
      opts.say(`${source.name}: batch replication job ${jobId} created in ${source.site.region}`);
      let outcome = await describeJob(clients, account, jobId, source, destinations, reportArn);
      const backoff = new Backoff(opts.clock, opts.deadline);
      while (opts.wait && !TERMINAL.has(outcome.status) && (await backoff.wait())) {
        outcome = await describeJob(clients, account, jobId, source, destinations, reportArn);
      }
      if (TERMINAL.has(outcome.status)) opts.journal.set(key, { generation, state: 'done', tasks: [{ token, paths: prefixes, taskId: jobId, lifecycle: outcome.status }] });
      return outcome;
    }),
  );
  const ok = jobs.every((j) => j.status !== 'Failed' && j.status !== 'Cancelled' && !(j.failed ?? 0) && (!opts.wait || j.status === 'Complete'));
  return { ok, jobs };
}

async function describeJob(clients: SiteClients, account: string, jobId: string, source: Bucket, destinations: Bucket[], reportArn: string): Promise<BatchJobOutcome> {
  const { Job } = await clients.s3control.send(new DescribeJobCommand({ AccountId: account, JobId: jobId }));
  const p = Job?.ProgressSummary;
  return {
    source: source.key,
    destinations: destinations.map((d) => d.key),
    jobId,
    status: Job?.Status ?? 'Unknown',
    total: p?.TotalNumberOfTasks,
    succeeded: p?.NumberOfTasksSucceeded,
    failed: p?.NumberOfTasksFailed,
    report: `${reportArn.replace(/^arn:[^:]+:s3:::/, 's3://')}/reports/${source.key}/`,
  };
}
