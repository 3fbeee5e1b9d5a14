import fs from 'node:fs';
import path from 'node:path';
import { ACTIONS, Action, can, ROLES } from '../../../../domain/auth/roles';

describe('the permission table', () => {
  it('gives Owners everything, Managers all but users, Developers neither Go Live, delete nor users', () => {
    const actions = Object.keys(ACTIONS) as Action[];
    expect(actions.filter((a) => can('Owner', a))).toEqual(actions);
    expect(actions.filter((a) => !can('Manager', a))).toEqual(['users.manage']);
    expect(actions.filter((a) => !can('Developer', a))).toEqual(['offers.delete', 'offers.goLive', 'users.manage']);
  });

  it('lets every role read, edit and publish', () => {
    for (const role of ROLES)
      for (const a of ['offers.read', 'offers.edit', 'offers.publish'] as const) expect(can(role, a)).toBe(true);
  });
});

test("the README's roles table is the permission table", () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../../README.md'), 'utf8');
  const block = /<!-- roles-table -->\n([\s\S]*?)<!-- \/roles-table -->/.exec(readme)?.[1] ?? '';
  const rows = block
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').map((c) => c.trim()));
  const written = rows.map((c) => [c[1].replace(/`/g, ''), c[2], c[3], c[4], c[5]]);
  const actual = (Object.keys(ACTIONS) as Action[]).map((a) => [
    a,
    ACTIONS[a],
    ...ROLES.map((r) => (can(r, a) ? 'yes' : 'no')),
  ]);
  expect(written).toEqual(actual);
});
