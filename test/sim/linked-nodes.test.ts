/**
 * Simulated nodes linked over SIP, and legs the switch routes through its XML dialplan (the shipped pivot-cluster
 * extension): a `sofia/<profile>/<user>@<address>` leg to a linked node arrives there as an inbound call carrying
 * the leg's X- headers as `sip_h_X-*` variables; a `loopback/<dest>/<context>` leg runs the context on its own
 * node; the two channels are bridged until either hangs up (BYE), and a leg that is not answered fails with the
 * cause sofia derives from the far node's response (hangup_cause_to_sip, sofia_glue_sip_cause_to_freeswitch).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FsSimulator, SimNetwork, XmlDialplan } from '../../src/sim/index.js';
import { RawServer, type RawConnection } from './helpers/raw-server.js';
import { SimSession, type Msg } from './helpers/sim-session.js';

const DIALPLAN = new XmlDialplan(readFileSync(join(process.cwd(), 'conf/freeswitch/pivot-cluster.xml'), 'utf8'));
const LEG = '6f0c1d3e-0000-4000-8000-00000000b001';
const TOKEN = 'pivot-leg-' + '0123456789abcdef'.repeat(2);
const NEAR = '127.0.0.1:5091';
const FAR = '127.0.0.1:5092';

/** Reads one ESL message of a raw connection as name → value (values URL-decoded). */
async function message(conn: RawConnection): Promise<Map<string, string>> {
  const raw = await conn.reader.next(5000);
  assert.ok(raw, 'a message');
  const out = new Map<string, string>();
  for (const line of raw.toString('utf8').split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) out.set(line.slice(0, at), decodeURIComponent(line.slice(at + 2)));
  }
  return out;
}

describe('simulator: linked nodes and routed legs', () => {
  let near: SimSession | undefined;
  let far: FsSimulator | undefined;
  let server: RawServer | undefined;

  afterEach(async () => {
    await near?.close();
    await far?.close();
    await server?.close();
    near = undefined;
    far = undefined;
    server = undefined;
  });

  /** A caller on a node at NEAR, a linked node at FAR, and the server the far node's legs are handed to. */
  async function linked(): Promise<{ c: SimSession; port: number }> {
    const network = new SimNetwork<FsSimulator>();
    near = await SimSession.ready({}, { dialplan: DIALPLAN, sip: { network, address: NEAR, context: 'pivot-cluster' } });
    far = new FsSimulator({ timeScale: 0.01, switchname: 'far', dialplan: DIALPLAN,
      sip: { network, address: FAR, context: 'pivot-cluster' } });
    server = new RawServer();
    const port = await server.listen();
    await near.execute('answer');
    await near.execute('set', 'continue_on_fail=true');
    return { c: near, port };
  }

  function legTo(port: number, where = FAR, destination = TOKEN): string {
    return `{originate_timeout=5}[origination_uuid=${LEG},sip_h_X-Pivot-Leg-Socket=127.0.0.1:${port},pivot_private=x]`
      + `sofia/pivot-cluster/${destination}@${where}`;
  }

  /** Accepts the far node's socket connection and reads its channel data. */
  async function arrive(): Promise<{ conn: RawConnection; data: Map<string, string> }> {
    assert.ok(server);
    const conn = await server.accept();
    conn.send('connect\n\n');
    return { conn, data: await message(conn) };
  }

  it('a sofia leg to a linked node arrives there as an inbound call running the extension, and is bridged when it answers', async () => {
    const { c, port } = await linked();
    await c.execute('bridge', legTo(port));
    const { conn, data } = await arrive();
    assert.equal(data.get('Caller-Destination-Number'), TOKEN);
    assert.equal(data.get('Call-Direction'), 'inbound');
    assert.equal(data.get('Answer-State'), 'ringing');
    assert.equal(data.get('Caller-Context'), 'pivot-cluster');
    assert.equal(data.get('Core-UUID'), far?.options.coreUuid);
    assert.equal(data.get('FreeSWITCH-Switchname'), 'far');
    assert.match(data.get('Channel-Name') ?? '', /^sofia\/pivot-cluster\/.*@127\.0\.0\.1$/);
    assert.equal(data.get('variable_sip_h_X-Pivot-Leg-Socket'), `127.0.0.1:${port}`, 'the X- header as a variable');
    assert.equal(data.get('variable_pivot_private'), undefined, 'only X- headers cross a SIP leg');
    assert.notEqual(data.get('Unique-ID'), LEG, 'the far channel has its own uuid');
    assert.equal(c.all('CHANNEL_BRIDGE').length, 0, 'not bridged before the far end answers');
    conn.send('sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n');
    const bridged = await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    assert.equal(bridged.get('Other-Leg-Unique-ID'), LEG);
    // The far end hangs up: a BYE ends the bridge on the near node.
    conn.send('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n');
    const done = await c.complete('bridge');
    assert.equal(done.get('variable_bridge_hangup_cause'), 'NORMAL_CLEARING');
    assert.equal(done.get('variable_originate_disposition'), 'SUCCESS');
  });

  it('the near caller hangs up while bridged: the far channel is hung up (BYE)', async () => {
    const { c, port } = await linked();
    await c.execute('bridge', legTo(port));
    const { conn } = await arrive();
    conn.send('myevents plain\n\n');
    conn.send('sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n');
    await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    c.call.hangup('NORMAL_CLEARING');
    for (;;) {
      const m = await message(conn);
      if (m.get('Event-Name') === 'CHANNEL_HANGUP') {
        assert.equal(m.get('Hangup-Cause'), 'NORMAL_CLEARING');
        break;
      }
    }
  });

  /** The far connection's events up to its CHANNEL_HANGUP, as `name` or `DTMF:<digit>:<source>`. */
  async function farEventsUntilHangup(conn: RawConnection): Promise<string[]> {
    const seen: string[] = [];
    for (;;) {
      const m = await message(conn);
      const name = m.get('Event-Name');
      if (name === 'DTMF') seen.push(`DTMF:${m.get('DTMF-Digit') ?? ''}:${m.get('DTMF-Source') ?? ''}`);
      if (name === 'CHANNEL_HANGUP') return seen;
    }
  }

  /**
   * A near call with `variable` set, bridged to the far node, whose far channel answers and runs `park` (which takes a
   * digit the moment it arrives): the state in which digits cross a bridge.
   */
  async function bridgedToParkedFar(variable: string): Promise<{ c: SimSession; conn: RawConnection }> {
    const { c, port } = await linked();
    await c.execute('set', variable);
    await c.execute('bridge', legTo(port));
    const { conn } = await arrive();
    conn.send('myevents plain\n\n');
    conn.send('sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n');
    await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    await farParks(conn);
    return { c, conn };
  }

  /** The far channel runs `park`, which takes a digit the moment it arrives. */
  async function farParks(conn: RawConnection): Promise<void> {
    conn.send('sendmsg\ncall-command: execute\nexecute-app-name: park\n\n');
    for (;;) {
      const m = await message(conn);
      if (m.get('Event-Name') === 'CHANNEL_EXECUTE' && m.get('Application') === 'park') return;
    }
  }

  it('while bridged, the near caller\'s digits are relayed to the far channel, which reports them as its own DTMF (RTP); '
    + 'the bridge_terminate_key is not', async () => {
    const { c, conn } = await bridgedToParkedFar('bridge_terminate_key=#');
    c.call.pressDigits('5*');
    const near = await c.until((m) => m.type === 'DTMF' && m.get('DTMF-Digit') === '*');
    assert.equal(near.get('Unique-ID'), c.call.uuid, 'the bridge takes the digit from the near caller');
    const dtmf: string[] = [];
    while (dtmf.length < 2) {
      const m = await message(conn);
      if (m.get('Event-Name') === 'DTMF') dtmf.push(`${m.get('DTMF-Digit') ?? ''}:${m.get('DTMF-Source') ?? ''}:${m.get('Unique-ID') === c.call.uuid}`);
    }
    assert.deepEqual(dtmf, ['5:RTP:false', '*:RTP:false']);
    c.call.pressDigits('#');
    await c.complete('bridge');
    assert.deepEqual(await farEventsUntilHangup(conn), [], 'the key ended the bridge and did not cross it');
  });

  it('bridge_filter_dtmf keeps the near caller\'s digits on the near side', async () => {
    const { c, conn } = await bridgedToParkedFar('bridge_filter_dtmf=true');
    c.call.pressDigits('7');
    await c.until((m) => m.type === 'DTMF' && m.get('DTMF-Digit') === '7');
    c.call.hangup('NORMAL_CLEARING');
    assert.deepEqual(await farEventsUntilHangup(conn), [], 'the far channel is hung up without a digit');
  });

  it('the far socket refuses: the extension hangs up with NORMAL_TEMPORARY_FAILURE, a 503 for the near node', async () => {
    const { c } = await linked();
    const closed = new RawServer();
    const dead = await closed.listen();
    await closed.close();
    await c.execute('bridge', legTo(dead));
    const done = await c.complete('bridge');
    assert.equal(done.get('variable_originate_disposition'), 'NORMAL_TEMPORARY_FAILURE');
    assert.equal(done.get('variable_sip_invite_failure_status'), '503');
  });

  it('a destination the context does not route: refused by the last extension, CALL_REJECTED (603)', async () => {
    const { c, port } = await linked();
    await c.execute('bridge', legTo(port, FAR, '5551234'));
    const done = await c.complete('bridge');
    assert.equal(done.get('variable_originate_disposition'), 'CALL_REJECTED');
    assert.equal(done.get('variable_sip_invite_failure_status'), '603');
  });

  it('a socket header that is not host:port is refused by the extension', () => {
    const vars = new Map([['sip_h_X-Pivot-Leg-Socket', '127.0.0.1:8084 async full|10.0.0.1:1']]);
    const actions = DIALPLAN.route('pivot-cluster', { fields: { destination_number: TOKEN }, variables: vars });
    assert.deepEqual(actions, [{ application: 'hangup', data: 'CALL_REJECTED' }]);
    const good = DIALPLAN.route('pivot-cluster', { fields: { destination_number: TOKEN },
      variables: new Map([['sip_h_X-Pivot-Leg-Socket', '10.0.0.5:8084']]) });
    assert.equal(good?.[0]?.application, 'socket');
  });

  it('the XML dialplan reads a plain field from the caller profile only, and expands `$` fields and expressions', () => {
    const plan = new XmlDialplan(`<include><context name="c">
      <extension name="by-variable"><condition field="destination_number" expression="^\\$\\{want\\}$|^x$"/>
        <condition field="want" expression="^yes$"><action application="hangup" data="USER_BUSY"/></condition></extension>
      <extension name="expanded"><condition field="\${want}" expression="^\${expect}$">
        <action application="socket" data="\${host}:1 async full"/></condition></extension>
    </context></include>`);
    const vars = new Map([['want', 'yes'], ['expect', 'yes'], ['host', '127.0.0.9']]);
    assert.deepEqual(plan.route('c', { fields: { destination_number: 'x' }, variables: vars }),
      [{ application: 'socket', data: '${host}:1 async full' }], 'a plain field never reads a variable');
    assert.equal(plan.route('other', { fields: {}, variables: vars }), undefined);
  });

  it('not answered within originate_timeout: NO_ANSWER, and the far channel gets a CANCEL (ORIGINATOR_CANCEL)', async () => {
    const { c, port } = await linked();
    await c.execute('bridge', legTo(port));
    const { conn } = await arrive();
    conn.send('myevents plain\n\n');
    const done = await c.complete('bridge');
    assert.equal(done.get('variable_originate_disposition'), 'NO_ANSWER');
    for (;;) {
      const m = await message(conn);
      if (m.get('Event-Name') === 'CHANNEL_HANGUP') {
        assert.equal(m.get('Hangup-Cause'), 'ORIGINATOR_CANCEL');
        break;
      }
    }
  });

  it('an address no node of the network has keeps its scripted outcome', async () => {
    const { c, port } = await linked();
    await c.execute('bridge', legTo(port, '127.0.0.1:5999'));
    const bridged: Msg = await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    assert.equal(bridged.get('Other-Leg-Unique-ID'), LEG);
  });

  it('a loopback leg into a context of the node\'s dialplan runs it on the -b side, with the leg\'s variables', async () => {
    const { c, port } = await linked();
    await c.execute('bridge', `{originate_timeout=5}[origination_uuid=${LEG},sip_h_X-Pivot-Leg-Socket=127.0.0.1:${port},`
      + `pivot_private=x]loopback/${TOKEN}/pivot-cluster`);
    const { conn, data } = await arrive();
    assert.equal(data.get('Channel-Name'), `loopback/${TOKEN}-b`);
    assert.equal(data.get('variable_loopback_leg'), 'B');
    assert.equal(data.get('variable_pivot_private'), 'x', '[] variables land on -b');
    assert.equal(data.get('Core-UUID'), c.sim.options.coreUuid, 'on the same node');
    conn.send('sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n');
    const bridged = await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    assert.equal(bridged.get('Other-Leg-Unique-ID'), LEG);
    conn.send('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n');
    await c.complete('bridge');
  });
});
