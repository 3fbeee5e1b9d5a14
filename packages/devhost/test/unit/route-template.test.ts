import { compileRoute, sortRoutes, RouteTemplateError } from '../../src/http/route-template';

const match = (template: string, path: string) => compileRoute(template).match(path);

/** Asserts that the constraint accepts every `good` value and rejects every `bad` one. */
function expectConstraint(constraint: string, good: string[], bad: string[]) {
  const route = compileRoute(`x/{v:${constraint}}`);
  for (const value of good)
    expect([value, route.match(`x/${encodeURIComponent(value)}`)]).toEqual([value, { v: value }]);
  for (const value of bad) expect([value, route.match(`x/${encodeURIComponent(value)}`)]).toEqual([value, null]);
}

function expectInvalid(template: string, message: RegExp) {
  expect(() => compileRoute(template)).toThrow(RouteTemplateError);
  expect(() => compileRoute(template)).toThrow(message);
}

describe('literal segments', () => {
  it('matches with or without surrounding slashes', () => {
    const route = compileRoute('offers/list');
    expect(route.template).toBe('offers/list');
    for (const path of ['offers/list', '/offers/list', 'offers/list/', '/offers/list/']) {
      expect(route.match(path)).toEqual({});
    }
    expect(compileRoute('/offers/list/').match('offers/list')).toEqual({});
  });

  it('matches case-insensitively', () => {
    expect(match('Offers/List', 'oFFERS/lIST')).toEqual({});
  });

  it('requires every segment and nothing more', () => {
    expect(match('offers/list', 'offers')).toBeNull();
    expect(match('offers/list', 'offers/list/more')).toBeNull();
    expect(match('offers/list', 'offers/lists')).toBeNull();
  });

  it('compares decoded text', () => {
    expect(match('hello world', 'hello%20world')).toEqual({});
  });

  it('supports escaped braces in literals', () => {
    expect(match('a{{b}}c/{id}', 'a%7Bb%7Dc/1')).toEqual({ id: '1' });
  });

  it('an empty template matches only the empty path', () => {
    expect(match('', '')).toEqual({});
    expect(match('', '/')).toEqual({});
    expect(match('', 'a')).toBeNull();
  });
});

describe('parameters', () => {
  it('captures one segment, decoded, with the template casing of the name', () => {
    expect(match('offers/{offerId}', 'OFFERS/abc%20d%2Fe')).toEqual({ offerId: 'abc d/e' });
    expect(match('offers/{offerId}', 'offers')).toBeNull();
    expect(match('offers/{offerId}', 'offers/a/b')).toBeNull();
  });

  it('does not match an empty segment', () => {
    expect(match('a/{x}/b', 'a//b')).toBeNull();
  });

  it('treats a malformed escape as no match instead of throwing', () => {
    expect(match('offers/{id}', 'offers/%E0%A4%A')).toBeNull();
    expect(match('offers/{id}', 'offers/%zz')).toBeNull();
    expect(match('bad%zz/{id}', 'bad%zz/1')).toBeNull();
    expect(match('files/{*rest}', 'files/a/%')).toBeNull();
    expect(match('files/{name}.txt', 'files/%C3.txt')).toBeNull();
  });

  it('optional parameters may be omitted when trailing and are then absent', () => {
    const route = compileRoute('offers/{id?}/{tab?}');
    expect(route.match('offers')).toEqual({});
    expect(route.match('offers/7')).toEqual({ id: '7' });
    expect(route.match('offers/7/plans')).toEqual({ id: '7', tab: 'plans' });
    expect(route.match('offers/7/plans/x')).toBeNull();
    expect(Object.keys(route.match('offers')!)).toEqual([]);
  });

  it('default values fill in omitted trailing segments', () => {
    const route = compileRoute('offers/{page=1}/{size=20}');
    expect(route.match('offers')).toEqual({ page: '1', size: '20' });
    expect(route.match('offers/3')).toEqual({ page: '3', size: '20' });
    expect(route.match('offers/3/50')).toEqual({ page: '3', size: '50' });
  });

  it('a default before a literal cannot be omitted', () => {
    const route = compileRoute('{tenant=main}/offers');
    expect(route.match('acme/offers')).toEqual({ tenant: 'acme' });
    expect(route.match('offers')).toBeNull();
  });

  it('default values may contain escaped braces and colons', () => {
    expect(match('x/{v={{a}}:b}', 'x')).toEqual({ v: '{a}:b' });
  });

  it('returns a fresh object each time and tolerates odd names', () => {
    const route = compileRoute('{__proto__}');
    const values = route.match('x')!;
    expect(Object.getOwnPropertyNames(values)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(route.match('x')).not.toBe(values);
  });
});

describe('catch-all parameters', () => {
  it.each(['{*rest}', '{**rest}'])('%s matches the decoded remainder, slashes included', (param) => {
    const route = compileRoute(`files/${param}`);
    expect(route.match('files/a/b%20c/d.txt')).toEqual({ rest: 'a/b c/d.txt' });
    expect(route.match('files/a%2Fb')).toEqual({ rest: 'a/b' });
    expect(route.match('files/x')).toEqual({ rest: 'x' });
    expect(route.match('other/x')).toBeNull();
  });

  it('matches an empty remainder, leaving the value absent unless defaulted', () => {
    expect(match('files/{*rest}', 'files')).toEqual({});
    expect(match('files/{*rest}', '/files/')).toEqual({});
    expect(match('files/{*rest=index.html}', 'files')).toEqual({ rest: 'index.html' });
    expect(match('{*all}', '')).toEqual({});
  });

  it('applies constraints to the whole remainder', () => {
    const route = compileRoute('files/{*rest:regex(^[a-z/]+$)}');
    expect(route.match('files/a/b')).toEqual({ rest: 'a/b' });
    expect(route.match('files/a/1')).toBeNull();
    expect(route.match('files')).toEqual({});
  });
});

describe('complex segments', () => {
  it('matches a parameter with literal prefix and suffix', () => {
    const route = compileRoute('files/report-{year}.pdf');
    expect(route.match('files/REPORT-2024.PDF')).toEqual({ year: '2024' });
    expect(route.match('files/report-.pdf')).toBeNull();
    expect(route.match('files/report-2024.txt')).toBeNull();
  });

  it('splits two parameters at the last separator, like ASP.NET', () => {
    const route = compileRoute('files/{name}.{ext}');
    expect(route.match('files/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
    expect(route.match('files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
    expect(route.match('files/noext')).toBeNull();
    expect(route.match('files/.pdf')).toBeNull();
    expect(route.match('files/report.')).toBeNull();
  });

  it('handles three parameters', () => {
    expect(match('{a}-{b}-{c}', '1-2-3-4')).toEqual({ a: '1-2', b: '3', c: '4' });
  });

  it('matches literals in decoded text', () => {
    expect(match('files/{name}.{ext}', 'files/my%20file%2Ev1.txt')).toEqual({ name: 'my file.v1', ext: 'txt' });
  });

  it('allows an optional last parameter after a period', () => {
    const route = compileRoute('files/{name}.{ext?}');
    expect(route.match('files/readme')).toEqual({ name: 'readme' });
    expect(route.match('files/readme.md')).toEqual({ name: 'readme', ext: 'md' });
  });

  it('applies constraints to each part', () => {
    const route = compileRoute('v{major:int}.{minor:int}');
    expect(route.match('v1.2')).toEqual({ major: '1', minor: '2' });
    expect(route.match('v1.x')).toBeNull();
  });
});

describe('constraints', () => {
  it('int', () =>
    expectConstraint(
      'int',
      ['0', '42', '-7', '+7', '2147483647', '-2147483648'],
      ['x', '1.5', '2147483648', '1e3', '0x1'],
    ));
  it('long', () =>
    expectConstraint('long', ['9223372036854775807', '-9223372036854775808'], ['9223372036854775808', 'x', '1.0']));
  it('bool', () => expectConstraint('bool', ['true', 'False', 'TRUE'], ['yes', '1', 't']));
  it('datetime', () =>
    expectConstraint(
      'datetime',
      ['2024-02-29', '2024-01-31T10:20:30Z', '2024-01-31T10:20:30.123+02:00', '2024-01-31 10:20', '01/31/2024'],
      ['2023-02-29', '2024-13-01', '2024-01-31T25:00', 'yesterday', '31/01/2024', '0000-01-01'],
    ));
  it('decimal', () =>
    expectConstraint('decimal', ['1', '-1.5', '1,000.25', '.5'], ['1e5', 'abc', '1.2.3', '1e30', '']));
  it('double', () =>
    expectConstraint('double', ['1', '-1.5e10', '.5', '1,000', 'NaN', '-Infinity'], ['abc', '1.2.3', 'e5']));
  it('float', () => expectConstraint('float', ['3.14', '1E-3'], ['pi', '--1']));
  it('guid', () =>
    expectConstraint(
      'guid',
      [
        '0f8fad5b-d9cb-469f-a165-70867728950e',
        '0F8FAD5BD9CB469FA16570867728950E',
        '{0f8fad5b-d9cb-469f-a165-70867728950e}',
        '(0f8fad5b-d9cb-469f-a165-70867728950e)',
      ],
      ['0f8fad5b-d9cb-469f-a165-70867728950', 'not-a-guid', '0f8fad5b-d9cb-469f-a165-70867728950g'],
    ));
  it('alpha', () => expectConstraint('alpha', ['abc', 'ABC'], ['abc1', 'a-b', 'é']));
  it('min', () => expectConstraint('min(10)', ['10', '11', '99999999999'], ['9', '-10', 'ten']));
  it('max', () => expectConstraint('max(10)', ['10', '-5'], ['11', 'x']));
  it('range', () => expectConstraint('range(1,5)', ['1', '3', '5'], ['0', '6', 'x']));
  it('length(n)', () => expectConstraint('length(3)', ['abc', '123'], ['ab', 'abcd']));
  it('length(a,b)', () => expectConstraint('length(2,4)', ['ab', 'abcd'], ['a', 'abcde']));
  it('minlength', () => expectConstraint('minlength(2)', ['ab', 'abcdef'], ['a']));
  it('maxlength', () => expectConstraint('maxlength(2)', ['a', 'ab'], ['abc']));

  it('regex is anchored to the whole value and case-insensitive', () => {
    expectConstraint('regex(\\d+)', ['123'], ['a123', '123a']);
    expectConstraint('regex(^[a-z]{{2}}$)', ['ab', 'AB'], ['abc', 'a1']);
  });

  it('regex may contain parentheses, commas, colons and escaped braces', () => {
    expectConstraint('regex(^(ab|cd)-\\d{{1,3}}$)', ['ab-1', 'CD-123'], ['ef-1', 'ab-1234']);
    expectConstraint('regex(^a:b,c$)', ['a:b,c'], ['a:b']);
    expectConstraint('regex(^(a|b):c$)', ['a:c', 'B:C'], ['c:c']);
    expectConstraint('regex(^[)]x$)', [')x'], ['x']);
  });

  it('chains constraints, all of which must accept', () => {
    expectConstraint('int:min(1)', ['1', '500'], ['0', 'x']);
    expectConstraint('regex(^\\d+$):max(99)', ['42'], ['100', 'x']);
    expectConstraint('minlength(2):maxlength(3):alpha', ['ab', 'abc'], ['a', 'abcd', 'a1']);
  });

  it('constraint names are case-insensitive', () => {
    expectConstraint('INT:Min(1)', ['3'], ['0']);
  });

  it('applies constraints to default values but not to omitted optional parameters', () => {
    expect(match('p/{n:int=abc}', 'p')).toBeNull();
    expect(match('p/{n:int=5}', 'p')).toEqual({ n: '5' });
    expect(match('p/{n:int?}', 'p')).toEqual({});
    expect(match('p/{n:int?}', 'p/x')).toBeNull();
  });

  it('combines constraints with defaults', () => {
    expect(match('p/{n:int:range(1,10)=3}', 'p/7')).toEqual({ n: '7' });
    expect(match('p/{n:int:range(1,10)=3}', 'p/11')).toBeNull();
  });
});

describe('precedence and sorting', () => {
  it('orders literal, constrained, plain, constrained catch-all, catch-all', () => {
    const p = (t: string) => compileRoute(t).precedence;
    expect(p('offers/list')).toBeLessThan(p('offers/{id:int}'));
    expect(p('offers/{name}.{ext}')).toBe(p('offers/{id:int}'));
    expect(p('offers/{id:int}')).toBeLessThan(p('offers/{id}'));
    expect(p('offers/{id}')).toBeLessThan(p('offers/{*rest:minlength(1)}'));
    expect(p('offers/{*rest:minlength(1)}')).toBeLessThan(p('offers/{*rest}'));
    expect(p('offers/{id}/plans')).toBeLessThan(p('offers/{id}/{tab}'));
    expect(p('{*all}')).toBeGreaterThan(p('offers/{*rest}'));
  });

  it('sortRoutes puts the most specific first, keeps ties in order, and copies', () => {
    const names = ['catchAll', 'param', 'literal', 'other', 'constrained'];
    const templates = ['offers/{*rest}', 'offers/{id}', 'offers/list', 'offers/new', 'offers/{id:int}'];
    const routes = names.map((name, i) => ({ name, route: compileRoute(templates[i]) }));
    const sorted = sortRoutes(routes);
    expect(sorted.map((r) => r.name)).toEqual(['literal', 'other', 'constrained', 'param', 'catchAll']);
    expect(routes.map((r) => r.name)).toEqual(names);
    expect(sorted).not.toBe(routes);
  });

  it('sorted routes dispatch to the most specific match', () => {
    const sorted = sortRoutes(
      ['offers/{*rest}', 'offers/{id}', 'offers/list'].map((t) => ({ route: compileRoute(t) })),
    );
    const first = (path: string) => sorted.find((r) => r.route.match(path))?.route.template;
    expect(first('offers/list')).toBe('offers/list');
    expect(first('offers/42')).toBe('offers/{id}');
    expect(first('offers/42/plans')).toBe('offers/{*rest}');
  });
});

describe('invalid templates', () => {
  it.each([
    ['offers/{id', /unbalanced braces/],
    ['offers/id}', /unbalanced braces/],
    ['offers/{a{b}', /unbalanced braces/],
    ['{code:regex(^[a-z]{2}$)}', /unbalanced braces/],
    ['offers/{}', /empty name/],
    ['offers/{?}', /empty name/],
    ['offers/{*}', /empty name/],
    ['offers/{:int}', /empty name/],
    ['offers/{=x}', /empty name/],
    ['{*rest}/offers', /catch-all parameter 'rest' must be in the last segment/],
    ['{**rest}/{id}', /catch-all parameter 'rest' must be in the last segment/],
    ['files/x{*rest}', /catch-all parameter 'rest' must be the only thing in its segment/],
    ['{*rest?}', /cannot be marked optional/],
    ['offers/{id?}/plans', /optional parameter 'id' is followed by the non-optional segment 'plans'/],
    ['{a?}/{b}', /optional parameter 'a' is followed by the non-optional segment '\{b\}'/],
    ['{a?}/{name}.{ext?}', /optional parameter 'a' is followed by the non-optional segment/],
    ['{name?}.txt', /optional parameter 'name' must be at the end of segment/],
    ['x-{ext?}', /can only be preceded by a '\.'/],
    ['{id=1?}', /cannot have a default value/],
    ['{id}/{ID}', /'ID' appears more than once/],
    ['{name}{ext}', /two consecutive parameters/],
    ['{a?b}', /invalid parameter name/],
    ['{id:nope}', /unknown constraint 'nope'/],
    ['{id:int(3)}', /takes no arguments/],
    ['{id:min}', /takes 1 argument/],
    ['{id:min(x)}', /integer arguments/],
    ['{id:range(5,1)}', /maximum below its minimum/],
    ['{id:length(-1)}', /non-negative length/],
    ['{id:length(1,2,3)}', /takes 1 or 2 argument/],
    ['{id:regex}', /needs a regular expression/],
    ['{id:regex(()}', /Invalid regular expression/],
    ['{id:min(1}', /unclosed '\('/],
    ['{id:}', /unknown constraint ''/],
    ['a//b', /empty segment/],
    ['a?b', /'\?' outside a parameter/],
  ])('%s', (template, message) => expectInvalid(template, message));

  it('names the template in the message', () => {
    expect(() => compileRoute('bad/{')).toThrow("Route template 'bad/{'");
  });

  it('RouteTemplateError is an Error', () => {
    try {
      compileRoute('{');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(RouteTemplateError);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('RouteTemplateError');
    }
  });
});
