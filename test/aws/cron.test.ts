import { cronProblem, expectedIntervalHours } from '../../src/aws/cron';

describe('AWS Backup cron schedules', () => {
  test.each([
    ['cron(0 3 * * ? *)', 24],
    ['cron(0 */12 * * ? *)', 12],
    ['cron(0 0,12 * * ? *)', 12],
    ['cron(30 1/6 * * ? *)', 6],
    ['cron(0 * * * ? *)', 1],
    ['cron(0 8-18 * * ? *)', 14], // 18:00 to 08:00 the next day
    ['cron(0 3 ? * 1 *)', 168],
    ['cron(0 3 ? * MON-FRI *)', 72], // Friday to Monday
    ['cron(0 3 ? * 2,5 *)', 96],
    ['cron(0 5 1 * ? *)', 744],
    ['cron(0 3 L * ? *)', 744],
    ['cron(0 3 ? * 2#1 *)', 840],
    ['cron(0 3 1 JAN ? *)', 8760],
  ])('%s runs at worst every %d hours', (schedule, hours) => {
    expect(cronProblem(schedule)).toBeUndefined();
    expect(expectedIntervalHours(schedule)).toBe(hours);
  });
});
