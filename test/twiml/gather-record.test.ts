import assert from 'node:assert/strict';
import { only, parse, rejects, response } from './helpers.js';

describe('twiml: Gather', () => {
  it('defaults: POST, timeout 5, finishOnKey #, no numDigits, dtmf, no action on empty result', () => {
    const gather = only('Gather', '<Gather/>');
    assert.equal(gather.action, undefined);
    assert.equal(gather.method, 'POST');
    assert.equal(gather.timeout, 5);
    assert.equal(gather.finishOnKey, '#');
    assert.equal(gather.numDigits, undefined);
    assert.equal(gather.actionOnEmptyResult, false);
    assert.deepEqual(gather.input, ['dtmf']);
    assert.equal(gather.bargeIn, true);
    assert.deepEqual(gather.children, []);
  });

  it('every attribute', () => {
    const gather = only(
      'Gather',
      '<Gather action="/menu?x=1&amp;y=2" method="GET" timeout="10" finishOnKey="*" numDigits="4" actionOnEmptyResult="true" input="dtmf" bargeIn="false"/>',
    );
    assert.equal(gather.action, '/menu?x=1&y=2');
    assert.equal(gather.method, 'GET');
    assert.equal(gather.timeout, 10);
    assert.equal(gather.finishOnKey, '*');
    assert.equal(gather.numDigits, 4);
    assert.equal(gather.actionOnEmptyResult, true);
    assert.equal(gather.bargeIn, false);
  });

  it('finishOnKey="" means no finish key', () => {
    assert.equal(only('Gather', '<Gather finishOnKey=""/>').finishOnKey, '');
  });

  it('bounds: timeout and numDigits at least 1, finishOnKey one key, booleans true/false', () => {
    rejects(response('<Gather timeout="0"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Gather numDigits="0"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Gather finishOnKey="#*"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Gather finishOnKey="a"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Gather actionOnEmptyResult="yes"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Gather input="voice"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    assert.equal(only('Gather', '<Gather actionOnEmptyResult="TRUE"/>').actionOnEmptyResult, true);
    assert.equal(only('Gather', '<Gather timeout="1"/>').timeout, 1);
  });

  it('speech input is accepted with a warning; speech-only attributes are ignored with a warning', () => {
    const doc = parse(response('<Gather input="dtmf speech" hints="sales, support" speechTimeout="auto"/>'));
    const gather = doc.verbs[0];
    assert.ok(gather?.kind === 'Gather');
    assert.deepEqual(gather.input, ['dtmf', 'speech']);
    assert.deepEqual(gather.unknownAttributes, []);
    assert.deepEqual(
      doc.warnings.map((w) => w.code),
      ['ERR_TWIML_UNSUPPORTED', 'ERR_TWIML_UNSUPPORTED', 'ERR_TWIML_UNSUPPORTED'],
    );
  });

  it('nests Say, Play and Pause in order', () => {
    const gather = only('Gather', '<Gather><Say>a</Say><Pause length="2"/><Play>b.mp3</Play></Gather>');
    assert.deepEqual(gather.children.map((c) => c.kind), ['Say', 'Pause', 'Play']);
  });

  it('refuses other verbs, nouns and text inside', () => {
    rejects(response('<Gather>\n<Redirect>/x</Redirect></Gather>'), 'ERR_TWIML_INVALID_NESTING', 12200, 2);
    rejects(response('<Gather><Gather/></Gather>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    rejects(response('<Gather><Number>1</Number></Gather>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    rejects(response('<Gather>press one</Gather>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
  });
});

describe('twiml: Record', () => {
  it('defaults: POST, timeout 5, every key finishes, maxLength 3600, beep, trim silence, completed event', () => {
    const record = only('Record', '<Record/>');
    assert.equal(record.action, undefined);
    assert.equal(record.method, 'POST');
    assert.equal(record.timeout, 5);
    assert.equal(record.finishOnKey, '1234567890*#');
    assert.equal(record.maxLength, 3600);
    assert.equal(record.playBeep, true);
    assert.equal(record.trim, 'trim-silence');
    assert.equal(record.recordingStatusCallback, undefined);
    assert.equal(record.recordingStatusCallbackMethod, 'POST');
    assert.deepEqual(record.recordingStatusCallbackEvent, ['completed']);
    assert.equal(record.recordingUrl, undefined);
  });

  it('every attribute, including the Kazoo recordingUrl', () => {
    const record = only(
      'Record',
      '<Record action="done.php" method="get" timeout="0" finishOnKey="#*" maxLength="30" playBeep="false" trim="do-not-trim" recordingStatusCallback="https://cb.example.com/rec" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed absent" recordingUrl="https://store.example.com/vm/"/>',
    );
    assert.equal(record.action, 'done.php');
    assert.equal(record.method, 'GET');
    assert.equal(record.timeout, 0);
    assert.equal(record.finishOnKey, '#*');
    assert.equal(record.maxLength, 30);
    assert.equal(record.playBeep, false);
    assert.equal(record.trim, 'do-not-trim');
    assert.equal(record.recordingStatusCallback, 'https://cb.example.com/rec');
    assert.equal(record.recordingStatusCallbackMethod, 'GET');
    assert.deepEqual(record.recordingStatusCallbackEvent, ['in-progress', 'completed', 'absent']);
    assert.equal(record.recordingUrl, 'https://store.example.com/vm/');
  });

  it('bounds and values', () => {
    rejects(response('<Record maxLength="0"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Record timeout="-5"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Record finishOnKey="12x"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Record trim="yes"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Record playBeep="1"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Record recordingStatusCallbackEvent="done"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 1);
    rejects(response('<Record recordingUrl="ftp://store/x"/>'), 'ERR_TWIML_INVALID_URL', 12200, 1);
    rejects(response('<Record> beep </Record>'), 'ERR_TWIML_INVALID_NESTING', 12200, 1);
    assert.equal(only('Record', '<Record finishOnKey=""/>').finishOnKey, '');
  });

  it('transcribe is accepted and ignored with a warning', () => {
    const doc = parse(response('<Record transcribe="true"/>'));
    assert.deepEqual(doc.warnings.map((w) => [w.code, w.twilioCode]), [['ERR_TWIML_UNSUPPORTED', undefined]]);
  });
});
