const { joseCjsDir } = require('./test/support/jose-for-jest');

/** @type {import('jest').Config} */
module.exports = {
  // The app's tests and the devhost package's, in one run.
  roots: ['<rootDir>/test', '<rootDir>/packages/devhost/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testEnvironment: 'node',
  // No Functions worker supplies `@azure/functions-core` to an app a test loads; the devhost's stand-in does
  // (without it `@azure/functions` drops every registration).
  moduleNameMapper: {
    '^@azure/functions-core$': '<rootDir>/node_modules/@offer-go-live/devhost/functions-core.js',
    // jose ships ES modules only: tests use a CommonJS copy of it (see test/support/jose-for-jest.js).
    ...(joseCjsDir() ? { '^jose$': `${joseCjsDir()}/index.js` } : {}),
  },
  testTimeout: 60000,
  // Integration tests start their own Azurite and devhost; two at a time keeps a 2-core machine responsive.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/jose-for-jest.js',
};
