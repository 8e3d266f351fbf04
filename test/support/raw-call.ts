import { RawPeer } from './raw-peer.js';
import { commandReply, connectReply } from './frames.js';

/**
 * Connects a raw peer and plays FreeSWITCH's part up to the end of the subscription: answers `connect` with
 * channel data and `myevents`, `event`, `linger` with +OK. Returns the peer, its next command index at 4.
 */
export async function subscribedRawCall(port: number, uuid: string, extraChannelData = ''): Promise<RawPeer> {
  const peer = await RawPeer.connect(port);
  await peer.command(0);
  peer.write(connectReply(uuid, extraChannelData));
  await peer.command(1);
  peer.write(commandReply('+OK Events Enabled'));
  await peer.command(2);
  peer.write(commandReply('+OK event listener enabled json'));
  await peer.command(3);
  peer.write(commandReply('+OK will linger 10 seconds'));
  return peer;
}
