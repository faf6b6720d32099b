'use strict';
// Generates large blueprints for the benchmarks: `sites` sites over two accounts, each with
// `fsPerSite` scratch file systems linked to its own input/output buckets, and replication
// edges from every site's first-half buckets to the next site's second-half buckets.
const { stringify } = require('yaml');

function generateBlueprint({ sites = 64, fsPerSite = 4, bucketsPerSite = 2, edgesPerSite = 1 } = {}) {
  const regions = ['eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2', 'ca-central-1', 'eu-north-1', 'sa-east-1'];
  const bp = {
    version: 1,
    name: 'bench',
    accounts: { a: { id: '111111111111' }, b: { id: '222222222222' } },
    sites: {},
    buckets: {},
    replication: [],
    fileSystems: {},
  };
  for (let s = 0; s < sites; s++) {
    bp.sites[`s${s}`] = { account: s % 2 ? 'b' : 'a', region: regions[s % regions.length] };
    for (let b = 0; b < bucketsPerSite; b++) bp.buckets[`s${s}-b${b}`] = { site: `s${s}`, name: `bench-s${s}-b${b}` };
    for (let f = 0; f < fsPerSite; f++) {
      bp.fileSystems[`s${s}-fs${f}`] = {
        site: `s${s}`,
        deploymentType: 'SCRATCH_2',
        storageCapacity: 2400,
        network: { subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] },
        repositories: [
          { path: '/in', bucket: `s${s}-b0`, prefix: `fs${f}/in/`, purpose: 'input', preload: 'metadata' },
          { path: '/out', bucket: `s${s}-b1`, prefix: `fs${f}/out/`, purpose: 'output' },
        ],
      };
    }
  }
  for (let s = 0; s < sites; s++) {
    // Sources are the first half of a site's buckets, destinations the second half of the next
    // site's, so no bucket is both (a chain would be a REP007 warning).
    const half = Math.max(1, Math.floor(bucketsPerSite / 2));
    for (let e = 0; e < edgesPerSite; e++) {
      bp.replication.push({ from: `s${s}-b${e % half}`, to: `s${(s + 1) % sites}-b${half + (e % half)}`, mode: 'one-way', prefix: `e${e}/` });
    }
  }
  return bp;
}

module.exports = { generateBlueprint, generateText: (opts) => stringify(generateBlueprint(opts)) };
