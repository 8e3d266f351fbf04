import assert from 'node:assert/strict';
import { twiml, TwimlServer } from '../support/twiml-server.js';
import { assertInOrder, runCliProcess, untimed } from './cli-process.js';

/** `pivot-esl simulate` against a local TwiML server, as a child process. */
describe('cli: simulate', () => {
  let web: TwimlServer;

  beforeEach(async () => {
    web = await TwimlServer.start();
    web.route('/voice', twiml('<Say>Welcome</Say><Gather numDigits="3" action="/digits"><Say>Enter your code</Say></Gather>' +
      '<Say>No input</Say>'));
    web.route('/digits', (req) => twiml(`<Say>You entered ${req.params['Digits'] ?? req.query.get('Digits') ?? ''}</Say><Hangup/>`));
  });
  afterEach(async () => { await web.close(); });

  it('presses the keys after the Gather begins and prints the call as a transcript', async () => {
    const run = await runCliProcess(['simulate', '--url', web.url('/voice'), '--digits', '123', '--time-scale', '0.05']);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assertInOrder(untimed(run.stdout), [
      `call 5551234 calls 7001: FreeSWITCH hands call`,
      `voice URL POST ${web.url('/voice')}`,
      'fs connect',
      `http POST ${web.url('/voice')}`,
      /CallSid=\S+ +From=5551234 +To=7001/,
      'http <- 200 text/xml',
      'fs execute answer',
      'verb Say "Welcome" (line 1)',
      'fs execute speak flite|rms|Welcome',
      'verb Gather numDigits=3 timeout=5s finishOnKey=# action=POST /digits prompts: Say "Enter your',
      'fs execute speak flite|rms|Enter your code',
      'caller presses 123',
      `http POST ${web.url('/digits')}`,
      'Digits=123',
      'verb Say "You entered 123"',
      'fs execute speak flite|rms|You entered 123',
      'verb Hangup',
      'fs api uuid_kill',
      'fs exit',
      'call ended: NORMAL_CLEARING',
    ]);
    assert.deepEqual(web.requests.map((r) => `${r.method} ${r.path}`), ['POST /voice', 'POST /digits']);
    assert.equal(web.requests[1]?.params['Digits'], '123');
  });

  it('GET, Kazoo names, numbers, and keys at fixed times', async () => {
    const run = await runCliProcess(['simulate', '--url', web.url('/voice'), '--method', 'get', '--format', 'kazoo',
      '--from', '1000', '--to', '2000', '--digits', '4', '--digits-at-ms', '4000', '--digits', '56', '--digits-at-ms', '4500',
      '--time-scale', '0.05']);
    assert.equal(run.code, 0, run.stderr);
    const [first, second] = web.requests;
    assert.equal(first?.method, 'GET');
    assert.equal(first?.query.get('From'), '1000');
    assert.equal(first?.query.get('To'), '2000');
    assert.equal(first?.query.get('Call-Status'), 'ringing');
    assert.ok(first?.query.get('Call-ID'));
    assert.equal(second?.path, '/digits');
    assert.equal(second?.method, 'POST', 'the Gather action keeps its own method');
    assert.equal(second?.params['Digits'], '456');
    assertInOrder(untimed(run.stdout), [`http GET ${web.url('/voice')}`, 'Call-ID=', 'caller presses 4', 'caller presses 56',
      `http POST ${web.url('/digits')}`, 'Digits=456', 'call ended']);
  });

  it('the caller hangs up at the given time; without keys the Gather times out', async () => {
    web.route('/voice', twiml('<Gather timeout="2"><Say>Say something</Say></Gather><Pause length="60"/>'));
    const run = await runCliProcess(['simulate', '--url', web.url('/voice'), '--hangup-at-ms', '8000', '--time-scale', '0.05']);
    assert.equal(run.code, 0, run.stderr);
    const lines = untimed(run.stdout);
    assertInOrder(lines, ['verb Gather', 'verb Pause 60s', 'fs execute sleep 60000', 'caller hangs up (at 8000 ms)',
      'fs * channel hung up: NORMAL_CLEARING', 'call ended: NORMAL_CLEARING']);
    assert.equal(lines.some((l) => l.startsWith('caller presses')), false);
    assert.equal(web.requests.length, 1);
  });

  it('a voice URL that fails is shown with its code, and the call still ends with exit 0', async () => {
    const run = await runCliProcess(['simulate', '--url', web.url('/missing'), '--time-scale', '0.05']);
    assert.equal(run.code, 0, run.stderr);
    assertInOrder(untimed(run.stdout), [`http POST ${web.url('/missing')}`,
      'http <- failed 404: ERR_WEBHOOK_HTTP_STATUS (Twilio 11200)', 'note warn ERR_WEBHOOK_HTTP_STATUS',
      'fs execute speak flite|rms|An application error has occurred. Goodbye.', 'call ended: NORMAL_CLEARING']);
  });
});
