import assert from 'node:assert/strict';
import { twiml, TwimlServer } from '../support/twiml-server.js';
import { assertInOrder, CLI, runCliProcess, runNode, untimed } from './cli-process.js';

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
      'fs api uuid_answer',
      'verb Say "Welcome" (line 1)',
      'fs execute speak flite|rms|Welcome',
      'verb Gather numDigits=3 timeout=5s finishOnKey=# action=POST /digits prompts: Say "Enter your',
      "fs execute play_and_get_digits 0 3 1 5000 #D 'tts://flite|rms|Enter your code'",
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
      '--from', '1000', '--to', '2000', '--digits', '4', '--digits-at-ms', '6000', '--digits', '56', '--digits-at-ms', '6500',
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

  it('a voice URL that fails is shown with its code, and the call ends with exit 1 naming it', async () => {
    const run = await runCliProcess(['simulate', '--url', web.url('/missing'), '--time-scale', '0.05']);
    assert.equal(run.code, 1, run.stderr);
    assertInOrder(untimed(run.stdout), [`http POST ${web.url('/missing')}`,
      'http <- failed 404: ERR_WEBHOOK_HTTP_STATUS (Twilio 11200)', 'note warn ERR_WEBHOOK_HTTP_STATUS',
      'fs execute speak flite|rms|An application error has occurred. Goodbye.', 'call ended: NORMAL_CLEARING']);
    assertInOrder(run.stderr.split('\n'), ['pivot-esl simulate: error ERR_WEBHOOK_HTTP_STATUS (Twilio 11200): ',
      'pivot-esl simulate: the call hit an error: ERR_WEBHOOK_HTTP_STATUS']);
  });
});

/** `simulate` as a check in an app's CI: exit codes, the callee of a Dial, durations at a small time scale. */
describe('cli: simulate exit codes and the callee', () => {
  let web: TwimlServer;
  beforeEach(async () => { web = await TwimlServer.start(); });
  afterEach(async () => { await web.close(); });

  function simulate(...args: string[]): ReturnType<typeof runCliProcess> {
    return runCliProcess(['simulate', '--url', web.url('/voice'), '--time-scale', '0.05', ...args]);
  }

  it('exit 0 for an app whose call runs without an error', async () => {
    web.route('/voice', twiml('<Say>Hello</Say><Hangup/>'));
    const run = await simulate();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
  });

  it('exit 1 for invalid TwiML, naming its code', async () => {
    web.route('/voice', twiml('<Sya>Hello</Sya>'));
    const run = await simulate();
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /^pivot-esl simulate: error ERR_TWIML_UNKNOWN_VERB \(Twilio 12200\): .*<Sya>/m);
    assert.match(run.stderr, /the call hit an error: ERR_TWIML_UNKNOWN_VERB$/m);
  });

  it('exit 1 when the call reaches the request limit', async () => {
    web.route('/voice', twiml('<Redirect>/voice</Redirect>'));
    const run = await simulate();
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /^pivot-esl simulate: error ERR_CALL_REDIRECT_LIMIT: /m);
    assert.equal(web.to('/voice').length, 100);
  });

  it('a feature the server does not carry out is a warning, not an error', async () => {
    web.route('/voice', twiml('<Dial ringTone="zz">5551234</Dial>'));
    const run = await simulate();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^pivot-esl simulate: warning ERR_TWIML_UNSUPPORTED: unknown ringTone/m);
  });

  for (const [callee, status] of [['busy', 'busy'], ['no-answer', 'no-answer'], ['fail', 'failed']] as const) {
    it(`--callee ${callee} gives DialCallStatus=${status} to the action`, async () => {
      web.route('/voice', twiml('<Dial action="/after" timeout="5">5551234</Dial>'));
      web.route('/after', twiml('<Hangup/>'));
      const run = await simulate('--callee', callee);
      assert.equal(run.code, 0, run.stderr);
      const action = web.to('/after')[0];
      assert.equal(action?.params['DialCallStatus'], status);
      assert.equal(action?.params['DialCallDuration'], undefined);
    });
  }

  it('--time-scale 0.05: a 15 s bridge is DialCallDuration=15, and the status callbacks agree', async () => {
    web.route('/voice', twiml('<Dial action="/after"><Number statusCallback="/leg">5551234</Number></Dial>'));
    web.route('/after', twiml('<Hangup/>'));
    web.route('/leg', { status: 204, body: '' });
    web.route('/status', { status: 204, body: '' });
    const run = await runNode(CLI, ['simulate', '--url', web.url('/voice'), '--time-scale', '0.05',
      '--callee', 'answer', '--callee-answer-ms', '2000', '--callee-talk-ms', '15000'], 15_000,
    { PATH: process.env['PATH'] ?? '', PIVOT_STATUS_CALLBACK: web.url('/status') });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(web.to('/after')[0]?.params['DialCallDuration'], '15');
    assert.equal(web.to('/leg')[0]?.params['CallDuration'], '15', 'the leg\'s completed callback');
    const completed = web.to('/status')[0]?.params;
    assert.equal(completed?.['CallStatus'], 'completed');
    const seconds = Number(completed?.['CallDuration']);
    assert.ok(seconds >= 17 && seconds < 20, `the call was answered for 2 s of ringing and 15 s of bridge, not ${seconds} s`);
  });

  it('usage errors exit 2: an unknown callee, and answer times with another callee', async () => {
    const unknown = await simulate('--callee', 'maybe');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--callee must be answer or busy or no-answer or fail, not "maybe"/);
    const mixed = await simulate('--callee', 'busy', '--callee-talk-ms', '5000');
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--callee-answer-ms and --callee-talk-ms go with --callee answer, not busy/);
    assert.equal(web.requests.length, 0);
  });
});
