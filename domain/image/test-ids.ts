// Microsoft's self-test (the certification test tool and its API) numbers its Linux test cases;
// rows that check the same rule carry that TestID, so a partner can match our report to theirs.

export const LINUX_TEST_IDS: Record<string, string> = {
  'linux.agentVersion': '39',
  'linux.kernelCmdline': '40',
  'partition.noSwap': '41',
  'partition.singleRoot': '42',
  'linux.openssl': '44',
  'linux.python': '45',
  'linux.sshClientAlive': '46',
  'linux.bashHistory': '48',
  'linux.arch64': '49',
  'linux.ghost': '50',
  'linux.agentAutoUpdate': '51',
  'linux.sack': '52',
};

export function withTestId<T extends { id: string; testId?: string }>(row: T): T {
  const testId = LINUX_TEST_IDS[row.id];
  return testId ? { ...row, testId } : row;
}

/** "Name (TestID 39)", as step messages and the report show a row. */
export const rowTitle = (r: { name: string; testId?: string }): string =>
  r.testId ? `${r.name} (TestID ${r.testId})` : r.name;
