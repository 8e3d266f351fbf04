import assert from 'node:assert/strict';
import { AppError } from '../../src/errors.js';
import { INLINE_TWIML_BASE, isInlineBase, parseInlineTwiml } from '../../src/twiml/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

describe('TwiML given inline', () => {
  it('parses a document whose URLs are absolute; its base is the inline one', () => {
    const document = parseInlineTwiml('<Response><Gather action="https://app.example.com/g"><Play>https://cdn.example.com/a.mp3</Play>' +
      '</Gather><Play>tone_stream://%(100,0,440)</Play><Dial><Number url="https://app.example.com/w">5551234</Number></Dial>' +
      '<Redirect>https://app.example.com/next</Redirect></Response>');
    assert.equal(document.verbs.length, 4);
    assert.equal(isInlineBase(document.source), true);
    assert.equal(isInlineBase(new URL('https://app.example.com/')), false);
    assert.equal(INLINE_TWIML_BASE.protocol, 'https:');
  });

  it('refuses a relative URL anywhere: an action, a body, a noun\'s, a callback (15004)', () => {
    for (const doc of [
      '<Gather action="/g"/>',
      '<Play>hold.mp3</Play>',
      '<Redirect>next.xml</Redirect>',
      '<Gather action="https://a.example.com/g"><Play>/hold.mp3</Play></Gather>',
      '<Dial><Number url="whisper">5551234</Number></Dial>',
      '<Dial><Conference statusCallback="/status">room</Conference></Dial>',
      '<Enqueue waitUrl="wait.xml">q</Enqueue>',
      '<Record action="https://a.example.com/r" recordingStatusCallback="/rs"/>',
    ]) {
      assert.equal(codeOf(() => parseInlineTwiml(`<Response>${doc}</Response>`)), 'ERR_API_TWIML_RELATIVE_URL', doc);
    }
  });

  it('refuses a recording with no action to upload it to (11100); one with an action is accepted', () => {
    for (const doc of ['<Record/>', '<Dial record="record-from-answer"><Number>5551234</Number></Dial>',
      '<Dial><Conference record="record-from-start">room</Conference></Dial>']) {
      assert.equal(codeOf(() => parseInlineTwiml(`<Response>${doc}</Response>`)), 'ERR_API_TWIML_NO_ACTION', doc);
    }
    assert.equal(codeOf(() => parseInlineTwiml('<Response><Record action="https://a.example.com/r"/></Response>')), undefined);
    assert.equal(codeOf(() => parseInlineTwiml('<Response><Dial><Number>5551234</Number></Dial></Response>')), undefined);
  });

  it('is checked as any document is (12100 for what is not TwiML)', () => {
    assert.equal(codeOf(() => parseInlineTwiml('<Say>no root</Say>')), 'ERR_TWIML_PARSE');
  });
});
