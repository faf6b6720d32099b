/** FSx for Lustre facts (aws-facts.md): per-unit throughputs and storage capacity steps. */

/** Per-unit storage throughput (MB/s/TiB) each persistent deployment/storage type takes. */
export const THROUGHPUTS: Record<string, readonly number[]> = {
  'PERSISTENT_1/SSD': [50, 100, 200],
  'PERSISTENT_1/HDD': [12, 40],
  'PERSISTENT_2/SSD': [125, 250, 500, 1000],
};

/** The capacity steps (GiB) of a deployment and storage type, as words and a test; undefined for combinations without fixed steps. */
export function capacitySteps(d: string, s: string, throughput?: number): { words: string; ok: (gib: number) => boolean } | undefined {
  if (d === 'SCRATCH_1') return { words: '1200, 2400 or a multiple of 3600', ok: (c) => c === 1200 || c === 2400 || c % 3600 === 0 };
  if (s === 'SSD') return { words: '1200, 2400 or a multiple of 2400', ok: (c) => c === 1200 || c % 2400 === 0 };
  if (d === 'PERSISTENT_1' && s === 'HDD') {
    if (throughput === 12) return { words: 'a multiple of 6000 (HDD at 12 MB/s/TiB)', ok: (c) => c % 6000 === 0 };
    if (throughput === 40) return { words: 'a multiple of 1800 (HDD at 40 MB/s/TiB)', ok: (c) => c % 1800 === 0 };
  }
  return undefined;
}

/** The TCP ports Lustre (LNet) uses between clients and servers: the security group must allow them in and out. */
export const LUSTRE_PORTS: readonly [number, number][] = [
  [988, 988],
  [1018, 1023],
];
