import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { percentDecode } from '../../src/esl/percent-decode.js';
import { fsEncode, prng } from './frame-feed.js';

describe('percentDecode', () => {
  it('returns a value without % unchanged', () => {
    for (const value of ['', 'plain', 'a+b', 'CS_EXECUTE', 'é 日本 😀', '_undef_']) {
      assert.equal(percentDecode(value), value);
    }
  });

  it('decodes the escapes FreeSWITCH writes', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['%2BOK%0A', '+OK\n'],
      ['Outbound%20Call', 'Outbound Call'],
      ['fd00%3A%3A2', 'fd00::2'],
      ['Mon,%2023%20Nov%202026%2019%3A44%3A09%20GMT', 'Mon, 23 Nov 2026 19:44:09 GMT'],
      ['ARRAY%3A%3A7102%7C%3A7102', 'ARRAY::7102|:7102'],
      ['http%3A//127.0.0.1%3A8090/twiml', 'http://127.0.0.1:8090/twiml'],
      ['Ren%C3%A9e', 'Renée'],
      ['%E6%97%A5%E6%9C%AC', '日本'],
      ['%F0%9F%98%80', '😀'],
      ['%c3%a9', 'é'],
      ['1+1%3D2', '1+1=2'],
    ];
    for (const [raw, want] of cases) assert.equal(percentDecode(raw), want, raw);
  });

  it('turns byte sequences that are not UTF-8 into U+FFFD', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['%E9%C3(', '\uFFFD\uFFFD('],
      ['Ren%E9e', 'Ren\uFFFDe'],
      ['%E6%97', '\uFFFD'],
      ['%E6%97x', '\uFFFDx'],
      ['%F0%9F%98', '\uFFFD'],
      ['%C0%AF', '\uFFFD\uFFFD'],
      ['%FF%FE', '\uFFFD\uFFFD'],
      // A literal `50%AB` passes FreeSWITCH's no-double-encode rule and reads as the byte 0xAB.
      ['50%AB', '50\uFFFD'],
    ];
    for (const [raw, want] of cases) assert.equal(percentDecode(raw), want, raw);
  });

  it('keeps a % that starts no escape as it is', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['%', '%'],
      ['100%', '100%'],
      ['%G1', '%G1'],
      ['%1G', '%1G'],
      ['abc%4', 'abc%4'],
      ['%4', '%4'],
      ['%%41', '%A'],
      ['50% off', '50% off'],
    ];
    for (const [raw, want] of cases) assert.equal(percentDecode(raw), want, raw);
  });

  it('decodes the good escapes of a value that also holds bad ones', () => {
    assert.equal(percentDecode('Caf%C3%A9%20%E9%2050%'), 'Café \uFFFD 50%');
    assert.equal(percentDecode('%E6%97%A5 %G1 %E9'), '日 %G1 \uFFFD');
    assert.equal(percentDecode('é %E9 日本 😀 %ZZ'), 'é \uFFFD 日本 😀 %ZZ');
  });

  it('undoes FreeSWITCH plain encoding for any text', () => {
    const random = prng(2024);
    const alphabet = ['a', 'Z', '0', ' ', '%', '+', ':', '|', '\n', '\r', '"', '\\', 'é', 'ß', '日', '本', '😀', '🎉',
      '\t', '~', '#', '&', '=', '?', '\u00a0', '\u2028'];
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const length = Math.floor(random() * 24);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(percentDecode(fsEncode(text)), text, JSON.stringify(text));
    }
  });

  it('never throws on arbitrary %-sequences and agrees with decodeURIComponent where that succeeds', () => {
    const random = prng(7);
    const alphabet = ['%', '%', '%', 'A', 'F', 'E', 'C', '9', '0', '8', 'G', 'a', 'f', '(', 'é', '日', '😀'];
    let bad = 0;
    for (let n = 0; n < 5000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 16);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const got = percentDecode(text);
      let strict: string | undefined;
      try {
        strict = decodeURIComponent(text);
      } catch {
        bad++;
      }
      if (strict !== undefined) assert.equal(got, strict, JSON.stringify(text));
      assert.equal(typeof got, 'string');
    }
    // The sample does hold many values that decodeURIComponent rejects.
    assert.ok(bad > 1000, String(bad));
  });
});
