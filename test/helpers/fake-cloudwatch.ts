/**
 * CloudWatch as CloudWatch answers where it matters to the runner:
 * - a query matches a metric only by namespace, name and its exact dimension set (a query with
 *   `FileSystemId` alone does not see a metric published with `FileSystemId` + `Publisher`; it
 *   gets no datapoints, not 0);
 * - a datapoint holds the samples of every publisher (one per storage target for FSx's storage
 *   metrics), and each statistic is computed over them: Sum is the file system's total, Minimum
 *   the fullest target's;
 * - values come per period bucket of the query window, newest first (ScanBy TimestampDescending).
 * Alarms answer DescribeAlarms with AlarmNamePrefix and pagination.
 * Sources: CloudWatch concepts ("Dimensions": "you must specify the same dimensions that were used
 * when the metrics were created"), GetMetricData API reference.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface FakeAlarm {
  /** The region it lives in: DescribeAlarms answers only the alarms of the region it is asked in. */
  region: string;
  AlarmName: string;
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  StateReason?: string;
  Namespace?: string;
  MetricName?: string;
}

interface Series {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  points: { at: number; samples: number[] }[];
}

const STATS: Record<string, (xs: number[]) => number> = {
  Sum: (xs) => xs.reduce((a, b) => a + b, 0),
  Minimum: (xs) => Math.min(...xs),
  Maximum: (xs) => Math.max(...xs),
  Average: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  SampleCount: (xs) => xs.length,
};

const sameDimensions = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export class FakeCloudWatch {
  readonly series: Series[] = [];
  alarms: FakeAlarm[] = [];

  /** Publishes a datapoint at `at` (ms): one sample, or one per publisher (storage target). */
  put(namespace: string, name: string, dimensions: Record<string, string>, samples: number | number[], at = Date.now()): void {
    let s = this.series.find((x) => x.namespace === namespace && x.name === name && sameDimensions(x.dimensions, dimensions));
    if (!s) this.series.push((s = { namespace, name, dimensions, points: [] }));
    s.points.push({ at, samples: Array.isArray(samples) ? samples : [samples] });
  }

  /** GetMetricData for MetricStat queries; an error (as CloudWatch's) for anything it does not model. */
  getMetricData(input: any): { status: number; body: any } {
    const start = toMs(input.StartTime);
    const end = toMs(input.EndTime);
    const results = [];
    for (const q of input.MetricDataQueries ?? []) {
      const m = q.MetricStat?.Metric;
      const stat = STATS[q.MetricStat?.Stat];
      if (!m || !stat) return { status: 400, body: { __type: 'InvalidParameterValueException', message: `unsupported query ${JSON.stringify(q)}` } };
      const period = q.MetricStat.Period * 1000;
      const dims = Object.fromEntries((m.Dimensions ?? []).map((d: any) => [d.Name, d.Value]));
      const series = this.series.find((s) => s.namespace === m.Namespace && s.name === m.MetricName && sameDimensions(s.dimensions, dims));
      const buckets = new Map<number, number[]>();
      for (const p of series?.points ?? []) {
        if (p.at < start || p.at >= end) continue;
        const bucket = start + Math.floor((p.at - start) / period) * period;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), ...p.samples]);
      }
      const ordered = [...buckets.entries()].sort((a, b) => b[0] - a[0]);
      results.push({ Id: q.Id, Label: m.MetricName, Timestamps: ordered.map(([t]) => t / 1000), Values: ordered.map(([, xs]) => stat(xs)), StatusCode: 'Complete' });
    }
    return { status: 200, body: { MetricDataResults: results, Messages: [] } };
  }

  describeAlarms(input: any, region: string): { status: number; body: any } {
    const prefix: string = input.AlarmNamePrefix ?? '';
    const matching = this.alarms.filter((a) => a.region === region && a.AlarmName.startsWith(prefix) && (!input.StateValue || a.StateValue === input.StateValue));
    const size = Math.min(input.MaxRecords ?? 100, 100);
    const from = Number(input.NextToken ?? 0);
    const page = matching.slice(from, from + size).map(({ region: _region, ...alarm }) => alarm);
    return { status: 200, body: { MetricAlarms: page, CompositeAlarms: [], ...(from + size < matching.length ? { NextToken: String(from + size) } : {}) } };
  }
}

const toMs = (t: unknown): number => (typeof t === 'number' ? t * 1000 : new Date(String(t)).getTime());
