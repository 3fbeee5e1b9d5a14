/** @type {import('jest').Config} */
module.exports = {
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testEnvironment: 'node',
  // No Functions worker supplies `@azure/functions-core` to an app a test loads; the devhost's stand-in does
  // (without it `@azure/functions` drops every registration).
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/src/testing/functions-core.ts' },
  testTimeout: 60000,
  // Integration tests start their own Azurite and devhost; two at a time keeps a 2-core machine responsive.
  maxWorkers: 2,
};
