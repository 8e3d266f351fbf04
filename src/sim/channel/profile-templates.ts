/**
 * Channel templates for the two kinds of call the captures show: a loopback B-leg
 * (esl-captures/connect-reply-loopback.txt) and a SIP call from sipp
 * (esl-captures/connect-reply-sip.txt). Header and variable order follow those captures.
 */
import type { HeaderValue } from '../wire/event-encoder.js';
import { Channel, type AnswerState, type ChannelKind, type Codec } from './channel.js';
import { VarStore } from './var-store.js';

/** Everything that identifies a simulated channel. */
export interface ChannelSeed {
  readonly kind: ChannelKind;
  readonly uuid: string;
  readonly channelName?: string;
  readonly callerIdName?: string;
  readonly callerIdNumber: string;
  readonly destinationNumber: string;
  readonly direction: 'inbound' | 'outbound';
  readonly answerState: 'ringing' | 'early' | 'answered';
  readonly createdUs: number;
  readonly sessionId: number;
  readonly otherLegUuid: string;
  readonly socketArg: string;
  readonly socketHost: string;
  readonly context: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly fullSize: boolean;
}

/** L16 on loopback legs; PCMU once a SIP call has media. */
export const LOOPBACK_CODEC: Codec = { name: 'L16', rate: '8000', bitRate: '128000' };
/** The codec sipp negotiated in the SIP captures. */
export const SIP_CODEC: Codec = { name: 'PCMU', rate: '8000', bitRate: '64000' };

const CALL_STATE: Record<ChannelSeed['answerState'], string> = {
  ringing: 'RINGING',
  early: 'EARLY',
  answered: 'ACTIVE',
};

/** The default channel name of a seed. */
export function channelNameOf(seed: ChannelSeed): string {
  if (seed.channelName) return seed.channelName;
  return seed.kind === 'sip'
    ? `sofia/internal/${seed.callerIdNumber}@127.0.0.1:5070`
    : `loopback/${seed.destinationNumber}-b`;
}

function buildProfile(seed: ChannelSeed, name: string): Map<string, string> {
  const p = new Map<string, string>();
  const t = String(seed.createdUs);
  const sip = seed.kind === 'sip';
  const callerName = seed.callerIdName ?? (sip ? seed.callerIdNumber : undefined);
  p.set('Direction', seed.direction);
  p.set('Logical-Direction', seed.direction);
  if (sip) p.set('Username', seed.callerIdNumber);
  p.set('Dialplan', sip ? 'XML' : 'xml');
  if (callerName) p.set('Caller-ID-Name', callerName);
  p.set('Caller-ID-Number', seed.callerIdNumber);
  if (callerName) p.set('Orig-Caller-ID-Name', callerName);
  p.set('Orig-Caller-ID-Number', seed.callerIdNumber);
  if (sip) {
    p.set('Network-Addr', '127.0.0.1');
  } else {
    p.set('Callee-ID-Name', 'Outbound Call');
    p.set('Callee-ID-Number', 'default');
  }
  p.set('ANI', seed.callerIdNumber);
  p.set('Destination-Number', seed.destinationNumber);
  p.set('Unique-ID', seed.uuid);
  p.set('Source', sip ? 'mod_sofia' : 'mod_loopback');
  p.set('Context', seed.context);
  p.set('Channel-Name', name);
  p.set('Profile-Index', '1');
  p.set('Profile-Created-Time', t);
  p.set('Channel-Created-Time', t);
  p.set('Channel-Answered-Time', seed.answerState === 'answered' ? t : '0');
  p.set('Channel-Progress-Time', '0');
  p.set('Channel-Progress-Media-Time', seed.answerState === 'early' ? t : '0');
  for (const f of ['Hangup-Time', 'Transfer-Time', 'Resurrect-Time', 'Bridged-Time', 'Last-Hold', 'Hold-Accum']) {
    p.set('Channel-' + f, '0');
  }
  p.set('Screen-Bit', 'true');
  p.set('Privacy-Hide-Name', 'false');
  p.set('Privacy-Hide-Number', 'false');
  return p;
}

function loopbackVars(seed: ChannelSeed, name: string): Array<[string, HeaderValue]> {
  const v: Array<[string, HeaderValue]> = [
    ['direction', seed.direction],
    ['uuid', seed.uuid],
    ['session_id', String(seed.sessionId)],
    ['channel_name', name],
    ['read_codec', 'L16'],
    ['read_rate', '8000'],
    ['write_codec', 'L16'],
    ['write_rate', '8000'],
    ['origination_caller_id_number', seed.callerIdNumber],
  ];
  if (seed.callerIdName) v.push(['origination_caller_id_name', seed.callerIdName]);
  v.push(
    ['other_loopback_leg_uuid', seed.otherLegUuid],
    ['loopback_leg', 'B'],
    ['DP_MATCH', [seed.destinationNumber, seed.destinationNumber]],
    ['call_uuid', seed.uuid],
  );
  return v;
}

function sipVars(seed: ChannelSeed, name: string): Array<[string, HeaderValue]> {
  const num = seed.callerIdNumber;
  const display = seed.callerIdName ?? num;
  const dest = seed.destinationNumber;
  const tag = seed.uuid.slice(0, 8) + 'Tag001';
  const callId = seed.uuid.slice(0, 13) + '@127.0.0.1';
  const from = `${num}@127.0.0.1:5070`;
  const to = `${dest}@127.0.0.1:5060`;
  const sdp =
    'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    'm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n' +
    'a=fmtp:101 0-15\r\na=ptime:20\r\n';
  return [
    ['direction', seed.direction],
    ['uuid', seed.uuid],
    ['session_id', String(seed.sessionId)],
    ['sip_from_user', num],
    ['sip_from_port', '5070'],
    ['sip_from_uri', from],
    ['sip_from_host', '127.0.0.1'],
    ['video_media_flow', 'disabled'],
    ['audio_media_flow', 'disabled'],
    ['text_media_flow', 'disabled'],
    ['channel_name', name],
    ['sip_call_id', callId],
    ['sip_local_network_addr', '127.0.0.1'],
    ['sip_network_ip', '127.0.0.1'],
    ['sip_network_port', '5070'],
    ['sip_invite_stamp', String(seed.createdUs)],
    ['acl_token', `${num}@127.0.0.1`],
    ['sip_received_ip', '127.0.0.1'],
    ['sip_received_port', '5070'],
    ['sip_via_protocol', 'udp'],
    ['sip_authorized', 'true'],
    ['sip_acl_authed_by', 'domains'],
    ['sip_acl_token', `${num}@127.0.0.1`],
    ['record_stereo', 'true'],
    ['default_gateway', 'example.com'],
    ['default_areacode', '918'],
    ['transfer_fallback_extension', 'operator'],
    ['user_context', seed.context],
    ['accountcode', num],
    ['user_name', num],
    ['domain_name', '127.0.0.1'],
    ['sip_from_user_stripped', num],
    ['sip_from_tag', tag],
    ['sofia_profile_name', 'internal'],
    ['sofia_profile_url', 'sip:mod_sofia@127.0.0.1:5060'],
    ['recovery_profile_name', 'internal'],
    ['sip_full_via', `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-${tag}`],
    ['sip_from_display', display],
    ['sip_full_from', `${display} <sip:${from}>;tag=${tag}`],
    ['sip_to_display', dest],
    ['sip_full_to', `${dest} <sip:${to}>`],
    ['sip_req_user', dest],
    ['sip_req_port', '5060'],
    ['sip_req_uri', to],
    ['sip_req_host', '127.0.0.1'],
    ['sip_to_user', dest],
    ['sip_to_port', '5060'],
    ['sip_to_uri', to],
    ['sip_to_host', '127.0.0.1'],
    ['sip_contact_user', num],
    ['sip_contact_port', '5070'],
    ['sip_contact_uri', from],
    ['sip_contact_host', '127.0.0.1'],
    ['rtp_use_codec_string', 'OPUS,G722,PCMU,PCMA,H264,VP8'],
    // A SIP Subject header lands here when the caller sends one (sipp does).
    ...(seed.variables['sip_subject'] !== undefined ? [['sip_subject', seed.variables['sip_subject']] as [string, string]] : []),
    ['sip_via_host', '127.0.0.1'],
    ['sip_via_port', '5070'],
    ['max_forwards', '70'],
    ['presence_id', `${num}@127.0.0.1`],
    ['switch_r_sdp', sdp],
    ['ep_codec_string', 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b'],
    ['endpoint_disposition', 'DELAYED NEGOTIATION'],
    ['DP_MATCH', [dest, dest]],
    ['call_uuid', seed.uuid],
  ];
}

const ESSENTIAL = new Set(['direction', 'uuid', 'channel_name', 'call_uuid']);

/** Builds the channel a simulated call starts with, as CHANNEL_DATA will show it. */
export function createChannel(seed: ChannelSeed): Channel {
  const name = channelNameOf(seed);
  let base = seed.kind === 'sip' ? sipVars(seed, name) : loopbackVars(seed, name);
  if (!seed.fullSize) base = base.filter(([k]) => ESSENTIAL.has(k));
  const vars = new VarStore(base);
  if (seed.answerState === 'answered') vars.set('endpoint_disposition', 'ANSWER');
  for (const [k, val] of Object.entries(seed.variables)) {
    if (vars.has(k)) vars.replace(k, val);
    else vars.set(k, val);
  }
  vars.set('current_application_data', seed.socketArg);
  vars.set('current_application', 'socket');
  vars.set('socket_host', seed.socketHost);
  const mediaUp = seed.kind === 'loopback' || seed.answerState !== 'ringing';
  const answerState: AnswerState = seed.answerState;
  return new Channel({
    uuid: seed.uuid,
    name,
    kind: seed.kind,
    direction: seed.direction,
    profile: buildProfile(seed, name),
    vars,
    answerState,
    callState: CALL_STATE[seed.answerState],
    ...(mediaUp ? { codec: seed.kind === 'sip' ? SIP_CODEC : LOOPBACK_CODEC } : {}),
    ...(seed.kind === 'sip' ? { presenceId: `${seed.callerIdNumber}@127.0.0.1` } : {}),
  });
}
