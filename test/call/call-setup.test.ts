import assert from 'node:assert/strict';
import pino from 'pino';
import { compileSettings, readCallSetup, type EngineSettings } from '../../src/call/index.js';
import { loadConfig } from '../../src/config/index.js';
import { AppError } from '../../src/errors.js';
import type { ChannelData } from '../../src/esl/index.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { LogCapture } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

/** Channel data that counts how often each variable is read. */
function channelData(vars: Record<string, string>, extra: Partial<ChannelData> = {}): { data: ChannelData;
  reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const data: ChannelData = {
    uuid: 'u-1', channelName: 'sofia/x', callerIdName: 'Ann', callerIdNumber: '+1555', destinationNumber: '8001234',
    direction: 'inbound', answerState: 'ringing', variables: vars, headers: {},
    variable: (name) => {
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return vars[name];
    },
    header: () => undefined, ...extra,
  };
  return { data, reads };
}

function settingsWith(call: Record<string, unknown> = {}): EngineSettings {
  return compileSettings(loadConfig({ env: {}, overrides: { call: { voiceUrl: 'https://default.example.com/voice', ...call } } }));
}

const ALL = {
  pivot_voice_url: 'https://app.example.com/v', pivot_voice_method: 'GET', pivot_req_format: 'kazoo',
  pivot_fallback_url: 'https://app.example.com/fb', pivot_status_callback: 'https://app.example.com/status',
  pivot_status_callback_method: 'GET', pivot_status_callback_event: 'answered, completed', pivot_debug: 'yes',
  ecallmgr_Realm: 'acme.example.com', 'ecallmgr_Account-ID': 'AC1', 'ecallmgr_Owner-ID': 'owner-1',
  sip_to_host: 'to.example.com',
};

describe('engine: the call setup read from the channel', () => {
  it('reads every variable once, into one value', () => {
    const { data, reads } = channelData(ALL);
    const setup = readCallSetup(data, settingsWith(), pino({ level: 'silent' }));
    for (const name of Object.keys(ALL)) assert.equal(reads.get(name), 1, name);
    assert.deepEqual([...reads.values()].filter((n) => n !== 1), []);
    assert.ok(!(setup.source instanceof AppError));
    assert.equal(setup.source.voiceUrl.href, 'https://app.example.com/v');
    assert.equal(setup.format, 'kazoo');
    assert.deepEqual([setup.statusTarget?.url.href, setup.statusTarget?.method, [...setup.statusTarget?.events ?? []]],
      ['https://app.example.com/status', 'GET', ['answered', 'completed']]);
    assert.equal(setup.debug, true);
    assert.equal(setup.realm, 'acme.example.com');
    assert.deepEqual([setup.identity.accountSid, setup.identity.userId], ['AC1', 'owner-1']);
  });

  it('status callback: the channel\'s, else the configured one; an invalid URL is reported and the default kept', () => {
    const configured = settingsWith({ statusCallback: { url: 'https://conf.example.com/st', events: ['completed'] } });
    const none = readCallSetup(channelData({}).data, settingsWith(), pino({ level: 'silent' }));
    assert.equal(none.statusTarget, undefined);
    const defaulted = readCallSetup(channelData({}).data, configured, pino({ level: 'silent' }));
    assert.deepEqual([defaulted.statusTarget?.url.href, [...defaulted.statusTarget?.events ?? []]],
      ['https://conf.example.com/st', ['completed']]);
    const logs = new LogCapture();
    const bad = readCallSetup(channelData({ pivot_status_callback: 'ftp://x/' }).data, configured, pino({ level: 'debug' }, logs));
    assert.equal(bad.statusTarget?.url.href, 'https://conf.example.com/st');
    assert.equal(logs.withCode('ERR_CALL_BAD_URL').length, 1, 'reported once');
    assert.equal(logs.lines[0]?.['callSid'], 'u-1', 'on the call\'s log');
  });

  it('realm: the configured one, else the account\'s, else the SIP To host, else empty', () => {
    const silent = pino({ level: 'silent' });
    const vars = { ecallmgr_Realm: 'acme.example.com', sip_to_host: 'to.example.com' };
    assert.equal(readCallSetup(channelData(vars).data, settingsWith({ dial: { realm: 'pbx.example.net' } }), silent).realm,
      'pbx.example.net');
    assert.equal(readCallSetup(channelData(vars).data, settingsWith(), silent).realm, 'acme.example.com');
    assert.equal(readCallSetup(channelData({ sip_to_host: 'to.example.com' }).data, settingsWith(), silent).realm, 'to.example.com');
    assert.equal(readCallSetup(channelData({}).data, settingsWith(), silent).realm, '');
  });

  it('debug log: only a true word asks for it; request format: the channel\'s, else the configured one', () => {
    const silent = pino({ level: 'silent' });
    assert.equal(readCallSetup(channelData({ pivot_debug: 'off' }).data, settingsWith(), silent).debug, false);
    assert.equal(readCallSetup(channelData({}).data, settingsWith(), silent).debug, false);
    assert.equal(readCallSetup(channelData({}).data, settingsWith({ reqFormat: 'kazoo' }), silent).format, 'kazoo');
    assert.equal(readCallSetup(channelData({ pivot_req_format: 'twiml' }).data, settingsWith({ reqFormat: 'kazoo' }), silent)
      .format, 'twilio');
  });

  it('a call without a usable voice URL carries its error as its source; the rest is still read', () => {
    const setup = readCallSetup(channelData({ pivot_voice_url: 'not a url', pivot_status_callback: 'https://a.example.com/s' }).data,
      settingsWith(), pino({ level: 'silent' }));
    assert.ok(setup.source instanceof AppError);
    assert.equal(setup.source.code, 'ERR_CALL_BAD_URL');
    assert.equal(setup.statusTarget?.url.href, 'https://a.example.com/s');
  });
});

describe('engine: a call run from a setup handed to the engine', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  it('runs from that setup, not from the channel: its source, direction, account and status callback', async () => {
    const placed = 'a0c1b2d3-api-call';
    e = await startEngine({
      call: { errorPrompt: '' },
      setupOf: (channel) => (channel.uuid !== placed ? undefined : {
        identity: { callSid: channel.uuid, accountSid: 'ACapi', from: '+15550001111', to: '+15550002222',
          direction: 'outbound-api' },
        source: { voiceUrl: new URL(e.web.url('/api')), method: 'POST', fallbackUrl: undefined },
        format: 'twilio',
        statusTarget: { url: new URL(e.web.url('/status')), method: 'POST', events: new Set(['completed'] as const) },
        debug: false,
        realm: '',
      }),
    });
    e.web.route('/api', twiml('<Hangup/>'));
    e.web.route('/status', { status: 204, body: '', contentType: 'text/plain' });
    const call = e.call({ uuid: placed, variables: { 'ecallmgr_Account-ID': 'ACchannel' } });
    await e.finish(call);
    assert.equal(e.web.to('/voice').length, 0, 'the channel\'s voice URL is not asked');
    const [fetched] = e.web.to('/api');
    assert.deepEqual([fetched?.params['Direction'], fetched?.params['AccountSid'], fetched?.params['From']],
      ['outbound-api', 'ACapi', '+15550001111']);
    const status = e.web.to('/status');
    assert.deepEqual(status.map((r) => [r.params['CallStatus'], r.params['Direction'], r.params['AccountSid']]),
      [['completed', 'outbound-api', 'ACapi']]);
  });
});
