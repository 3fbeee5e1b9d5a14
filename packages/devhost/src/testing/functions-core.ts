// What `require('@azure/functions-core')` returns inside a test of an app, where no Functions worker
// supplies it: map the module name to this file (jest: `moduleNameMapper`, see the README), and
// `loadTestApp` collects the app's registrations as the devhost's loader does.
import { testCoreApi } from './test-core';

export = testCoreApi();
