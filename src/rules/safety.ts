import { ALL_EVENTS, isScratch } from '../blueprint/model';
import { fileSystemsOf, hit, type Rule } from './rule';


export const safetyRules: Rule[] = [
  {
    id: 'SAF001',
    severity: 'error',
    summary: 'A scratch file system writes results (purpose output or sync) without exporting every change (autoExport NEW, CHANGED and DELETED): scratch must never hold the only copy.',
    check: (m) =>
      fileSystemsOf(m)
        .filter(isScratch)
        .flatMap((fs) =>
          fs.repositories
            .filter((r) => r.purpose !== 'input')
            .flatMap((r) => {
              if (r.autoExport.length === 0) return [hit([...r.path, 'autoExport'], `${fs.deploymentType} loses its data when a disk fails, so purpose '${r.purpose}' needs autoExport (e.g. [NEW, CHANGED, DELETED]); remove 'autoExport: []'`)];
              const lacking = ALL_EVENTS.filter((e) => !r.autoExport.includes(e));
              if (!lacking.length) return [];
              const why = lacking.includes('CHANGED') ? 'files changed after their first export would live only on scratch' : 'files deleted on the file system would stay in S3, so S3 no longer mirrors it';
              return [hit([...r.path, 'autoExport'], `autoExport lacks ${lacking.join(' and ')}: ${why}, and ${fs.deploymentType} loses its data when a disk fails; use [NEW, CHANGED, DELETED]`)];
            }),
        ),
  },
  {
    id: 'SAF002',
    severity: 'warning',
    summary: 'purpose input with autoExport events: the file system would write back to the authoritative copy in S3.',
    check: (m) =>
      fileSystemsOf(m).flatMap((fs) =>
        fs.repositories
          .filter((r) => r.purpose === 'input' && r.autoExport.length > 0)
          .map((r) => hit([...r.path, 'autoExport'], `an input repository exporting ${r.autoExport.join(', ')} writes back to the authoritative data in S3; use purpose 'sync' if that is intended`)),
      ),
  },
  {
    id: 'SAF003',
    severity: 'warning',
    summary: 'purpose input with preload none: objects already in S3 never appear on the file system (no import on create, and lustreform import skips it).',
    check: (m) =>
      fileSystemsOf(m).flatMap((fs) =>
        fs.repositories
          .filter((r) => r.purpose === 'input' && r.preload === 'none')
          .map((r) =>
            hit(
              [...r.path, 'preload'],
              `with preload none the file system shows only objects created or changed in s3://${r.bucket.name}/${r.prefix} after the association exists; the ones already there stay invisible. Set preload: metadata (imported when the association is created, and by lustreform import) or content (also loaded by lustreform hydrate)`,
            ),
          ),
      ),
  },
];
