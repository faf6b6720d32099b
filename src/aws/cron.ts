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

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The values a field's comma list names: n, a-b, * and steps (a/s, a-b/s, * /s); names as numbers. */
function values(field: string, min: number, max: number, names: string[] = [], base = 1): Set<number> {
  const num = (t: string) => (names.includes(t.toUpperCase()) ? names.indexOf(t.toUpperCase()) + base : Number(t));
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let [from, to] = range === '*' || range === '?' ? [min, max] : range.split('-').map(num);
    if (to === undefined) to = stepText ? max : from;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** Whether a day (UTC) matches the day-of-month and day-of-week fields (AWS: SUN = 1; L, W and # too). */
function dayMatches(day: Date, dom: string, dow: string): boolean {
  const date = day.getUTCDate();
  const last = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
  const weekday = day.getUTCDay() + 1;
  if (dom !== '?') {
    return dom.split(',').some((t) => {
      if (t === 'L') return date === last;
      if (t === 'LW') return date === last && weekday > 1 && weekday < 7;
      if (t.endsWith('W')) return date === Number(t.slice(0, -1)); // the nearest weekday: close enough for an interval
      return values(t, 1, 31).has(date);
    });
  }
  return dow.split(',').some((t) => {
    const nth = /^(\w+)#(\d)$/.exec(t);
    if (nth) return values(nth[1], 1, 7, DAYS).has(weekday) && Math.ceil(date / 7) === Number(nth[2]);
    const lastOf = /^(\w+)L$/.exec(t);
    if (lastOf) return values(lastOf[1], 1, 7, DAYS).has(weekday) && date + 7 > last;
    return values(t, 1, 7, DAYS).has(weekday);
  });
}

/**
 * The longest time between two runs of an AWS cron schedule, in hours (what a backup's recovery
 * point can be at worst): the runs of 400 days are listed and the widest gap taken, so steps,
 * lists, ranges, weekdays and month days all count. `cron(0 *\/12 * * ? *)` is 12; daily 24;
 * MON-FRI 72 (the weekend); the 1st of the month 744. A schedule that runs once or never: 8784.
 */
export function expectedIntervalHours(schedule: string): number {
  const f = /^cron\((.*)\)$/.exec(schedule.trim())?.[1].trim().split(/\s+/);
  if (!f || f.length !== 6 || cronProblem(schedule)) return 24;
  const minutes = [...values(f[0], 0, 59)].sort((a, b) => a - b);
  const hours = [...values(f[1], 0, 23)].sort((a, b) => a - b);
  const months = values(f[3], 1, 12, MONTHS);
  const years = f[5] === '*' ? undefined : values(f[5], 1970, 2199);
  const start = Date.UTC(2026, 0, 1);
  let previous: number | undefined;
  let widest = 0;
  for (let d = 0; d < 400; d++) {
    const day = new Date(start + d * 86_400_000);
    if (!months.has(day.getUTCMonth() + 1) || (years && !years.has(day.getUTCFullYear())) || !dayMatches(day, f[2], f[4])) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const at = day.getTime() + h * 3_600_000 + m * 60_000;
        if (previous !== undefined) widest = Math.max(widest, at - previous);
        previous = at;
      }
    }
  }
  return widest ? widest / 3_600_000 : 24 * 366;
}
