/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
  testTimeout: 120000,
  // Two workers on the 2-core CI machine: most of the suite waits on child processes (terraform, the CLI, git).
  maxWorkers: 2,
};
