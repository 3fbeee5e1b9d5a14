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
