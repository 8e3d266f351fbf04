import assert from 'node:assert/strict';
import { validateTwiml } from '../../src/twiml/index.js';
import { BASE, only, parse, rejects, response } from './helpers.js';

describe('twiml: Dial', () => {
  it('defaults, with a bare number becoming a Number noun', () => {
    const dial = only('Dial', '<Dial> +1 415-555-0100 </Dial>');
    assert.equal(dial.action, undefined);
    assert.equal(dial.method, 'POST');
    assert.equal(dial.timeout, 30);
    assert.equal(dial.timeLimit, 14400);
    assert.equal(dial.callerId, undefined);
    assert.equal(dial.hangupOnStar, false);
    assert.equal(dial.record, 'do-not-record');
    assert.equal(dial.trim, 'do-not-trim');
    assert.equal(dial.answerOnBridge, false);
    assert.equal(dial.ringTone, undefined);
    assert.equal(dial.recordingStatusCallbackMethod, 'POST');
    assert.deepEqual(dial.recordingStatusCallbackEvent, ['completed']);
    assert.equal(dial.nouns.length, 1);
    const number = dial.nouns[0];
    assert.ok(number?.kind === 'Number');
    assert.equal(number.number, '+1 415-555-0100');
    assert.equal(number.method, 'POST');
    assert.deepEqual(number.statusCallbackEvent, ['completed']);
  });

  it('every attribute', () => {
    const dial = only(
      'Dial',
      '<Dial action="/after" method="GET" timeout="20" timeLimit="600" callerId="+15550001111" hangupOnStar="true" record="record-from-ringing-dual" trim="trim-silence" ringTone="uk" answerOnBridge="true" recordingStatusCallback="/rec" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress">123</Dial>',
    );
    assert.deepEqual(
      [dial.action, dial.method, dial.timeout, dial.timeLimit, dial.callerId, dial.hangupOnStar, dial.record, dial.trim],
      ['/after', 'GET', 20, 600, '+15550001111', true, 'record-from-ringing-dual', 'trim-silence'],
    );
    assert.deepEqual([dial.ringTone, dial.answerOnBridge, dial.recordingStatusCallback], ['uk', true, '/rec']);
    assert.deepEqual(dial.recordingStatusCallbackEvent, ['in-progress']);
  });

  it('record: every Twilio value, and the legacy true/false', () => {
    for (const value of ['do-not-record', 'record-from-answer', 'record-from-ringing', 'record-from-answer-dual', 'record-from-ringing-dual']) {
      assert.equal(only('Dial', `<Dial record="${value}">1</Dial>`).record, value);
    }
    assert.equal(only('Dial', '<Dial record="true">1</Dial>').record, 'record-from-answer');
    assert.equal(only('Dial', '<Dial record="false">1</Dial>').record, 'do-not-record');
    rejects(response('<Dial record="always">1</Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
  });

  it('bounds: timeout 1..600, timeLimit at least 1', () => {
    rejects(response('<Dial timeout="0">1</Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial timeout="601">1</Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial timeLimit="0">1</Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial hangupOnStar="maybe">1</Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
  });

  it('Number, Sip, User and Device ring together with their attributes', () => {
    const dial = only(
      'Dial',
      `<Dial>
        <Number sendDigits="ww123" url="/whisper" method="GET" statusCallback="/st" statusCallbackEvent="initiated ringing answered completed" statusCallbackMethod="GET">+15551234567</Number>
        <Sip username="u" password="p" url="/screen">sip:alice@example.com;transport=tls</Sip>
        <User>3b0f0c</User>
        <Device>dev-42</Device>
      </Dial>`,
    );
    assert.deepEqual(dial.nouns.map((n) => n.kind), ['Number', 'Sip', 'User', 'Device']);
    const [number, sip, user, device] = dial.nouns;
    assert.ok(number?.kind === 'Number' && sip?.kind === 'Sip' && user?.kind === 'User' && device?.kind === 'Device');
    assert.deepEqual([number.number, number.sendDigits, number.url, number.method], ['+15551234567', 'ww123', '/whisper', 'GET']);
    assert.deepEqual(number.statusCallbackEvent, ['initiated', 'ringing', 'answered', 'completed']);
    assert.deepEqual([number.statusCallback, number.statusCallbackMethod], ['/st', 'GET']);
    assert.deepEqual([sip.uri, sip.username, sip.password, sip.url], ['sip:alice@example.com;transport=tls', 'u', 'p', '/screen']);
    assert.equal(user.id, '3b0f0c');
    assert.equal(device.id, 'dev-42');
    assert.deepEqual(number.position, { line: 2, column: 9 });
  });

  it('Conference: defaults', () => {
    const dial = only('Dial', '<Dial><Conference> Room 1 </Conference></Dial>');
    const room = dial.nouns[0];
    assert.ok(room?.kind === 'Conference');
    assert.equal(room.name, 'Room 1');
    assert.deepEqual(
      [room.muted, room.beep, room.startConferenceOnEnter, room.endConferenceOnExit, room.waitUrl, room.waitMethod],
      [false, 'true', true, false, undefined, 'POST'],
    );
    assert.deepEqual([room.maxParticipants, room.record, room.trim, room.statusCallbackMethod], [250, 'do-not-record', 'trim-silence', 'POST']);
    assert.deepEqual(room.statusCallbackEvent, []);
  });

  it('Conference: every attribute; waitUrl="" means silence', () => {
    const dial = only(
      'Dial',
      '<Dial><Conference muted="true" beep="onExit" startConferenceOnEnter="false" endConferenceOnExit="true" waitUrl="" waitMethod="GET" maxParticipants="10" record="record-from-start" trim="do-not-trim" statusCallback="/conf" statusCallbackEvent="start end join leave mute hold" statusCallbackMethod="GET">r</Conference></Dial>',
    );
    const room = dial.nouns[0];
    assert.ok(room?.kind === 'Conference');
    assert.deepEqual(
      [room.muted, room.beep, room.startConferenceOnEnter, room.endConferenceOnExit, room.waitUrl, room.waitMethod],
      [true, 'onExit', false, true, '', 'GET'],
    );
    assert.deepEqual([room.maxParticipants, room.record, room.trim, room.statusCallback], [10, 'record-from-start', 'do-not-trim', '/conf']);
    assert.deepEqual(room.statusCallbackEvent, ['start', 'end', 'join', 'leave', 'mute', 'hold']);
  });

  it('Conference: bad values refused', () => {
    rejects(response('<Dial><Conference beep="loud">r</Conference></Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial><Conference maxParticipants="251">r</Conference></Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial><Conference maxParticipants="1">r</Conference></Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial><Conference statusCallbackEvent="start finish">r</Conference></Dial>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Dial><Conference/></Dial>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
  });

  it('Queue: name, url, method', () => {
    const dial = only('Dial', '<Dial><Queue url="/about-to-connect" method="GET">support</Queue></Dial>');
    const queue = dial.nouns[0];
    assert.ok(queue?.kind === 'Queue');
    assert.deepEqual([queue.name, queue.url, queue.method], ['support', '/about-to-connect', 'GET']);
  });

  it('a SIP URI written without a scheme is a sip: URI (Twilio\'s and Kazoo\'s examples)', () => {
    const uris = (body: string): string[] => only('Dial', `<Dial>${body}</Dial>`).nouns
      .map((n) => (n.kind === 'Sip' ? n.uri : ''));
    assert.deepEqual(uris('<Sip>kate@example.com</Sip>'), ['sip:kate@example.com']);
    assert.deepEqual(uris('<Sip>user@host.com:2600</Sip>'), ['sip:user@host.com:2600']);
    assert.deepEqual(uris('<Sip> example.com:5080;transport=tcp </Sip>'), ['sip:example.com:5080;transport=tcp']);
    assert.deepEqual(uris('<Sip>SIPS:kate@example.com</Sip><Sip>sip:kate@example.com?X-A=1</Sip>'),
      ['SIPS:kate@example.com', 'sip:kate@example.com?X-A=1']);
  });

  it('Conference and Queue must be alone', () => {
    rejects(response('<Dial><Number>1</Number><Conference>r</Conference></Dial>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    rejects(response('<Dial><Queue>a</Queue><Queue>b</Queue></Dial>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    rejects(response('<Dial>123<Number>1</Number></Dial>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });

  it('at most ten ringing nouns', () => {
    const ten = '<Number>1</Number>'.repeat(10);
    assert.equal(only('Dial', `<Dial>${ten}</Dial>`).nouns.length, 10);
    rejects(response(`<Dial>${ten}<Sip>sip:x@y</Sip></Dial>`), 'ERR_TWIML_SCHEMA', 12200, 1);
  });

  it('empty Dial, empty nouns, a non-SIP URI, nested verbs are refused', () => {
    rejects(response('<Dial/>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    rejects(response('<Dial><Number> </Number></Dial>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    rejects(response('<Dial><User/></Dial>'), 'ERR_TWIML_MISSING_VALUE', 12200, 1);
    rejects(response('<Dial><Sip>tel:+15551234567</Sip></Dial>'), 'ERR_TWIML_INVALID_TEXT', 12200, 1);
    rejects(response('<Dial><Sip>http://example.com/x</Sip></Dial>'), 'ERR_TWIML_INVALID_TEXT', 12200, 1);
    rejects(response('<Dial><Say>hi</Say></Dial>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    rejects(response('<Number>1</Number>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });

  it('Twilio nouns this server does not run are skipped with a warning; the others are kept', () => {
    const doc = parse(response('<Dial><Number>+15551230000</Number>\n<Client>joey</Client><Application>' +
      '<ApplicationSid>AP1</ApplicationSid></Application></Dial>'));
    const dial = doc.verbs[0];
    assert.ok(dial?.kind === 'Dial');
    assert.deepEqual(dial.nouns.map((n) => n.kind), ['Number']);
    assert.deepEqual(doc.warnings.map((w) => [w.severity, w.code, w.line, w.element]),
      [['warning', 'ERR_TWIML_SKIPPED', 2, 'Client'], ['warning', 'ERR_TWIML_SKIPPED', 2, 'Application']]);
  });

  it('a Dial whose every noun is skipped is kept, with nothing to ring and a warning that it fails', () => {
    const doc = parse(response('<Dial action="/after"><Client>joey</Client></Dial>'));
    const dial = doc.verbs[0];
    assert.ok(dial?.kind === 'Dial');
    assert.deepEqual(dial.nouns, []);
    assert.deepEqual(doc.warnings.map((w) => [w.code, w.element]), [['ERR_TWIML_SKIPPED', 'Dial'], ['ERR_TWIML_SKIPPED', 'Client']]);
    assert.match(doc.warnings[0]?.message ?? '', /DialCallStatus=failed/);
    rejects(response('<Dial>123<Client>joey</Client></Dial>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });

  it('Conference: the Dial attributes that have nothing to act on in a room are warned of, the others are not', () => {
    const all = 'timeout="20" callerId="+15550001111" ringTone="uk" answerOnBridge="true" record="record-from-answer" ' +
      'trim="trim-silence" recordingStatusCallback="/rec" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="completed"';
    const problems = validateTwiml(response(`<Dial action="/after" method="GET" timeLimit="30" hangupOnStar="true" ${all}>` +
      '<Conference>Room</Conference></Dial>'), BASE);
    assert.ok(problems.every((p) => p.severity === 'warning' && p.code === 'ERR_TWIML_NOT_APPLICABLE'), JSON.stringify(problems));
    assert.deepEqual(problems.map((p) => p.message.split(' ')[1]), [
      'timeout', 'callerId', 'ringTone', 'answerOnBridge', 'record', 'trim', 'recordingStatusCallback',
      'recordingStatusCallbackMethod', 'recordingStatusCallbackEvent',
    ]);
    assert.match(problems[4]?.message ?? '', /use <Conference record="record-from-start">/);
    assert.equal(problems[0]?.twilioCode, undefined);
    assert.equal(problems[0]?.line, 1);
    assert.deepEqual(validateTwiml(response('<Dial action="/after" timeLimit="30" hangupOnStar="true"><Conference>Room</Conference></Dial>'), BASE), []);
    assert.deepEqual(validateTwiml(response(`<Dial ${all}><Number>123</Number></Dial>`), BASE), [], 'they apply to a Number');
  });

  it('Kazoo and newer Twilio attributes are ignored with a warning, not refused', () => {
    const doc = parse(response('<Dial sequential="true" hangupOn="*" collect_dtmf="true">1</Dial>'));
    assert.equal(doc.verbs.length, 1);
    assert.deepEqual(doc.warnings.map((w) => w.code), ['ERR_TWIML_UNSUPPORTED', 'ERR_TWIML_UNSUPPORTED', 'ERR_TWIML_UNSUPPORTED']);
  });
});
