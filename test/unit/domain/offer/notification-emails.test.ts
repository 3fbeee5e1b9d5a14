import { isEmailAddress, parseNotificationEmails } from '../../../../domain/offer/notification-emails';

describe('parseNotificationEmails', () => {
  it.each([
    ['a@x.com', ['a@x.com']],
    ['a@x.com,b@y.com', ['a@x.com', 'b@y.com']],
    [' a@x.com ; b@y.com ', ['a@x.com', 'b@y.com']],
    ['a@x.com;b@y.com,c@z.org', ['a@x.com', 'b@y.com', 'c@z.org']],
    ['a@x.com, A@X.com,a@x.COM', ['a@x.com']],
    ['a@x.com,', ['a@x.com']],
    ['first.last+tag@sub.contoso.example.com', ['first.last+tag@sub.contoso.example.com']],
  ])('accepts %j', (input, emails) => {
    expect(parseNotificationEmails(input)).toEqual({ ok: true, emails });
  });

  it('accepts 20 addresses and refuses 21', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@x.com`).join(',');
    expect(parseNotificationEmails(list(20))).toMatchObject({ ok: true });
    expect(parseNotificationEmails(list(21))).toEqual({ ok: false, message: expect.stringContaining('21') });
  });

  it('counts addresses after removing duplicates', () => {
    const twentyOne = [...Array.from({ length: 20 }, (_, i) => `u${i}@x.com`), 'U0@X.COM'].join(';');
    expect(parseNotificationEmails(twentyOne)).toMatchObject({ ok: true });
  });

  it.each([
    ['a@x.com,not-an-address', 'not-an-address'],
    ['a@x.com; b@@y.com', 'b@@y.com'],
    ['jon@contoso', 'jon@contoso'],
    ['a b@x.com', 'a b@x.com'],
  ])('names the bad address in %j', (input, bad) => {
    const result = parseNotificationEmails(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(`"${bad}"`);
  });

  it.each([[''], [' , ; '], [undefined], [42], [['a@x.com']], ['x'.repeat(10_001)]])('refuses %j', (input) => {
    expect(parseNotificationEmails(input)).toEqual({
      ok: false,
      message: expect.stringContaining('notification-emails'),
    });
  });
});

describe('isEmailAddress', () => {
  it.each(['a@x.com', "o'brien@x.ie", 'a.b-c_d@mail.x-y.co.uk'])('accepts %s', (value) => {
    expect(isEmailAddress(value)).toBe(true);
  });
  it.each([
    '',
    'a',
    '@x.com',
    'a@',
    'a@x',
    'a@.com',
    'a@x..com',
    '.a@x.com',
    'a.@x.com',
    'a..b@x.com',
    'a@-x.com',
    'a@x.c0m',
    `${'a'.repeat(65)}@x.com`,
  ])('refuses %j', (value) => {
    expect(isEmailAddress(value)).toBe(false);
  });
});
