import { FakeAws } from '../helpers/fake-aws';
import { multiSite, quickstart } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { fakeAws, writeDraft } from '../helpers/runner-env';
import { policy, resources, synthDraft } from '../helpers/synth';

let aws: FakeAws;
let restore: () => Promise<void>;
beforeEach(async () => ({ aws, restore } = await fakeAws()));
afterEach(() => restore());

describe('lustreform replicate-existing', () => {
  test('one S3 Batch Replication job per source bucket, created in its region with the storage layer\'s role and report bucket', async () => {
    const { file, journal } = writeDraft(multiSite());
    const r = await run('replicate-existing', '-b', file, '--wait', '--journal', journal, '--format', 'json');
    expect(r.code).toBe(0);
    const creates = aws.calls.filter((c) => c.service === 's3control' && c.op === 'POST /v20180820/jobs');
    expect(creates).toHaveLength(1);
    const body: string = creates[0].input;
    expect(body).toContain('<S3ReplicateObject');
    expect(body).toContain('<SourceBucket>arn:aws:s3:::acme-climate-input</SourceBucket>');
    expect(body).toContain('<EligibleForReplication>true</EligibleForReplication>');
    expect(body).toMatch(/<ObjectReplicationStatuses>.*NONE.*FAILED.*<\/ObjectReplicationStatuses>/s);
    expect(body).toContain('<RoleArn>arn:aws:iam::111111111111:role/climate-batch-repl-primary</RoleArn>');
    expect(body).toMatch(/<Bucket>arn:aws:s3:::climate-batch-[0-9a-f]{6}-111111111111<\/Bucket>/);
    expect(body).toContain('<ConfirmationRequired>false</ConfirmationRequired>');
    // The report bucket's name is predictable: S3 must refuse one another account created under it.
    expect(body).toMatch(/<Report>.*<ExpectedBucketOwner>111111111111<\/ExpectedBucketOwner>.*<\/Report>/s);
    expect(body).toMatch(/<ManifestOutputLocation>.*<ExpectedManifestBucketOwner>111111111111<\/ExpectedManifestBucketOwner>.*<\/ManifestOutputLocation>/s);
    expect(aws.jobs[0].account).toBe('111111111111');
    expect(JSON.parse(r.out).jobs).toEqual([expect.objectContaining({ source: 'input', destinations: ['input-dr'], status: 'Complete', total: 10, succeeded: 10, failed: 0 })]);
  });

  test('a rerun of an unfinished run asks for the same job (same token): no duplicate', async () => {
    const { file, journal } = writeDraft(multiSite());
    expect((await run('replicate-existing', '-b', file, '--journal', journal)).code).toBe(0);
    expect((await run('replicate-existing', '-b', file, '--journal', journal)).code).toBe(0);
    expect(aws.jobs).toHaveLength(1);
  });

  test('nothing to do without batch edges', async () => {
    const { file } = writeDraft(quickstart());
    const r = await run('replicate-existing', '-b', file);
    expect(r).toMatchObject({ code: 0, out: 'no replication edge has existingObjects: batch; nothing to do\n' });
  });

  test('the storage layer holds the job role and report bucket', () => {
    const stack = synthDraft(multiSite()).stacks['climate-primary-storage'];
    const role = resources(stack, 'aws_iam_role').batch_replication_primary;
    expect(role.name).toBe('climate-batch-repl-primary');
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: 'batchoperations.s3.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': 'arn:aws:s3:eu-central-1:111111111111:job/*' } },
    });
    const statements = policy(resources(stack, 'aws_iam_role_policy').batch_replication_primary).Statement;
    // The report bucket's name is predictable: the role writes only into one this account owns.
    for (const s of statements.filter((x: { Sid: string }) => ['ManifestsAndReports', 'ReportBucket'].includes(x.Sid))) expect(s.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': '111111111111' } });
    expect(statements[0]).toEqual({ Sid: 'InitiateReplication', Effect: 'Allow', Action: 's3:InitiateReplication', Resource: ['arn:aws:s3:::acme-climate-input/*'] });
    const bucket = Object.values(resources(stack, 'aws_s3_bucket')).find((b) => String(b.bucket).startsWith('climate-batch-'));
    expect(bucket.bucket).toMatch(/^climate-batch-[0-9a-f]{6}-111111111111$/);
  });
});
