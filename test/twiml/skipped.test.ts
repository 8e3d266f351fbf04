import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { validateTwiml } from '../../src/twiml/index.js';
import { BASE, parse, rejects, response } from './helpers.js';

describe('twiml: Twilio verbs and nouns this server does not run', () => {
  it('<Start><Stream/></Start> is skipped with a warning and the rest of the document is kept', () => {
    const doc = parse('<Response>\n  <Start><Stream url="wss://media.example.com/s"><Parameter name="a" value="1"/></Stream></Start>\n' +
      '  <Say>Hello</Say>\n</Response>');
    assert.deepEqual(doc.verbs.map((v) => v.kind), ['Say']);
    assert.deepEqual(doc.warnings.map((w) => [w.severity, w.code, w.twilioCode, w.line, w.column, w.element]),
      [['warning', 'ERR_TWIML_SKIPPED', undefined, 2, 3, 'Start']]);
    assert.match(doc.warnings[0]?.message ?? '', /<Start> is not supported by this server; skipped/);
  });

  it('skips every known Twilio verb and noun wherever it appears, once, with what it contains', () => {
    const doc = parse(response('<Echo/><Stop><Stream name="s"/></Stop><Sms to="+1">hi</Sms><Message>hi</Message>' +
      '<Gather><Say>press</Say><Siprec/></Gather><Queue>support</Queue>'));
    assert.deepEqual(doc.verbs.map((v) => v.kind), ['Gather']);
    assert.deepEqual(doc.warnings.map((w) => w.element), ['Echo', 'Stop', 'Sms', 'Message', 'Siprec', 'Queue']);
    assert.ok(doc.warnings.every((w) => w.code === 'ERR_TWIML_SKIPPED' && w.severity === 'warning'));
  });

  it('keeps Pay, Refer and Connect in place with their action and method only', () => {
    const doc = parse(response('<Say>a</Say><Pay chargeAmount="10.00" action="/paid" method="GET"><Prompt for="payment-card-number">' +
      '<Say>Card?</Say></Prompt></Pay><Refer action="refer-done"><Sip>sip:x@example.com</Sip></Refer>' +
      '<Connect><ConversationRelay url="wss://ai.example.com"/></Connect><Say>b</Say>'));
    assert.deepEqual(doc.verbs.map((v) => v.kind), ['Say', 'Pay', 'Refer', 'Connect', 'Say']);
    const [, pay, refer, connect] = doc.verbs;
    assert.ok(pay?.kind === 'Pay' && refer?.kind === 'Refer' && connect?.kind === 'Connect');
    assert.deepEqual([pay.action, pay.method, refer.action, refer.method, connect.action], ['/paid', 'GET', 'refer-done', 'POST', undefined]);
    assert.deepEqual(doc.warnings.map((w) => [w.code, w.element]),
      [['ERR_TWIML_SKIPPED', 'Pay'], ['ERR_TWIML_SKIPPED', 'Refer'], ['ERR_TWIML_SKIPPED', 'Connect']]);
    rejects(response('<Pay action="javascript:x()"/>'), 'ERR_TWIML_INVALID_URL', 12200, 1);
  });

  it('strict checking makes each skipped element an error with the same code', () => {
    const xml = response('<Start><Stream url="wss://x.example.com"/></Start><Dial><Number>1</Number><Client>a</Client></Dial>');
    const problems = validateTwiml(xml, BASE, undefined, { strict: true });
    assert.deepEqual(problems.map((p) => [p.severity, p.code, p.element]),
      [['error', 'ERR_TWIML_SKIPPED', 'Start'], ['error', 'ERR_TWIML_SKIPPED', 'Client']]);
    assert.match(problems[0]?.message ?? '', /not supported by this server \(it is skipped unless checking strictly\)/);
    assert.ok(validateTwiml(xml, BASE).every((p) => p.severity === 'warning'));
  });

  it('a name that is not TwiML at all stays an error (Twilio 12200), with the right case suggested', () => {
    rejects(response('<Sayy>x</Sayy><Say>ok</Say>'), 'ERR_TWIML_UNKNOWN_VERB', 12200, 1);
    const [problem] = validateTwiml(response('<start><Stream/></start>'), BASE);
    assert.deepEqual([problem?.severity, problem?.code], ['error', 'ERR_TWIML_UNKNOWN_VERB']);
    assert.match(problem?.message ?? '', /<Start>/);
    assert.equal(ERROR_CATALOGUE.ERR_TWIML_SKIPPED.level, 'warn');
  });
});
