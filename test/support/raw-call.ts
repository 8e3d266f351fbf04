import { RawPeer } from './raw-peer.js';
import { commandReply, connectReply } from './frames.js';

/** FreeSWITCH's replies to the subscription commands a call sends after `connect`, by command. */
const SUBSCRIPTION_REPLIES: Readonly<Record<string, string>> = {
  myevents: '+OK Events Enabled',
  nixevent: '+OK events nixed',
  event: '+OK event listener enabled json',
  linger: '+OK will linger 10 seconds',
};

/** The index of the first command a call sends once subscribed (after connect, myevents, nixevent, event, linger). */
export const FIRST_CALL_COMMAND = 5;

/**
 * Connects a raw peer and plays FreeSWITCH's part up to the end of the subscription: answers `connect` with
 * channel data and `myevents`, `nixevent`, `event`, `linger` with +OK. Returns the peer, its next command index at
 * {@link FIRST_CALL_COMMAND}.
 */
export async function subscribedRawCall(port: number, uuid: string, extraChannelData = ''): Promise<RawPeer> {
  const peer = await RawPeer.connect(port);
  await peer.command(0);
  peer.write(connectReply(uuid, extraChannelData));
  for (let i = 1; i < FIRST_CALL_COMMAND; i++) {
    const command = (await peer.command(i)).line.split(' ')[0] ?? '';
    const reply = SUBSCRIPTION_REPLIES[command];
    if (reply === undefined) throw new Error(`unexpected subscription command ${command}`);
    peer.write(commandReply(reply));
  }
  return peer;
}
