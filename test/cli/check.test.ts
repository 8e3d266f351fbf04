import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { twiml, TwimlServer } from '../support/twiml-server.js';
import { runCliProcess, runCliWithInput } from './cli-process.js';

const GOOD = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="alice">Hello</Say>
  <Gather action="next.xml" numDigits="1"><Say>Press a key</Say></Gather>
  <Redirect>/start</Redirect>
</Response>
`;

const BAD = `<Response>
  <Say loop="abc">Hello</Say>
  <Sayy>x</Sayy>
  <Gather numDigits="0" colour="red"><Dial>123</Dial></Gather>
</Response>
`;

/** A document moved over from Twilio: elements this server skips, around ones it runs. */
const TWILIO_APP = `<Response>
  <Start><Stream url="wss://media.example.com/stream"/></Start>
  <Say>Connecting you</Say>
  <Dial><Number>+15551230000</Number><Client>joey</Client></Dial>
</Response>
`;

/** `<Sip>` as Twilio's and Kazoo's examples write it: without the scheme. */
const SIP_WITHOUT_SCHEME = `<Response>
  <Dial><Sip>kate@example.com</Sip></Dial>
  <Dial><Sip>user@host.com:2600</Sip></Dial>
</Response>
`;

const WARNED = `<Response>
  <Say colour="red">Hello</Say>
</Response>
`;

const CONFERENCE = `<Response>
  <Dial hangupOnStar="true" timeLimit="30" timeout="10"><Conference>LoveTwilio</Conference></Dial>
</Response>
`;

/** `pivot-esl check <file|url>`, as a child process. */
describe('cli: check', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-check-'));
    writeFileSync(file('good.xml'), GOOD);
    writeFileSync(file('bad.xml'), BAD);
    writeFileSync(file('warned.xml'), WARNED);
    writeFileSync(file('twilio-app.xml'), TWILIO_APP);
    writeFileSync(file('conference.xml'), CONFERENCE);
    writeFileSync(file('sip.xml'), SIP_WITHOUT_SCHEME);
    writeFileSync(file('broken.xml'), '<Response>\n  <Say>unclosed\n</Response>\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a valid document: exit 0 and its verb count', async () => {
    const run = await runCliProcess(['check', file('good.xml')]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${file('good.xml')}: valid TwiML (3 verbs)\n`);
    assert.equal(run.stderr, '');
  });

  it('an invalid document: every problem with its code, Twilio number and line, then exit 1', async () => {
    const run = await runCliProcess(['check', file('bad.xml')]);
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\n');
    const name = file('bad.xml');
    assert.deepEqual(lines.map((l) => l.replace(/\): .*$/, ')')), [
      `${name}:2:3: error ERR_TWIML_INVALID_ATTRIBUTE (Twilio 12200)`,
      `${name}:3:3: error ERR_TWIML_UNKNOWN_VERB (Twilio 12200)`,
      `${name}:4:3: error ERR_TWIML_INVALID_ATTRIBUTE (Twilio 12200)`,
      `${name}:4:3: warning ERR_TWIML_UNKNOWN_ATTRIBUTE (Twilio 12200)`,
      `${name}:4:38: error ERR_TWIML_INVALID_NESTING (Twilio 12200)`,
      `${name}: invalid TwiML (4 errors, 1 warning)`,
    ]);
    assert.match(lines[1] ?? '', /<Sayy> is not a TwiML verb/);
  });

  it('a <Sip> URI without its scheme is valid (read as sip:)', async () => {
    const run = await runCliProcess(['check', file('sip.xml')]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.stdout, `${file('sip.xml')}: valid TwiML (2 verbs)\n`);
  });

  it('warnings alone leave the document valid', async () => {
    const run = await runCliProcess(['check', file('warned.xml')]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /warned\.xml:2:3: warning ERR_TWIML_UNKNOWN_ATTRIBUTE \(Twilio 12200\): /);
    assert.match(run.stdout, /warned\.xml: valid TwiML \(1 verb, 1 warning\)\n$/);
  });

  it('Twilio elements the server skips are warnings with their code: exit 0', async () => {
    const run = await runCliProcess(['check', file('twilio-app.xml')]);
    const name = file('twilio-app.xml');
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      `${name}:2:3: warning ERR_TWIML_SKIPPED: <Start> is not supported by this server; skipped`,
      `${name}:4:38: warning ERR_TWIML_SKIPPED: <Client> is not supported by this server; skipped`,
      `${name}: valid TwiML (2 verbs, 2 warnings)`,
    ]);
  });

  it('--strict makes them errors: exit 1', async () => {
    const run = await runCliProcess(['check', '--strict', file('twilio-app.xml')]);
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.replace(/: <.*$/, '')), [
      `${file('twilio-app.xml')}:2:3: error ERR_TWIML_SKIPPED`,
      `${file('twilio-app.xml')}:4:38: error ERR_TWIML_SKIPPED`,
      `${file('twilio-app.xml')}: invalid TwiML (2 errors, 0 warnings)`,
    ]);
    const good = await runCliProcess(['check', '--strict', file('good.xml')]);
    assert.equal(good.code, 0, good.stdout);
  });

  it('- reads the document from standard input, named <stdin>', async () => {
    const run = await runCliWithInput(['check', '-'], TWILIO_APP);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^<stdin>:2:3: warning ERR_TWIML_SKIPPED: <Start> /);
    assert.match(run.stdout, /\n<stdin>: valid TwiML \(2 verbs, 2 warnings\)\n$/);
    const strict = await runCliWithInput(['check', '--strict', '-'], TWILIO_APP);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /\n<stdin>: invalid TwiML \(2 errors, 0 warnings\)\n$/);
    const bad = await runCliWithInput(['check', '-'], BAD);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^<stdin>:2:3: error ERR_TWIML_INVALID_ATTRIBUTE \(Twilio 12200\)/);
  });

  it('a Dial attribute that does not apply to its Conference: a warning with its code', async () => {
    const run = await runCliProcess(['check', file('conference.xml')]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${file('conference.xml')}:2:3: warning ERR_TWIML_NOT_APPLICABLE: <Dial> timeout does not ` +
      `apply to <Conference> (nothing rings); it is ignored\n${file('conference.xml')}: valid TwiML (1 verb, 1 warning)\n`);
  });

  it('XML that is not well-formed: 12100', async () => {
    const run = await runCliProcess(['check', file('broken.xml')]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /broken\.xml:\d+:\d+: error ERR_TWIML_PARSE \(Twilio 12100\): /);
  });

  it('a file that cannot be read: exit 1 with ERR_CLI_READ', async () => {
    const run = await runCliProcess(['check', file('absent.xml')]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pivot-esl check: error ERR_CLI_READ: cannot read .*absent\.xml/);
  });

  describe('a URL, fetched once', () => {
    let web: TwimlServer;
    beforeEach(async () => { web = await TwimlServer.start(); });
    afterEach(async () => { await web.close(); });

    it('valid TwiML: exit 0; one GET without call parameters', async () => {
      web.route('/ok', twiml('<Say>Hi</Say><Hangup/>'));
      const run = await runCliProcess(['check', web.url('/ok')]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${web.url('/ok')}: valid TwiML (2 verbs)\n`);
      assert.equal(web.requests.length, 1);
      assert.equal(web.requests[0]?.method, 'GET');
      assert.equal(web.requests[0]?.query.toString(), '');
    });

    it('--method POST; problems name the URL and the line', async () => {
      web.route('/bad', '<Response>\n<Play loop="-1">x.wav</Play>\n</Response>');
      const run = await runCliProcess(['check', '--method', 'POST', web.url('/bad')]);
      assert.equal(run.code, 1);
      assert.equal(web.requests[0]?.method, 'POST');
      assert.match(run.stdout, new RegExp(`^${web.url('/bad')}:2:1: error ERR_TWIML_INVALID_ATTRIBUTE \\(Twilio 12200\\): `));
    });

    it('a reply that is not TwiML: 12300', async () => {
      web.route('/html', { contentType: 'text/html', body: '<html><body>hello</body></html>' });
      const run = await runCliProcess(['check', web.url('/html')]);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /: error ERR_TWIML_CONTENT_TYPE \(Twilio 12300\): .*text\/html/);
    });

    it('a failed fetch: exit 1 with the webhook code', async () => {
      const run = await runCliProcess(['check', web.url('/nowhere')]);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^pivot-esl check: error ERR_WEBHOOK_HTTP_STATUS \(Twilio 11200\): .*404/);
    });
  });
});
