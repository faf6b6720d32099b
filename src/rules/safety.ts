import { isScratch } from '../blueprint/model';
import { fileSystemsOf, hit, type Rule } from './rule';


export const safetyRules: Rule[] = [
  {
    id: 'SAF001',
    severity: 'error',
    summary: 'A scratch file system writes results (purpose output or sync) without autoExport: scratch must never hold the only copy.',
    check: (m) =>
      fileSystemsOf(m)
        .filter(isScratch)
        .flatMap((fs) =>
          fs.repositories
            .filter((r) => r.purpose !== 'input' && r.autoExport.length === 0)
            .map((r) => hit([...r.path, 'autoExport'], `${fs.deploymentType} loses its data when a disk fails, so purpose '${r.purpose}' needs autoExport (e.g. [NEW, CHANGED, DELETED]); remove 'autoExport: []'`)),
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
];
