import { renderPolicy } from '../helpers/policies';
import { multiSite, quickstart, type Draft } from '../helpers/blueprints';
import { policy, resources, synthDraft } from '../helpers/synth';

const KEY_A = 'arn:aws:kms:eu-central-1:111111111111:key/aaaa';
const KEY_B = 'arn:aws:kms:eu-west-1:222222222222:key/bbbb';

/** Same account, one region: input -> copy, one way, under a prefix. */
function sameAccount(): Draft {
  const d = quickstart();
  d.buckets.copy = { site: 'main', name: 'qs-copy' };
  d.buckets.input.name = 'qs-input';
  d.replication = [{ from: 'input', to: 'copy', prefix: 'data/', storageClass: 'STANDARD_IA', deleteMarkers: false }];
  return d;
}

/** Two accounts, two regions, two-way, both buckets with customer keys. */
function twoWayKms(): Draft {
  return {
    version: 1,
    name: 'pair',
    accounts: { a: { id: '111111111111' }, b: { id: '222222222222', assumeRole: 'arn:aws:iam::222222222222:role/deploy' } },
    sites: { east: { account: 'a', region: 'eu-central-1' }, west: { account: 'b', region: 'eu-west-1' } },
    buckets: {
      left: { site: 'east', name: 'pair-left', encryption: { kmsKeyArn: KEY_A } },
      right: { site: 'west', name: 'pair-right', encryption: { kmsKeyArn: KEY_B } },
    },
    replication: [{ from: 'left', to: 'right', mode: 'two-way', replicationTime: true }],
  };
}

describe('replication layer', () => {
  test('one-way, same account: V2 rule, scoped role, no owner override, no cross-account grant', () => {
    const { stacks, manifest } = synthDraft(sameAccount());
    expect(Object.keys(stacks).sort()).toEqual(['quickstart-main-lustre', 'quickstart-main-replication', 'quickstart-main-storage']);
    const config = resources(stacks['quickstart-main-replication'], 'aws_s3_bucket_replication_configuration').input;
    expect(config.bucket).toBe('qs-input');
    expect(config.role).toBe('arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/quickstart-repl-input');
    expect(config.rule).toEqual([
      {
        id: 'to-copy',
        status: 'Enabled',
        priority: 1,
        filter: { prefix: 'data/' },
        delete_marker_replication: { status: 'Disabled' },
        // Metrics on for the rule's alarms, without RTC: no event threshold (S3 refuses one without ReplicationTime).
        destination: { bucket: 'arn:aws:s3:::qs-copy', storage_class: 'STANDARD_IA', metrics: { status: 'Enabled' } },
      },
    ]);
    expect(JSON.stringify(config)).not.toContain('existing_object_replication');

    const storage = stacks['quickstart-main-storage'];
    const role = resources(storage, 'aws_iam_role').replication_input;
    expect(role.name).toBe('quickstart-repl-input');
    // Only S3 replicating this bucket for this account may assume it (confused deputy).
    expect(renderPolicy(role.assume_role_policy, storage)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.current.account_id}' }, ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::qs-input' } } }],
    });
    const statements = policy(resources(storage, 'aws_iam_role_policy').replication_input).Statement;
    expect(statements).toEqual([
      { Sid: 'SourceBucket', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: 'arn:aws:s3:::qs-input' },
      { Sid: 'SourceObjects', Effect: 'Allow', Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], Resource: ['arn:aws:s3:::qs-input/data/*'] },
      { Sid: 'DestinationObjects', Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: ['arn:aws:s3:::qs-copy/data/*'] },
    ]);
    const copyPolicy = policy(resources(storage, 'aws_s3_bucket_policy').copy).Statement;
    expect(copyPolicy.map((s: { Sid: string }) => s.Sid)).toEqual(['DenyInsecureTransport']);
    // The replication stack deploys after the storage stack holding both buckets' versioning.
    expect(manifest.stacks['quickstart-main-replication'].dependencies).toEqual(['quickstart-main-storage']);
  });

  test('two-way, cross-account, KMS: a rule on each side with replica sync, owner override, replica keys, KMS grants', () => {
    const { stacks, manifest } = synthDraft(twoWayKms());
    const left = resources(stacks['pair-east-replication'], 'aws_s3_bucket_replication_configuration').left;
    const right = resources(stacks['pair-west-replication'], 'aws_s3_bucket_replication_configuration').right;
    expect(left.role).toBe('arn:aws:iam::111111111111:role/pair-repl-left');
    expect(right.role).toBe('arn:aws:iam::222222222222:role/pair-repl-right');
    expect(left.rule).toEqual([
      {
        id: 'to-right',
        status: 'Enabled',
        priority: 1,
        filter: {},
        delete_marker_replication: { status: 'Enabled' },
        source_selection_criteria: { replica_modifications: { status: 'Enabled' }, sse_kms_encrypted_objects: { status: 'Enabled' } },
        destination: {
          bucket: 'arn:aws:s3:::pair-right',
          account: '222222222222',
          access_control_translation: { owner: 'Destination' },
          encryption_configuration: { replica_kms_key_id: KEY_B },
          replication_time: { status: 'Enabled', time: { minutes: 15 } },
          metrics: { status: 'Enabled', event_threshold: { minutes: 15 } },
        },
      },
    ]);
    expect(right.rule[0]).toMatchObject({
      id: 'to-left',
      source_selection_criteria: { replica_modifications: { status: 'Enabled' }, sse_kms_encrypted_objects: { status: 'Enabled' } },
      destination: { bucket: 'arn:aws:s3:::pair-left', account: '111111111111', encryption_configuration: { replica_kms_key_id: KEY_A } },
    });

    const roleStatements = policy(resources(stacks['pair-east-storage'], 'aws_iam_role_policy').replication_left).Statement;
    expect(roleStatements).toContainEqual({ Sid: 'OwnerOverride', Effect: 'Allow', Action: 's3:ObjectOwnerOverrideToBucketOwner', Resource: ['arn:aws:s3:::pair-right/*'] });
    expect(roleStatements).toContainEqual({ Sid: 'DecryptSource', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_A, Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } } });
    expect(roleStatements).toContainEqual({ Sid: 'EncryptIntoright', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: KEY_B, Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } });
    // No statement reaches beyond the two buckets and two keys.
    const resourcesNamed = roleStatements.flatMap((s: { Resource: string | string[] }) => [s.Resource].flat());
    for (const r of resourcesNamed) expect(r).toMatch(/^(arn:aws:s3:::pair-(left|right)(\/\*)?|arn:aws:kms:.*key\/(aaaa|bbbb))$/);

    // The destination account's bucket policy lets exactly the other account's replication role in.
    const grant = policy(resources(stacks['pair-west-storage'], 'aws_s3_bucket_policy').right).Statement;
    expect(grant).toContainEqual({
      Sid: 'ReplicateFromleft',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
      Resource: 'arn:aws:s3:::pair-right/*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/pair-repl-left' } },
    });
    expect(manifest.stacks['pair-east-replication'].dependencies.sort()).toEqual(['pair-east-storage', 'pair-west-storage']);
    expect(manifest.stacks['pair-west-replication'].dependencies.sort()).toEqual(['pair-east-storage', 'pair-west-storage']);
  });

  test('the multi-site example: one configuration per source bucket holding all its rules', () => {
    const d = multiSite();
    d.buckets.extra = { site: 'recovery', name: 'acme-climate-extra', encryption: { kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/x' } };
    d.replication.push({ from: 'input', to: 'extra', prefix: 'ExtData/' });
    const { stacks } = synthDraft(d);
    const configs = resources(stacks['climate-primary-replication'], 'aws_s3_bucket_replication_configuration');
    expect(Object.keys(configs).sort()).toEqual(['input', 'output']);
    expect(configs.input.rule.map((r: { id: string; priority: number }) => [r.id, r.priority])).toEqual([
      ['to-input-dr', 1],
      ['to-extra', 2],
    ]);
    expect(Object.keys(resources(stacks['climate-recovery-replication'], 'aws_s3_bucket_replication_configuration'))).toEqual(['output-dr']);
  });
});
