import { sessionChange } from '@/modules/staff/users.service';

describe('sessionChange', () => {
  const agent = { active: true, roles: ['agent'] as const };

  it('ends sessions on deactivation, the strongest reason first', () => {
    expect(
      sessionChange(agent, { active: false, password: 'new-password', roles: ['admin'] }),
    ).toEqual({
      reason: 'deactivated',
      bumpTokenVersion: true,
    });
  });

  it('does not count deactivating an inactive account or reactivating one', () => {
    expect(sessionChange({ ...agent, active: false }, { active: false })).toBeNull();
    expect(sessionChange({ ...agent, active: false }, { active: true })).toBeNull();
  });

  it('ends sessions on a new password', () => {
    expect(sessionChange(agent, { password: 'new-password', roles: ['agent'] })).toEqual({
      reason: 'password_changed',
      bumpTokenVersion: true,
    });
  });

  it('closes sockets but keeps the token when the roles really change', () => {
    expect(sessionChange(agent, { roles: ['agent', 'supervisor'] })).toEqual({
      reason: 'roles_changed',
      bumpTokenVersion: false,
    });
    expect(
      sessionChange({ active: true, roles: ['agent', 'supervisor'] }, { roles: ['agent'] }),
    ).toEqual({ reason: 'roles_changed', bumpTokenVersion: false });
    expect(
      sessionChange(
        { active: true, roles: ['agent', 'supervisor'] },
        { roles: ['supervisor', 'agent'] },
      ),
    ).toBeNull();
    expect(sessionChange(agent, { displayName: 'New name', extension: '201' })).toBeNull();
  });
});
