import assert from 'node:assert/strict';
import { DEMO_DIGITS, runDemo, type DemoResult } from '../../src/demo/demo.js';
import { assertInOrder, DEMO, runNode, untimed } from './cli-process.js';

/** The demo: the sample IVR, the server and the simulator in one process, printed as a transcript. */
describe('demo', () => {
  let output: string[];
  let result: DemoResult;

  before(async () => {
    output = [];
    result = await runDemo({ sink: (line) => output.push(line) });
  });

  it('presses 1 then 2, and the call ends normally', () => {
    assert.deepEqual(DEMO_DIGITS, ['1', '2']);
    assert.equal(result.simulation.end.hangupCause, 'NORMAL_CLEARING');
    assert.equal(result.simulation.end.exitReceived, true);
  });

  it('the sample app receives the whole IVR flow, the recording by PUT among it', () => {
    assert.deepEqual(result.requests.map((r) => `${r.method} ${r.path}`), [
      'POST /ivr',
      'POST /ivr/menu',
      'POST /ivr/sales',
      'POST /ivr/menu',
      'POST /ivr/voicemail',
      `PUT /recordings/call_recording_${result.requests[0]?.params['CallSid'] ?? ''}_1.wav`,
      'POST /ivr/recorded',
    ]);
    const [first, menu1, sales, menu2, , , recorded] = result.requests;
    assert.equal(first?.params['CallStatus'], 'ringing');
    assert.equal(first?.params['From'], '+15551230001');
    assert.equal(menu1?.params['Digits'], '1');
    assert.equal(sales?.params['department'], 'sales', 'the <Set> variable is sent on later requests');
    assert.equal(sales?.params['Digits'], undefined, 'Digits only on the request that follows the Gather');
    assert.equal(menu2?.params['Digits'], '2');
    assert.match(recorded?.params['RecordingUrl'] ?? '', /\/recordings\/call_recording_.+_1\.wav$/);
    assert.ok(Number(recorded?.params['RecordingDuration']) >= 3, 'the caller talked for 3 s');
    assert.equal(result.recordings.length, 1);
    assert.equal(result.recordings[0]?.contentType, 'audio/wav');
    assert.ok((result.recordings[0]?.bytes ?? 0) > 44, 'the recording holds audio');
  });

  it('the transcript shows each request, verb, caller action and FreeSWITCH command in order', () => {
    assertInOrder(untimed(output), [
      /^call \+15551230001 calls \+15559870002: FreeSWITCH hands call/,
      'fs connect',
      'fs myevents json',
      'fs linger',
      /^http POST http:\/\/127\.0\.0\.1:\d+\/ivr$/,
      'CallStatus=ringing',
      'http <- 200 text/xml',
      'fs api uuid_answer',
      'verb Say "Thank you for calling Pivot Widgets." voice=alice (line 3)',
      'fs execute speak flite|slt|Thank you for calling Pivot Widgets.',
      'verb Gather numDigits=1 timeout=5s finishOnKey=# action=POST /ivr/menu',
      "fs execute play_and_get_digits 0 1 1 5000 #D 'tts://flite|rms|For sales, press 1.",
      'caller presses 1',
      /^http POST http:\/\/127\.0\.0\.1:\d+\/ivr\/menu$/,
      'Digits=1',
      'verb Set department=sales (line 3)',
      'verb Redirect POST /ivr/sales (line 4)',
      /^http POST .*\/ivr\/sales$/,
      'department=sales',
      'verb Say "All of our sales people are busy."',
      'verb Gather',
      'caller presses 2',
      /^http POST .*\/ivr\/menu$/,
      'Digits=2',
      'verb Redirect POST /ivr/voicemail',
      /^http POST .*\/ivr\/voicemail$/,
      'verb Say "Please leave a message after the beep.',
      'verb Record maxLength=30s timeout=3s finishOnKey=# action=POST /ivr/recorded',
      'recordingUrl=/recordings (line 4)',
      'fs execute playback tone_stream://',
      /^fs execute record \/\S+\.wav 30 200 3$/,
      'caller talks for 3.0s',
      /^http PUT http:\/\/127\.0\.0\.1:\d+\/recordings\/call_recording_\S+_1\.wav/,
      /audio\/wav, \d+ bytes/,
      'http <- 201',
      /^http POST .*\/ivr\/recorded$/,
      'RecordingUrl=',
      'http <- 200',
      'verb Say "Thank you. Your',
      'verb Hangup (line 4)',
      'fs api uuid_kill',
      'fs * channel hung up: NORMAL_CLEARING',
      'fs exit',
      'call ended: NORMAL_CLEARING',
      /^The sample app answered 7 requests and stored 1 recording/,
    ]);
  });

  it('reports no warning or error of the server', () => {
    assert.deepEqual(untimed(output).filter((l) => l.startsWith('note ')), []);
  });

  it('npm run demo: the process prints the transcript and exits 0 on its own', async () => {
    const run = await runNode(DEMO, [], 20_000);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assertInOrder(untimed(run.stdout), ['pivot-esl demo:', 'caller presses 1', 'caller presses 2', 'http PUT',
      'call ended: NORMAL_CLEARING', 'stored 1 recording']);
  });
});
