/** The simulator reads dial strings with FreeSWITCH's own splitting, quoting and escaping rules. */
import assert from 'node:assert/strict';
import { readDialString } from '../../src/sim/index.js';

function read(dial: string): NonNullable<ReturnType<typeof readDialString>> {
  const parsed = readDialString(dial);
  assert.ok(parsed, `a parse error for ${dial}`);
  return parsed;
}

describe('sim: dial string syntax', () => {
  it('{} variables for every leg, [] per leg, `,` between legs and `|` between failover groups', () => {
    const d = read('{a=1,b=two words}[c=3,d=4]sofia/internal/x@h,loopback/5/default|[e=5]error/USER_BUSY');
    assert.deepEqual(d.vars, { a: '1', b: 'two words' });
    assert.deepEqual(d.groups.map((g) => g.map((l) => [l.endpoint, l.vars])), [
      [['sofia/internal/x@h', { c: '3', d: '4' }], ['loopback/5/default', {}]],
      [['error/USER_BUSY', { e: '5' }]],
    ]);
  });

  it('a backslash keeps a separator in a value: \\, in both lists, \\| in a leg list', () => {
    const d = read('{g=a\\,b,h=x|y}[sip_h_X-Name=Agent\\, A,sip_h_X-Pipe=p\\|q,k=1]sofia/internal/x@h,[m=2]loopback/6/default');
    assert.deepEqual(d.vars, { g: 'a,b', h: 'x|y' });
    assert.deepEqual(d.groups.length, 1);
    assert.deepEqual(d.groups[0]?.map((l) => l.vars), [{ 'sip_h_X-Name': 'Agent, A', 'sip_h_X-Pipe': 'p|q', k: '1' }, { m: '2' }]);
  });

  it('an unescaped comma inside a value splits it; a | splits the leg list into failover groups', () => {
    const d = read('[sip_h_X-A=1,execute_on_answer=park]sofia/internal/x@h');
    assert.deepEqual(d.groups[0]?.[0]?.vars, { 'sip_h_X-A': '1', execute_on_answer: 'park' });
    assert.equal(readDialString('[a=x|y]sofia/internal/x@h'), undefined, 'the list is cut in two: no closing bracket');
  });

  it('^^X chooses another separator: commas stay in the values', () => {
    const d = read('{^^:a=1,2:b=3}[^^;c=4,5;d=6]sofia/internal/x@h');
    assert.deepEqual(d.vars, { a: '1,2', b: '3' });
    assert.deepEqual(d.groups[0]?.[0]?.vars, { c: '4,5', d: '6' });
  });

  it("quotes group in {} and are dropped; \\' \\\" are unescaped; spaces around items go", () => {
    const d = read("{a='x,y',b= padded ,c=q\\'d}[f=p\\\"q]sofia/internal/x@h");
    assert.deepEqual(d.vars, { a: 'x,y', b: 'padded', c: "q'd" });
    assert.deepEqual(d.groups[0]?.[0]?.vars, { f: 'p"q' });
  });

  it('quotes in a [] list are already dropped by the | split, so they do not keep its commas together', () => {
    assert.deepEqual(read("[e='1,2',f=3]sofia/internal/x@h").groups[0]?.[0]?.vars, { e: '1', f: '3' });
  });

  it('brackets are counted, never escaped: balanced ones stay in a value, an early close ends the list', () => {
    assert.deepEqual(read('[a=[::1]:5060]sofia/internal/x@h').groups[0]?.[0]?.vars, { a: '[::1]:5060' });
    assert.deepEqual(read('{a={b}}loopback/1/default').vars, { a: '{b}' });
    const d = read('[a=1]{x=2}]sofia/internal/x@h');
    assert.deepEqual(d.groups[0]?.[0]?.vars, { a: '1' });
    assert.equal(d.groups[0]?.[0]?.endpoint, '{x=2}]sofia/internal/x@h');
    assert.deepEqual(read('[a=x}y,b=1]sofia/internal/x@h').groups[0]?.[0]?.vars, { a: 'x}y', b: '1' });
    assert.equal(readDialString('{a=1'), undefined);
  });

  it('the first = splits name and value; later ones stay in the value', () => {
    assert.deepEqual(read('[sip_h_X-Q=a=b=c]sofia/internal/x@h').groups[0]?.[0]?.vars, { 'sip_h_X-Q': 'a=b=c' });
  });
});
