// What the devhost offers to the apps it runs and to their tests. The command line (`devhost`) is
// the main entry; these are for tests and tools that start Azurite or the devhost themselves.
export { startAzurite, devConnectionString } from './storage/azurite';
export type { AzuriteHandle } from './storage/azurite';
export { isAlive, LOCK_FILE } from './storage/azurite-lock';
export type { LockRecord } from './storage/azurite-lock';
export { DevhostProcess, DEVHOST_CLI, startStack, waitUntil } from './testing/stack';
export type { Stack } from './testing/stack';
export * as durableHttp from './testing/durable-http';
export { OrchestrationTester } from './testing/orchestration-tester';
export type { InstanceStatus, OrchestrationTesterOptions } from './testing/orchestration-tester';
export type { ActivityCall, ActivityFake, ActivityFakes, ActivityShape, RecordedCall } from './testing/activity-fakes';
export { loadTestApp } from './testing/test-app';
export type { TestApp } from './testing/test-app';
export { MemoryInstanceStore } from './durable/memory-instance-store';
