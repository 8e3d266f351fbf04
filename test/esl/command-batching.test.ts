import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { OutboundConnection } from '../../src/esl/outbound-connection.js';
import { commandReply, connectReply } from '../support/frames.js';
import { startServer, type Harness } from '../support/harness.js';
import { RawPeer } from '../support/raw-peer.js';

/** A loopback socket pair: the side FreeSWITCH would connect from, and the side the server accepted. */
async function socketPair(): Promise<{ server: Server; accepted: Socket; peer: Socket }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const acceptedP = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const peer = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
  const accepted = await acceptedP;
  return { server, accepted, peer };
}

describe('ESL commands sent in one turn leave in one write', () => {
  let pair: Awaited<ReturnType<typeof socketPair>> | undefined;
  afterEach(async () => {
    pair?.peer.destroy();
    pair?.accepted.destroy();
    await new Promise<void>((resolve) => pair?.server.close(() => resolve()) ?? resolve());
    pair = undefined;
  });

  it('joins the commands of one turn into one socket write, and writes a later turn separately', async () => {
    pair = await socketPair();
    const conn = new OutboundConnection(pair.accepted);
    const writes: string[] = [];
    const write = pair.accepted.write.bind(pair.accepted);
    pair.accepted.write = ((data: string) => { writes.push(String(data)); return write(data); });
    conn.send('api uuid_setvar u1 playback_terminators none');
    conn.send('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'speak' });
    assert.equal(writes.length, 0, 'held until the turn has run');
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(writes, ['api uuid_setvar u1 playback_terminators none\n\n' +
      'sendmsg\ncall-command: execute\nexecute-app-name: speak\n\n']);
    conn.send('exit');
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(writes.slice(1), ['exit\n\n']);
  });

  it('writes nothing a turn held once the socket is gone', async () => {
    pair = await socketPair();
    const conn = new OutboundConnection(pair.accepted);
    const writes: string[] = [];
    const write = pair.accepted.write.bind(pair.accepted);
    pair.accepted.write = ((data: string) => { writes.push(String(data)); return write(data); });
    conn.send('exit');
    pair.accepted.destroy();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(writes, []);
  });
});

describe('the subscription is sent at once', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('sends myevents, nixevent, event and linger before FreeSWITCH has replied to any of them, in that order', async () => {
    h = await startServer((channel) => channel.waitFor('hangup').then(() => undefined));
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    peer.write(connectReply('batch-1'));
    const linger = await peer.command(4);
    assert.deepEqual(peer.commands.map((c) => c.line.split(' ')[0]), ['connect', 'myevents', 'nixevent', 'event', 'linger']);
    assert.equal(linger.line, 'linger 10');
    peer.write(commandReply('+OK Events Enabled') + commandReply('+OK events nixed') +
      commandReply('+OK event listener enabled json') + commandReply('+OK will linger 10 seconds'));
    peer.socket.destroy();
    await peer.closed;
  });
});
