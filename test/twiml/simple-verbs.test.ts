import assert from 'node:assert/strict';
import { BASE, only, parse, rejects, response } from './helpers.js';
import { resolveUrl } from '../../src/twiml/index.js';

describe('twiml: Say, Play, Pause', () => {
  it('Say: defaults, trimmed text with whitespace runs collapsed', () => {
    const say = only('Say', '<Say>\n   Hello,\n\t  world!  \n</Say>');
    assert.equal(say.text, 'Hello, world!');
    assert.equal(say.loop, 1);
    assert.equal(say.voice, undefined);
    assert.equal(say.language, undefined);
    assert.deepEqual(say.position, { line: 1, column: 11 });
    assert.deepEqual(say.unknownAttributes, []);
  });

  it('Say: every attribute', () => {
    const say = only('Say', '<Say voice="Polly.Joanna" language="en-GB" loop="0">Hi</Say>');
    assert.equal(say.voice, 'Polly.Joanna');
    assert.equal(say.language, 'en-GB');
    assert.equal(say.loop, 0);
  });

  it('Say: loop below 0, a non-integer loop, a bad language tag and empty text are refused', () => {
    rejects(response('<Say loop="-1">x</Say>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Say loop="two">x</Say>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Say loop="1.5">x</Say>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Say language="english please">x</Say>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Say>   </Say>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
  });

  it('Say: SSML keeps its text, with a warning', () => {
    const doc = parse(response('<Say>Hello<break time="1s"/>there, <emphasis level="strong">friend</emphasis>.</Say>'));
    const say = doc.verbs[0];
    assert.ok(say?.kind === 'Say');
    assert.equal(say.text, 'Hello there, friend.');
    assert.deepEqual(doc.warnings.map((w) => w.code), ['ERR_TWIML_UNSUPPORTED']);
  });

  it('Say: SSML <sub alias> speaks its alias, not its content', () => {
    const say = only('Say', '<Say>The <sub alias="World Wide Web Consortium">W3C</sub> met in <sub alias="">NYC</sub>.</Say>');
    assert.equal(say.text, 'The World Wide Web Consortium met in NYC.');
    const nested = only('Say', '<Say><prosody rate="slow"><sub alias="doctor">Dr.</sub> Smith</prosody></Say>');
    assert.equal(nested.text, 'doctor Smith');
  });

  it('Say: a verb nested in it is refused', () => {
    rejects(response('<Say>Hi <Play>a.mp3</Play></Say>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });

  it('Play: URL trimmed, loop default 1, digits absent', () => {
    const play = only('Play', '<Play>\n  https://cdn.example.com/a.mp3 \n</Play>');
    assert.equal(play.url, 'https://cdn.example.com/a.mp3');
    assert.equal(play.loop, 1);
    assert.equal(play.digits, undefined);
  });

  it('Play: relative URL kept as written; loop 0; digits with w pauses and no URL', () => {
    assert.equal(only('Play', '<Play loop="0">../audio/hold.wav</Play>').url, '../audio/hold.wav');
    assert.equal(only('Play', '<Play loop="0">x.wav</Play>').loop, 0);
    const dtmf = only('Play', '<Play digits="ww1234#"/>');
    assert.equal(dtmf.digits, 'ww1234#');
    assert.equal(dtmf.url, undefined);
  });

  it('Play: no URL and no digits, bad digits, a non-http URL are refused', () => {
    rejects(response('<Play/>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    const err = rejects(response('<Play digits="12a"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    assert.equal(err.problems.length, 1);
    rejects(response('<Play>ftp://example.com/a.mp3</Play>'), 'ERR_TWIML_INVALID_URL', 12200, 1);
    rejects(response('<Play>mailto:a@example.com</Play>'), 'ERR_TWIML_INVALID_URL', 12200, 1);
  });

  it('Play: a Kazoo media id (32 hex digits) is kept as a media id with a warning, not as a relative URL', () => {
    const doc = parse(response('<Play loop="2">2D5C2EB0A9E0E1F7C8C1A2B3C4D5E6F7</Play>'));
    const play = doc.verbs[0];
    assert.ok(play?.kind === 'Play');
    assert.deepEqual([play.mediaId, play.url, play.loop], ['2d5c2eb0a9e0e1f7c8c1a2b3c4d5e6f7', undefined, 2]);
    assert.deepEqual(doc.warnings.map((w) => [w.code, w.line, w.element]), [['ERR_TWIML_KAZOO_MEDIA', 1, 'Play']]);
    assert.equal(only('Play', '<Play>2d5c2eb0a9e0e1f7c8c1a2b3c4d5e6f.wav</Play>').url, '2d5c2eb0a9e0e1f7c8c1a2b3c4d5e6f.wav');
    assert.equal(only('Play', '<Play>2d5c2eb0a9e0e1f7c8c1a2b3c4d5e6f</Play>').mediaId, undefined, '31 digits is a file name');
  });

  it('Pause: length default 1, 0 allowed, negative refused, text refused', () => {
    assert.equal(only('Pause', '<Pause/>').length, 1);
    assert.equal(only('Pause', '<Pause length="0"/>').length, 0);
    assert.equal(only('Pause', '<Pause length=" 12 "/>').length, 12);
    rejects(response('<Pause length="-1"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Pause>5</Pause>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });
});

describe('twiml: Redirect, Hangup, Reject, Set, Enqueue, Leave', () => {
  it('Redirect: URL text, method default POST, case-insensitive method', () => {
    const redirect = only('Redirect', '<Redirect> /next </Redirect>');
    assert.equal(redirect.url, '/next');
    assert.equal(redirect.method, 'POST');
    assert.deepEqual(redirect.variables, []);
    assert.equal(only('Redirect', '<Redirect method="get">/n</Redirect>').method, 'GET');
  });

  it('Redirect: nested Variables are kept in order', () => {
    const redirect = only('Redirect', '<Redirect>/n<Variable key="a" value="1"/><Variable key="b" value=""/></Redirect>');
    assert.deepEqual(redirect.variables.map((v) => [v.key, v.value]), [['a', '1'], ['b', '']]);
  });

  it('Redirect: an empty URL is the current document (RFC 3986), kept with a warning', () => {
    for (const body of ['<Redirect></Redirect>', '<Redirect>  </Redirect>', '<Redirect method="GET"/>']) {
      const doc = parse(response(body));
      const redirect = doc.verbs[0];
      assert.ok(redirect?.kind === 'Redirect', body);
      assert.equal(redirect.url, '');
      assert.equal(resolveUrl(redirect.url, BASE).href, BASE.href);
      assert.deepEqual(doc.warnings.map((w) => [w.severity, w.code, w.line]), [['warning', 'ERR_TWIML_MISSING_VALUE', 1]]);
      assert.match(doc.warnings[0]?.message ?? '', /current document is requested again/);
    }
  });

  it('Redirect: a bad method, an unusable URL are refused', () => {
    rejects(response('<Redirect method="PUT">/n</Redirect>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Redirect>mailto:someone@example.com</Redirect>'), 'ERR_TWIML_INVALID_URL', 12200, 1);
    rejects(response('<Redirect>http://[::1</Redirect>'), 'ERR_TWIML_INVALID_URL', 12200, 1);
  });

  it('Hangup and Leave take no content', () => {
    assert.equal(only('Hangup', '<Hangup/>').kind, 'Hangup');
    assert.equal(only('Hangup', '<Hangup>  </Hangup>').kind, 'Hangup');
    assert.equal(only('Leave', '<Leave/>').kind, 'Leave');
    rejects(response('<Hangup>now</Hangup>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    rejects(response('<Leave><Say>x</Say></Leave>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });

  it('Reject: reason rejected by default, busy, anything else refused', () => {
    assert.equal(only('Reject', '<Reject/>').reason, 'rejected');
    assert.equal(only('Reject', '<Reject reason="busy"/>').reason, 'busy');
    rejects(response('<Reject reason="Busy"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
  });

  it('Set: one or more Variables, key required, value default empty', () => {
    const set = only('Set', '<Set><Variable key="lang" value="fr"/><Variable key="vip"/></Set>');
    assert.deepEqual(set.variables.map((v) => [v.key, v.value]), [['lang', 'fr'], ['vip', '']]);
    rejects(response('<Set/>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    rejects(response('<Set><Variable value="x"/></Set>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    rejects(response('<Set><Say>x</Say></Set>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });

  it('Enqueue: queue name, every attribute, defaults', () => {
    const plain = only('Enqueue', '<Enqueue> support </Enqueue>');
    assert.equal(plain.name, 'support');
    assert.equal(plain.method, 'POST');
    assert.equal(plain.waitUrlMethod, 'POST');
    assert.equal(plain.action, undefined);
    const full = only('Enqueue', '<Enqueue action="/left" method="GET" waitUrl="/hold" waitUrlMethod="get">q</Enqueue>');
    assert.deepEqual([full.action, full.method, full.waitUrl, full.waitUrlMethod], ['/left', 'GET', '/hold', 'GET']);
  });

  it('Enqueue: no name, or a name over 64 characters, is refused', () => {
    rejects(response('<Enqueue/>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    rejects(response(`<Enqueue>${'q'.repeat(65)}</Enqueue>`), 'ERR_TWIML_INVALID_TEXT', 12200, 1);
  });

  it('keeps the source URL and unknown attributes', () => {
    const doc = parse(response('<Hangup reason="x"/>'));
    assert.equal(doc.source.href, BASE.href);
    assert.notEqual(doc.source, BASE);
    assert.deepEqual(doc.verbs[0]?.unknownAttributes, ['reason']);
    assert.deepEqual(doc.warnings.map((w) => [w.code, w.twilioCode, w.severity]), [['ERR_TWIML_UNKNOWN_ATTRIBUTE', 12200, 'warning']]);
  });
});
