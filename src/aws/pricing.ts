/**
 * List prices for the monthly storage estimate of `lustreform summary`. Approximate us-east-1
 * list prices (USD per GB-month) as published on the FSx for Lustre and S3 pricing pages; other
 * regions differ by up to ~30%. Update the table and its date together.
 */
export const PRICING = {
  date: '2025-11',
  region: 'us-east-1',
  sources: ['https://aws.amazon.com/fsx/lustre/pricing/', 'https://aws.amazon.com/s3/pricing/'],
  /** FSx for Lustre storage, USD per GB-month, by deployment/storage type and per-unit throughput. */
  fsx: {
    SCRATCH_1: 0.14,
    SCRATCH_2: 0.14,
    'PERSISTENT_1/SSD/50': 0.145,
    'PERSISTENT_1/SSD/100': 0.21,
    'PERSISTENT_1/SSD/200': 0.29,
    'PERSISTENT_1/HDD/12': 0.025,
    'PERSISTENT_1/HDD/40': 0.083,
    'PERSISTENT_2/SSD/125': 0.145,
    'PERSISTENT_2/SSD/250': 0.21,
    'PERSISTENT_2/SSD/500': 0.34,
    'PERSISTENT_2/SSD/1000': 0.6,
  } as Record<string, number>,
  /** S3 storage, USD per GB-month (first tier), by storage class. */
  s3: {
    STANDARD: 0.023,
    INTELLIGENT_TIERING: 0.023,
    STANDARD_IA: 0.0125,
    ONEZONE_IA: 0.01,
    GLACIER_IR: 0.004,
    GLACIER: 0.0036,
    DEEP_ARCHIVE: 0.00099,
  } as Record<string, number>,
};
