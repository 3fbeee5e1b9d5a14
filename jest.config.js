/** @type {import('jest').Config} */
module.exports = {
  // The app's tests and the devhost package's, in one run.
  roots: ['<rootDir>/test', '<rootDir>/packages/devhost/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testEnvironment: 'node',
  testTimeout: 60000,
  // Integration tests start their own Azurite and devhost; two at a time keeps a 2-core machine responsive.
  maxWorkers: 2,
};
