import { isScratch, type FileSystem } from '../blueprint/model';
import { capacitySteps, THROUGHPUTS } from '../aws/fsx';
import { hit, perFileSystem, type Rule, type RuleHit } from './rule';

const at = (fs: FileSystem, ...rest: string[]) => [...fs.path, ...rest];

const METADATA_IOPS_SSD = (iops: number) => [1500, 3000, 6000, 12000].includes(iops) || (iops % 12000 === 0 && iops >= 12000 && iops <= 192000);

export const fsxRules: Rule[] = [
  {
    id: 'FSX001',
    severity: 'error',
    summary: 'The storage type does not exist for the deployment type (HDD: PERSISTENT_1 only; INTELLIGENT_TIERING: PERSISTENT_2 only).',
    check: perFileSystem((fs) => {
      if (fs.storageType === 'HDD' && fs.deploymentType !== 'PERSISTENT_1') return [hit(at(fs, 'storageType'), `HDD storage is only for PERSISTENT_1; ${fs.deploymentType} takes SSD`)];
      if (fs.storageType === 'INTELLIGENT_TIERING' && fs.deploymentType !== 'PERSISTENT_2')
        return [hit(at(fs, 'storageType'), `INTELLIGENT_TIERING is only for PERSISTENT_2; ${fs.deploymentType} takes SSD`)];
      return [];
    }),
  },
  {
    id: 'FSX002',
    severity: 'error',
    summary: 'storageCapacity is missing (SSD, HDD) or set where storage grows by itself (INTELLIGENT_TIERING).',
    check: perFileSystem((fs) => {
      if (fs.storageType === 'INTELLIGENT_TIERING')
        return fs.storageCapacity === undefined ? [] : [hit(at(fs, 'storageCapacity'), 'INTELLIGENT_TIERING storage grows and shrinks by itself; remove storageCapacity and set throughputCapacity')];
      return fs.storageCapacity === undefined ? [hit(fs.path, `missing 'storageCapacity' (GiB); ${capacitySteps(fs.deploymentType, fs.storageType, fs.throughput)?.words ?? 'see lustreform rules'}`)] : [];
    }),
  },
  {
    id: 'FSX003',
    severity: 'error',
    summary: 'storageCapacity is not a step the deployment and storage type take (SCRATCH_1: 1200, 2400, n*3600; SSD: 1200, n*2400; HDD: n*6000 or n*1800).',
    check: perFileSystem((fs) => {
      const steps = capacitySteps(fs.deploymentType, fs.storageType, fs.throughput);
      if (!steps || fs.storageCapacity === undefined || fs.storageType === 'INTELLIGENT_TIERING' || steps.ok(fs.storageCapacity)) return [];
      const kind = fs.storageType === 'SSD' || fs.deploymentType === 'SCRATCH_1' ? fs.deploymentType : `${fs.deploymentType} ${fs.storageType}`;
      const { below, above } = steps.nearest(fs.storageCapacity);
      return [hit(at(fs, 'storageCapacity'), `${kind} takes ${steps.words} GiB; got ${fs.storageCapacity}: ${below === undefined ? `the nearest is ${above}` : `the nearest are ${below} and ${above}`}`)];
    }),
  },
  {
    id: 'FSX004',
    severity: 'error',
    summary: 'Per-unit throughput is missing on a persistent type, set on scratch or INTELLIGENT_TIERING, or not one of the values the type takes.',
    check: perFileSystem((fs) => {
      const p = at(fs, 'throughput');
      if (isScratch(fs)) return fs.throughput === undefined ? [] : [hit(p, `${fs.deploymentType} has no per-unit throughput setting; remove 'throughput'`)];
      if (fs.storageType === 'INTELLIGENT_TIERING')
        return fs.throughput === undefined ? [] : [hit(p, "INTELLIGENT_TIERING takes 'throughputCapacity' (MBps), not per-unit 'throughput'")];
      const allowed = THROUGHPUTS[`${fs.deploymentType}/${fs.storageType}`];
      if (!allowed) return [];
      if (fs.throughput === undefined) return [hit(fs.path, `missing 'throughput' (MB/s/TiB); ${fs.deploymentType} ${fs.storageType} takes ${allowed.join(', ')}`)];
      return allowed.includes(fs.throughput) ? [] : [hit(p, `${fs.deploymentType} ${fs.storageType} takes ${allowed.join(', ')} MB/s/TiB; got ${fs.throughput}`)];
    }),
  },
  {
    id: 'FSX005',
    severity: 'error',
    summary: 'HDD needs driveCache (NONE or READ); other storage types take none.',
    check: perFileSystem((fs) => {
      if (fs.storageType === 'HDD') return fs.driveCache ? [] : [hit(fs.path, "HDD storage needs 'driveCache: NONE' or 'driveCache: READ'")];
      return fs.driveCache ? [hit(at(fs, 'driveCache'), `a drive cache is only for HDD storage; remove it (storage is ${fs.storageType})`)] : [];
    }),
  },
  {
    id: 'FSX006',
    severity: 'error',
    summary: 'INTELLIGENT_TIERING settings: throughputCapacity a multiple of 4000 up to 2,000,000, a readCache, sizeGiB only and always with USER_PROVISIONED; none of them elsewhere; no S3 repositories.',
    check: perFileSystem((fs) => {
      const out: RuleHit[] = [];
      if (fs.storageType !== 'INTELLIGENT_TIERING') {
        if (fs.throughputCapacity !== undefined) out.push(hit(at(fs, 'throughputCapacity'), "throughputCapacity is only for INTELLIGENT_TIERING; use 'throughput' (MB/s/TiB)"));
        if (fs.readCache) out.push(hit(at(fs, 'readCache'), 'readCache is only for INTELLIGENT_TIERING; remove it'));
        return out;
      }
      const tc = fs.throughputCapacity;
      if (tc === undefined) out.push(hit(fs.path, "INTELLIGENT_TIERING needs 'throughputCapacity' (MBps, a multiple of 4000)"));
      else if (tc < 4000 || tc > 2_000_000 || tc % 4000 !== 0) out.push(hit(at(fs, 'throughputCapacity'), `throughputCapacity takes a multiple of 4000 MBps from 4000 to 2000000; got ${tc}`));
      if (!fs.readCache) out.push(hit(fs.path, "INTELLIGENT_TIERING needs 'readCache: { sizing: ... }'"));
      else if (fs.readCache.sizing === 'USER_PROVISIONED') {
        const units = Math.max(1, Math.floor((tc ?? 4000) / 4000));
        const size = fs.readCache.sizeGiB;
        if (size === undefined) out.push(hit(at(fs, 'readCache'), "USER_PROVISIONED needs 'sizeGiB'"));
        else if (size < 32 * units || size > 131072 * units)
          out.push(hit(at(fs, 'readCache', 'sizeGiB'), `sizeGiB takes ${32 * units} to ${131072 * units} at ${tc ?? 4000} MBps (32 to 131072 per 4000 MBps); got ${size}`));
      } else if (fs.readCache.sizeGiB !== undefined) out.push(hit(at(fs, 'readCache', 'sizeGiB'), `sizeGiB goes with sizing USER_PROVISIONED only (sizing is ${fs.readCache.sizing})`));
      if (fs.repositories.length > 0) out.push(hit(at(fs, 'repositories'), 'INTELLIGENT_TIERING file systems cannot link to S3; use SSD storage for repositories'));
      return out;
    }),
  },
  {
    id: 'FSX007',
    severity: 'error',
    summary: 'A KMS key on a scratch file system (scratch always uses the FSx service key).',
    check: perFileSystem((fs) =>
      isScratch(fs) && fs.kmsKeyArn ? [hit(at(fs, 'kmsKeyArn'), `${fs.deploymentType} is always encrypted with the FSx service key; remove kmsKeyArn or use a PERSISTENT type`)] : [],
    ),
  },
  {
    id: 'FSX008',
    severity: 'error',
    summary: 'The Lustre version does not run on the deployment type (2.10: not PERSISTENT_2; 2.12: not PERSISTENT_2 with metadata configuration).',
    check: perFileSystem((fs) => {
      if (fs.deploymentType !== 'PERSISTENT_2') return [];
      if (fs.lustreVersion === '2.10') return [hit(at(fs, 'lustreVersion'), 'PERSISTENT_2 runs Lustre 2.12 or 2.15; use "2.15"')];
      if (fs.lustreVersion === '2.12' && fs.metadata) return [hit(at(fs, 'lustreVersion'), 'PERSISTENT_2 with a metadata configuration runs Lustre 2.15 only; use "2.15"')];
      return [];
    }),
  },
  {
    id: 'FSX009',
    severity: 'error',
    summary: 'Metadata configuration: PERSISTENT_2 only; iops only and always with USER_PROVISIONED, from the allowed steps; INTELLIGENT_TIERING needs USER_PROVISIONED with 6000 or 12000.',
    check: perFileSystem((fs) => {
      const md = fs.metadata;
      if (!md) return [];
      const p = at(fs, 'metadata');
      if (fs.deploymentType !== 'PERSISTENT_2') return [hit(p, `a metadata configuration is only for PERSISTENT_2; remove it (deployment type is ${fs.deploymentType})`)];
      const it = fs.storageType === 'INTELLIGENT_TIERING';
      if (md.mode === 'AUTOMATIC') {
        if (it) return [hit([...p, 'mode'], 'INTELLIGENT_TIERING takes mode USER_PROVISIONED with iops 6000 or 12000 (AUTOMATIC is SSD only)')];
        return md.iops === undefined ? [] : [hit([...p, 'iops'], 'AUTOMATIC mode sets the IOPS itself; remove iops or use USER_PROVISIONED')];
      }
      if (md.iops === undefined) return [hit(p, "USER_PROVISIONED needs 'iops'")];
      if (it) return [6000, 12000].includes(md.iops) ? [] : [hit([...p, 'iops'], `INTELLIGENT_TIERING takes 6000 or 12000 metadata IOPS; got ${md.iops}`)];
      return METADATA_IOPS_SSD(md.iops) ? [] : [hit([...p, 'iops'], `SSD takes 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000 metadata IOPS; got ${md.iops}`)];
    }),
  },
  {
    id: 'FSX010',
    severity: 'error',
    summary: 'EFA needs PERSISTENT_2 with a metadata configuration.',
    check: perFileSystem((fs) =>
      fs.efa && (fs.deploymentType !== 'PERSISTENT_2' || !fs.metadata)
        ? [hit(at(fs, 'efa'), "EFA needs deploymentType PERSISTENT_2 and a 'metadata' configuration")]
        : [],
    ),
  },
];
