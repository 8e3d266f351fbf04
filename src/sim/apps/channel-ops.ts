/**
 * Answer-state transitions shared by several apps (answer, pre_answer, ring_ready, media apps
 * that pre-answer, respond, bridge). Loopback legs answer with a single CHANNEL_ANSWER whose
 * Channel-Call-State is still RINGING; SIP calls first send CHANNEL_PROGRESS_MEDIA (183) and then
 * CHANNEL_ANSWER with Channel-Call-State EARLY (esl-captures/transcript-basic-sip.txt).
 */
import type { Channel } from '../channel/channel.js';
import { SIP_CODEC } from '../channel/profile-templates.js';
import type { AppContext } from './app-context.js';

/** What the answer-state transitions use of a call: any channel with a way to raise its events. */
export type ChannelOpsContext = Pick<AppContext, 'channel' | 'fire' | 'nowUs'>;

const LOCAL_SDP =
  'v=0\r\no=FreeSWITCH 1795440690 1795440691 IN IP4 127.0.0.1\r\ns=FreeSWITCH\r\nc=IN IP4 127.0.0.1\r\n' +
  't=0 0\r\nm=audio 22440 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n' +
  'a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n';

function sipMediaUp(ctx: ChannelOpsContext): void {
  const v = ctx.channel.vars;
  const set = (k: string, val: string): void => v.set(k, val);
  set('rtp_use_codec_string', 'OPUS,G722,PCMU,PCMA,H264,VP8');
  set('remote_video_media_flow', 'inactive');
  set('remote_text_media_flow', 'inactive');
  set('remote_audio_media_flow', 'sendrecv');
  set('audio_media_flow', 'sendrecv');
  set('rtp_audio_recv_pt', '0');
  set('rtp_use_codec_name', 'PCMU');
  set('rtp_use_codec_rate', '8000');
  set('rtp_use_codec_ptime', '20');
  set('rtp_use_codec_channels', '1');
  set('rtp_last_audio_codec_string', 'PCMU@8000h@20i@1c');
  set('read_codec', 'PCMU');
  set('original_read_codec', 'PCMU');
  set('read_rate', '8000');
  set('original_read_rate', '8000');
  set('write_codec', 'PCMU');
  set('write_rate', '8000');
  set('dtmf_type', 'rfc2833');
  set('local_media_ip', '127.0.0.1');
  set('local_media_port', '22440');
  set('advertised_media_ip', '127.0.0.1');
  set('rtp_use_timer_name', 'soft');
  set('rtp_use_pt', '0');
  set('rtp_use_ssrc', '3943318194');
  set('rtp_2833_send_payload', '101');
  set('rtp_2833_recv_payload', '101');
  set('remote_media_ip', '127.0.0.1');
  set('remote_media_port', '6000');
  ctx.channel.setCodec(SIP_CODEC);
}

/** 183 with media: CHANNEL_PROGRESS_MEDIA, Answer-State early. No-op unless ringing. */
export function preAnswer(ctx: ChannelOpsContext): void {
  const ch = ctx.channel;
  if (!ch.up || ch.answerState !== 'ringing') return;
  if (ch.kind === 'sip') sipMediaUp(ctx);
  ch.vars.set('endpoint_disposition', 'EARLY MEDIA');
  ch.setAnswerState('early');
  ch.setProfileField('Channel-Progress-Media-Time', String(ctx.nowUs()));
  ctx.fire('CHANNEL_PROGRESS_MEDIA');
  ch.setCallState('EARLY');
}

/** 200 OK: CHANNEL_ANSWER the first time, then Channel-Call-State ACTIVE. */
export function answer(ctx: ChannelOpsContext): void {
  const ch = ctx.channel;
  if (!ch.up || ch.answered) return;
  if (ch.kind === 'sip') {
    preAnswer(ctx);
    ch.vars.set('rtp_local_sdp_str', LOCAL_SDP);
  }
  ch.setAnswerState('answered');
  if (ch.kind === 'sip') ch.ackPending = true;
  ch.setProfileField('Channel-Answered-Time', String(ctx.nowUs()));
  ctx.fire('CHANNEL_ANSWER');
  ch.setCallState('ACTIVE');
  ch.vars.set('endpoint_disposition', 'ANSWER');
}

/** 180: CHANNEL_PROGRESS once, while ringing. */
export function ringReady(ctx: ChannelOpsContext): void {
  const ch = ctx.channel;
  if (!ch.up || ch.answerState !== 'ringing' || ch.profileField('Channel-Progress-Time') !== '0') return;
  ch.setProfileField('Channel-Progress-Time', String(ctx.nowUs()));
  ctx.fire('CHANNEL_PROGRESS');
}

/** Media apps on an unanswered channel send early media first, as FreeSWITCH does. */
export function ensureMedia(ctx: AppContext): void {
  if (ctx.channel.answerState === 'ringing') preAnswer(ctx);
}

/**
 * The caller's ACK to our 200 OK: sofia stores the dialog headers again, which moves them to
 * the end of the variables (esl-captures/transcript-basic-sip.txt, first EXECUTE after answer).
 */
export function applySipAck(ch: Channel): void {
  if (!ch.ackPending) return;
  ch.ackPending = false;
  const v = ch.vars;
  const toTag = ch.uuid.replace(/-/g, '').slice(0, 13);
  v.set('sip_to_tag', toTag);
  v.set('sip_from_tag', v.get('sip_from_tag'));
  v.set('sip_cseq', '1');
  for (const k of ['sip_call_id', 'sip_full_via', 'sip_from_display', 'sip_full_from', 'sip_to_display']) v.set(k, v.get(k));
  const to = v.get('sip_full_to');
  if (to !== undefined) v.set('sip_full_to', `${to.replace(/;tag=.*$/, '')};tag=${toTag}`);
}
