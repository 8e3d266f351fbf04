import assert from 'node:assert/strict';
import { parseTwiml, TwimlError, validateTwiml } from '../../src/twiml/index.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type Dice, fixtureFiles, fuzzRounds, fuzzSeed, mutate } from './mutate.js';

/** Random and mutated TwiML documents fed to the parser and validator, and to live calls. */

const documents = fixtureFiles('twiml');
const SOURCE = new URL('http://127.0.0.1/voice');

const VERBS = ['Say', 'Play', 'Pause', 'Gather', 'Record', 'Redirect', 'Hangup', 'Reject', 'Set', 'Variable', 'Dial',
  'Number', 'Conference', 'Queue', 'Enqueue', 'Leave', 'Response', 'Bogus', 'say'];
const ATTRIBUTES = ['loop', 'length', 'timeout', 'numDigits', 'finishOnKey', 'action', 'method', 'voice', 'language',
  'maxLength', 'playBeep', 'bargeIn', 'reason', 'digits', 'key', 'value', 'recordingUrl', 'input', 'junk'];
const VALUES = ['0', '1', '-1', '5', '99999999999', '', '#', '*', 'GET', 'POST', 'PUT', 'true', 'false', 'man', '/x',
  'http://127.0.0.1:1/a', 'tone_stream://%(100,0,400)', 'ftp://x', '${system(rm)}', '1e9', 'NaN', '&amp;', '&#0;'];
const TEXTS = ['hello', '', ' ', '/media/a.wav', 'tone_stream://%(100,0,400)', '${uuid}', 'line\nbreak', '&lt;x&gt;',
  'http://127.0.0.1:1/b.wav', '\u0000', '<![CDATA[x]]>', 'é😀'];

/** A random document of the TwiML vocabulary (and some words outside it). */
function randomDocument(dice: Dice, depth = 0): string {
  const count = dice.below(depth === 0 ? 6 : 3);
  let out = '';
  for (let i = 0; i < count; i++) {
    const verb = dice.pick(VERBS);
    let attributes = '';
    for (let a = dice.below(3); a > 0; a--) attributes += ` ${dice.pick(ATTRIBUTES)}="${dice.pick(VALUES)}"`;
    const inner = depth < 3 && dice.chance(0.3) ? randomDocument(dice, depth + 1) : dice.pick(TEXTS);
    out += dice.chance(0.2) ? `<${verb}${attributes}/>` : `<${verb}${attributes}>${inner}</${verb}>`;
  }
  return depth === 0 ? `<?xml version="1.0" encoding="UTF-8"?><Response>${out}</Response>` : out;
}

function anyDocument(dice: Dice): string {
  if (dice.chance(0.5)) return randomDocument(dice);
  return mutate(dice.pick(documents), dice).toString(dice.chance(0.8) ? 'utf8' : 'latin1');
}

describe('fuzz: TwiML', function () {
  this.timeout(60_000);

  it('parseTwiml and validateTwiml never fail without a code', async () => {
    const seed = fuzzSeed(0x5eed03);
    const rounds = await fuzzRounds('twiml parser', seed, 5000, 2500, (dice) => {
      const xml = anyDocument(dice);
      const problems = validateTwiml(xml, SOURCE);
      for (const p of problems) assert.match(p.code, /^ERR_TWIML_/);
      try {
        parseTwiml(xml, SOURCE);
        assert.ok(problems.every((p) => p.severity !== 'error'), 'parsed although validation found an error');
      } catch (err) {
        assert.ok(err instanceof TwimlError, `not a TwimlError: ${String(err)}`);
        assert.match(err.code, /^ERR_TWIML_/);
        assert.ok(problems.some((p) => p.severity === 'error'), 'refused although validation found no error');
      }
    });
    assert.ok(rounds > 100, `only ${rounds} rounds ran`);
  });

  describe('in live calls', () => {
    let e: EngineHarness;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => { rejections.push(reason); };
    beforeEach(async () => {
      rejections.length = 0;
      process.on('unhandledRejection', onRejection);
      e = await startEngine({ webhook: { retryCount: 0, timeoutMs: 500 }, call: { maxRequests: 5 } });
    });
    afterEach(async () => {
      process.off('unhandledRejection', onRejection);
      await e.close();
    });

    it('every call ends, leaves nothing behind, and every warning or error line has a code', async () => {
      const seed = fuzzSeed(0x5eed04);
      const rounds = await fuzzRounds('live twiml', seed, 40, 8000, async (dice) => {
        const xml = anyDocument(dice);
        e.web.route('/voice', { body: xml });
        e.web.route('/x', { body: anyDocument(dice) });
        // The caller presses keys and hangs up within 5 s of call time (50 ms here), whatever the document does.
        const call = e.call({ caller: { digits: [{ atMs: 300, digits: '1#' }], hangupAtMs: 5000,
          speech: [{ atMs: 0, durationMs: 1000 }] } });
        await e.finish(call);
      });
      const uncoded = e.h.logs.lines.filter((l) => ['warn', 'error', 'fatal'].includes(String(l.level)) && typeof l.code !== 'string');
      assert.deepEqual(uncoded, []);
      const internal = e.h.logs.withCode('ERR_INTERNAL');
      assert.deepEqual(internal, [], 'no internal error');
      assert.deepEqual(rejections, []);
      assert.ok(rounds >= 10, `only ${rounds} rounds ran`);
    });
  });
});
