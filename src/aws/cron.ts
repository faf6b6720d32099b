/** AWS Backup cron expressions: `cron(minutes hours day-of-month month day-of-week year)`. */

const CRON_FIELDS: { name: string; token: RegExp }[] = [
  { name: 'minutes', token: /^([0-5]?\d)$/ },
  { name: 'hours', token: /^(\*|([01]?\d|2[0-3])(-([01]?\d|2[0-3]))?)(\/\d+)?$/ },
  { name: 'day-of-month', token: /^(\*|\?|L|LW|([1-9]|[12]\d|3[01])W?(-([1-9]|[12]\d|3[01]))?)(\/\d+)?$/ },
  { name: 'month', token: /^(\*|(1[0-2]|0?[1-9]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(-(1[0-2]|0?[1-9]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))?)(\/\d+)?$/i },
  { name: 'day-of-week', token: /^(\*|\?|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])?(-([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT))?)(\/\d+)?$/i },
  { name: 'year', token: /^(\*|(19[7-9]\d|2[01]\d\d)(-(19[7-9]\d|2[01]\d\d))?)(\/\d+)?$/ },
];

/** Why `expr` is not an AWS Backup cron expression, or undefined when it is one. */
export function cronProblem(expr: string): string | undefined {
  const m = /^cron\((.*)\)$/.exec(expr.trim());
  if (!m) return 'write it as cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *)';
  const fields = m[1].trim().split(/\s+/);
  if (fields.length !== 6) return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year); got ${fields.length}`;
  for (let i = 0; i < 6; i++) {
    const f = CRON_FIELDS[i];
    if (!fields[i].split(',').every((t) => f.token.test(t))) {
      return i === 0 ? `the minutes field must be one number 0-59 (AWS Backup runs at most hourly); got '${fields[0]}'` : `'${fields[i]}' is not a valid ${f.name} field`;
    }
  }
  if ((fields[2] === '?') === (fields[4] === '?')) return "exactly one of day-of-month and day-of-week must be '?', e.g. cron(0 3 * * ? *)";
  return undefined;
}

/** The interval a cron schedule runs at, roughly: hourly, daily, or weekly (a day of the week). */
export function expectedIntervalHours(schedule: string): number {
  const f = /^cron\((.*)\)$/.exec(schedule.trim())?.[1].trim().split(/\s+/) ?? [];
  if (f[1] === '*' || f[1]?.includes('/')) return 1;
  if (f[4] && f[4] !== '*' && f[4] !== '?' && !f[4].includes('-') && !f[4].includes(',')) return 24 * 7;
  if (f[2] && f[2] !== '*' && f[2] !== '?') return 24 * 31;
  return 24;
}
