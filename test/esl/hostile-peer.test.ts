import assert from 'node:assert/strict';
import type { ErrorCode } from '../../src/errors.js';
import { commandReply, connectReply, jsonEvent } from '../support/frames.js';
import { eventually, startServer, type Harness } from '../support/harness.js';
import { RawPeer } from '../support/raw-peer.js';
import { FIRST_CALL_COMMAND } from '../support/raw-call.js';

/** Peers that are not a well-behaved FreeSWITCH: each is dropped with one logged code, the server keeps serving. */
describe('hostile Event Socket peers', () => {
  let h: Harness;
  let calls = 0;
  beforeEach(async () => {
    calls = 0;
    h = await startServer(async () => { calls++; }, { maxHeaderBytes: 8192 });
  });
  afterEach(async () => {
    await h.close();
  });

  async function assertDropped(peer: RawPeer, code: ErrorCode): Promise<void> {
    await peer.closed;
    await eventually(() => h.logs.withCode(code).length === 1, 1000, code);
    await eventually(() => h.server.openConnections === 0, 1000, 'no open connection');
    assert.equal(calls, 0, 'no call handler ran');
  }

  it('drops a peer that never answers connect, after the connect timeout', async () => {
    const peer = await RawPeer.connect(h.port);
    assert.equal((await peer.command(0)).line, 'connect');
    await assertDropped(peer, 'ERR_ESL_TIMEOUT');
  });

  it('drops a peer that sends endless garbage without a blank line', async () => {
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    peer.write(Buffer.alloc(20_000, 'x'));
    await assertDropped(peer, 'ERR_ESL_FRAME_TOO_LARGE');
  });

  it('drops a peer that sends a bad Content-Length', async () => {
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    peer.write('Content-Type: command/reply\nContent-Length: -12abc\n\n');
    await assertDropped(peer, 'ERR_ESL_PROTOCOL');
  });

  it('drops a peer whose JSON event is not JSON', async () => {
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    peer.write('Content-Length: 5\nContent-Type: text/event-json\n\n{"a":');
    await assertDropped(peer, 'ERR_ESL_PROTOCOL');
  });

  it('drops a peer whose reply to connect carries no channel', async () => {
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    peer.write(commandReply('+OK'));
    await assertDropped(peer, 'ERR_ESL_PROTOCOL');
  });

  it('drops a peer that sends binary noise with blank lines, then nothing useful', async () => {
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    peer.write(Buffer.concat([noise, Buffer.from('\n\n'), noise, Buffer.from('\n\n')]));
    await peer.closed;
    await eventually(() => h.server.openConnections === 0);
    assert.ok(h.logs.withCode('ERR_ESL_PROTOCOL').length + h.logs.withCode('ERR_ESL_TIMEOUT').length >= 1);
    assert.equal(calls, 0);
  });

  it('keeps serving well-behaved calls after hostile ones', async () => {
    const bad = await RawPeer.connect(h.port);
    bad.write(Buffer.alloc(20_000, 0));
    const good = await RawPeer.connect(h.port);
    await good.command(0);
    good.write(connectReply('good-1'));
    assert.equal((await good.command(1)).line, 'myevents json');
    good.socket.destroy();
    await eventually(() => h.server.openConnections === 0);
  });

  it('ignores events for other channels and unexpected content types', async () => {
    let seen = 0;
    await h.close();
    h = await startServer(async (channel) => {
      channel.on('dtmf', () => seen++);
      await channel.waitFor('dtmf', undefined, { timeoutMs: 1000 });
    });
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    peer.write(connectReply('mine'));
    for (let i = 1; i < FIRST_CALL_COMMAND; i++) { await peer.command(i); peer.write(commandReply('+OK')); }
    await eventually(() => h.channels.length === 1);
    peer.write('Content-Type: log/data\nContent-Length: 3\n\nabc');
    peer.write(jsonEvent({ 'Event-Name': 'DTMF', 'Unique-ID': 'someone-else', 'DTMF-Digit': '1' }));
    peer.write(jsonEvent({ 'Event-Name': 'DTMF', 'Unique-ID': 'mine', 'DTMF-Digit': '2' }));
    await eventually(() => (h.channels[0]?.signal.aborted ?? false) || seen > 0);
    assert.equal(seen, 1);
    peer.socket.destroy();
  });
});

describe('FreeSWITCH source addresses', () => {
  it('closes a connection from an address not allowed, before sending anything', async () => {
    const h = await startServer(async () => {}, { allowedSources: ['127.0.0.2'] });
    try {
      const peer = await RawPeer.connect(h.port, '127.0.0.1', '127.0.0.1');
      let received = 0;
      peer.socket.on('data', (d: Buffer) => { received += d.length; });
      await peer.closed;
      assert.equal(received, 0);
      assert.equal(peer.commands.length, 0);
      const [line] = h.logs.withCode('ERR_ESL_SOURCE_DENIED');
      assert.equal(line?.remoteAddress, '127.0.0.1');
      const allowed = await RawPeer.connect(h.port, '127.0.0.1', '127.0.0.2');
      assert.equal((await allowed.command(0)).line, 'connect');
      allowed.socket.destroy();
      await allowed.closed;
    } finally {
      await h.close();
    }
  });
});
