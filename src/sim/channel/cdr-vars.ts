/**
 * The accounting variables FreeSWITCH adds just before CHANNEL_HANGUP_COMPLETE
 * (esl-captures/more/sendmsg-hangup/14-channel-hangup-complete.txt and the SIP variant in
 * sip-pagd-info-dtmf/24-channel-hangup-complete.txt).
 */
import type { Channel } from './channel.js';
import { q850Of } from './hangup-causes.js';

const two = (n: number): string => (n < 10 ? '0' : '') + n;

function stamp(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

const RTP_STATS: ReadonlyArray<readonly [string, string]> = [
  ['rtp_audio_in_raw_bytes', '0'], ['rtp_audio_in_media_bytes', '0'], ['rtp_audio_in_packet_count', '0'],
  ['rtp_audio_in_media_packet_count', '0'], ['rtp_audio_in_skip_packet_count', '0'],
  ['rtp_audio_in_jitter_packet_count', '0'], ['rtp_audio_in_dtmf_packet_count', '0'],
  ['rtp_audio_in_cng_packet_count', '0'], ['rtp_audio_in_flush_packet_count', '0'],
  ['rtp_audio_in_largest_jb_size', '0'], ['rtp_audio_in_jitter_min_variance', '0.00'],
  ['rtp_audio_in_jitter_max_variance', '0.00'], ['rtp_audio_in_jitter_loss_rate', '0.00'],
  ['rtp_audio_in_jitter_burst_rate', '0.00'], ['rtp_audio_in_mean_interval', '0.00'],
  ['rtp_audio_in_flaw_total', '0'], ['rtp_audio_in_quality_percentage', '100.00'],
  ['rtp_audio_in_mos', '4.50'], ['rtp_audio_out_raw_bytes', '0'], ['rtp_audio_out_media_bytes', '0'],
  ['rtp_audio_out_packet_count', '0'], ['rtp_audio_out_media_packet_count', '0'],
  ['rtp_audio_out_skip_packet_count', '0'], ['rtp_audio_out_dtmf_packet_count', '0'],
  ['rtp_audio_out_cng_packet_count', '0'], ['rtp_audio_rtcp_packet_count', '0'],
  ['rtp_audio_rtcp_octet_count', '0'],
];

/** What the CDR needs besides the channel itself. */
export interface CdrFacts {
  readonly endUs: number;
  readonly digitsDialed: string;
  readonly lastApp: string;
  readonly lastArg: string;
}

/** Sets the hang-up accounting variables, in FreeSWITCH's order. */
export function setCdrVars(ch: Channel, facts: CdrFacts): void {
  const t = (field: string): number => Number(ch.profileField(field) ?? '0');
  const start = t('Channel-Created-Time');
  const answer = t('Channel-Answered-Time');
  const progress = t('Channel-Progress-Time');
  const media = t('Channel-Progress-Media-Time');
  const bridge = t('Channel-Bridged-Time');
  const end = facts.endUs;
  const set = (k: string, v: string | number): void => ch.vars.set(k, String(v));
  const cause = ch.hangupCause ?? 'NORMAL_CLEARING';
  set('hangup_cause', cause);
  set('hangup_cause_q850', q850Of(cause));
  set('digits_dialed', facts.digitsDialed || 'none');
  set('start_stamp', stamp(start));
  set('profile_start_stamp', stamp(start));
  if (answer) set('answer_stamp', stamp(answer));
  if (progress) set('progress_stamp', stamp(progress));
  if (media) set('progress_media_stamp', stamp(media));
  if (bridge) set('bridge_stamp', stamp(bridge));
  set('end_stamp', stamp(end));
  const epoch = (name: string, us: number): void => {
    set(name + '_epoch', Math.floor(us / 1e6));
    set(name + '_uepoch', us);
  };
  epoch('start', start);
  epoch('profile_start', start);
  epoch('answer', answer);
  epoch('bridge', bridge);
  epoch('last_hold', 0);
  set('hold_accum_seconds', 0);
  set('hold_accum_usec', 0);
  set('hold_accum_ms', 0);
  epoch('resurrect', 0);
  epoch('progress', progress);
  epoch('progress_media', media);
  epoch('end', end);
  set('last_app', facts.lastApp);
  set('last_arg', facts.lastArg);
  const name = ch.profileField('Caller-ID-Name');
  const number = ch.profileField('Caller-ID-Number') ?? '';
  set('caller_id', name ? `"${name}" <${number}>` : number);
  const since = (us: number): number => (us ? Math.max(0, us - start) : 0);
  const bill = answer ? end - answer : 0;
  const spans: ReadonlyArray<readonly [string, number]> = [
    ['duration', end - start], ['billsec', bill], ['progresssec', since(progress)],
    ['answersec', since(answer)], ['waitsec', since(bridge)], ['progress_mediasec', since(media)],
    ['flow_billsec', end - start],
  ];
  for (const [k, us] of spans) set(k, Math.floor(us / 1e6));
  for (const [k, us] of spans) set(msName(k), Math.floor(us / 1e3));
  for (const [k, us] of spans) set(usName(k), us);
  if (ch.kind === 'sip') {
    set('sip_hangup_disposition', 'send_bye');
    // Frames of 20 ms: what we sent is what was played; inbound frames are counted as skipped.
    const mediaStart = media || answer;
    const sent = Math.floor(ch.mediaOutMs / 20);
    const counts: Record<string, number> = {
      rtp_audio_in_skip_packet_count: mediaStart ? Math.floor((end - mediaStart) / 20_000) : 0,
      rtp_audio_out_raw_bytes: sent * 172,
      rtp_audio_out_media_bytes: sent * 172,
      rtp_audio_out_packet_count: sent,
      rtp_audio_out_media_packet_count: sent,
    };
    for (const [k, v] of RTP_STATS) set(k, counts[k] ?? v);
  } else {
    set('is_loopback', 1);
  }
}

function msName(k: string): string {
  return k === 'duration' ? 'mduration' : k.replace(/sec$/, 'msec');
}

function usName(k: string): string {
  return k === 'duration' ? 'uduration' : k.replace(/sec$/, 'usec');
}
