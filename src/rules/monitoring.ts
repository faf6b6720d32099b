import { MAX_ALARM_WINDOW_HOURS, missedBackupWindowHours } from '../aws/metrics';
import { hit, type Rule } from './rule';

export const monitoringRules: Rule[] = [
  {
    id: 'MON001',
    severity: 'warning',
    summary: 'A backup plan runs less often than a CloudWatch alarm can look back (7 days with margin): no alarm says when its backups stop, only failure events do.',
    check: (m) =>
      m.monitoring.enabled
        ? [...m.backupPlans.values()].flatMap((p) => {
            const hours = missedBackupWindowHours(p.schedule, p.startWindowMinutes);
            return hours > MAX_ALARM_WINDOW_HOURS
              ? [hit([...p.path, 'schedule'], `${p.schedule} leaves up to ${hours} hours between completed backups (with the start window and a 12-hour margin), longer than the ${MAX_ALARM_WINDOW_HOURS} hours a CloudWatch alarm can look back: no alarm will say the backups stopped (failure events still reach the alarm topic). Run it at least weekly, or check \`lustreform verify --recovery\` on a schedule`)]
              : [];
          })
        : [],
  },
];
