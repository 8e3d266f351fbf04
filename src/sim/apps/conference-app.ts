/**
 * `conference <name>[@<profile>][+<pin>][+flags{a|b}]` (esl-captures/more/conference-*,
 * transcript-conference-loopback.txt). The app runs while the member is in the room and
 * completes when it leaves: caller hang-up (CHANNEL_HANGUP, del-member, EXECUTE_COMPLETE),
 * kick (kick-member, del-member, the conf-kicked.wav prompt, EXECUTE_COMPLETE with the channel
 * up) or the end of the conference when the last `endconf` member left, which hangs the other
 * members up unless `hangup_after_conference=false`. CUSTOM conference::maintenance events carry
 * the channel data but no variables; `endconf` shows nowhere. The kick prompt is the room profile's
 * kicked-sound (none in a profile without one).
 *
 * `conference_silent_entry=true` asks for a silent entry, honoured on the channel's first conference
 * only (mod_conference.c: CONF_SILENT_REQ unless CONF_SILENT_DONE): no alone-sound, and no add-member
 * event either (conference_member.c:961), so a socket learns nothing of the member's arrival.
 */
import type { EventHeader } from '../wire/event-encoder.js';
import type { Channel } from '../channel/channel.js';
import type { CallingSite } from '../channel/event-factory.js';
import { SOUND_PREFIX, soundPath } from '../conference/profiles.js';
import type { AppContext, AppDefinition, MaintenanceExtra, MemberSnapshot } from './app-context.js';
import { preAnswer } from './channel-ops.js';
import { playFile } from './playback-app.js';

const SUBCLASS = 'conference::maintenance';
const SOUNDS = `${SOUND_PREFIX}/conference/`;
/** Channels that have been in a conference (mod_conference's CONF_SILENT_DONE): no silent entry any more. */
const joinedOnce = new WeakSet<Channel>();
/** The values FreeSWITCH's switch_true() takes for true. */
const SWITCH_TRUE = /^(yes|on|true|t|enabled|enable|active|allow|[1-9]\d*)$/i;

const SITES: Readonly<Record<string, CallingSite>> = {
  'add-member': ['conference_member.c', 'conference_member_add', '962'],
  'del-member': ['conference_member.c', 'conference_member_del', '1355'],
  'floor-change': ['conference_member.c', 'conference_member_set_floor_holder', '1158'],
  'kick-member': ['conference_api.c', 'conference_api_sub_kick', '902'],
  'hup-member': ['conference_api.c', 'conference_api_sub_hup', '932'],
  'mute-member': ['conference_api.c', 'conference_api_sub_mute', '339'],
  'unmute-member': ['conference_api.c', 'conference_api_sub_unmute', '492'],
  'deaf-member': ['conference_api.c', 'conference_api_sub_deaf', '540'],
  'undeaf-member': ['conference_api.c', 'conference_api_sub_undeaf', '573'],
  'play-file-member-done': ['conference_file.c', 'conference_file_close', '52'],
  'play-file-member': ['conference_api.c', 'conference_api_sub_play', '2853'],
};

/** A file as FreeSWITCH names it: its own prompts by their sound path, anything else as played. */
function memberFile(file: string): string {
  return file.includes('/') || file.includes(':') ? file : SOUNDS + file;
}

/** Name, profile and flags of a conference app argument. */
export function parseConferenceArg(arg: string): { name: string; profile: string; flags: Set<string> } {
  const flagMatch = /\+flags\{([^}]*)\}/.exec(arg);
  const flags = new Set((flagMatch?.[1] ?? '').split('|').filter((f) => f !== ''));
  const base = arg.replace(/\+flags\{[^}]*\}/, '').split('+')[0] ?? '';
  const [name = '', profile = 'default'] = base.split('@');
  return { name, profile, flags };
}

function maintenance(ctx: AppContext, action: string, s: MemberSnapshot, extra: MaintenanceExtra = {}): void {
  const conf: EventHeader[] = [
    ['Conference-Name', s.conferenceName],
    ['Conference-Domain', ctx.channel.vars.get('domain_name') ?? '127.0.0.1'],
    ['Conference-Size', String(s.size)],
    ['Conference-Ghosts', '0'],
    ['Conference-Profile-Name', s.profile],
    ['Conference-Unique-ID', s.conferenceUuid],
  ];
  const member: EventHeader[] = [
    ['Video', 'false'], ['Hear', String(!s.deaf)], ['See', 'true'], ['Speak', String(!s.mute)],
    ['Talking', 'false'], ['Mute-Detect', 'false'], ['Hold', 'false'], ['Member-ID', String(s.memberId)],
    ['Member-Type', s.moderator ? 'moderator' : 'member'], ['Member-Ghost', String(s.ghost)],
    ['Energy-Level', '100'], ['Current-Energy', '0'],
  ];
  const floor: EventHeader = ['Floor', String(s.floor)];
  let pre: EventHeader[] = [...conf, floor];
  let post: EventHeader[] = [...member, ['Action', action]];
  if (action === 'floor-change') {
    pre = [...conf, ['Action', action], ['Old-ID', 'none'], ...conf, floor];
    post = [...member, ['New-ID', String(s.memberId)]];
  } else if (action === 'play-file-member-done') {
    const ms = extra.ms ?? 2392;
    const file: EventHeader[] = [['seconds', String(Math.floor(ms / 1000))], ['milliseconds', String(Math.round(ms))],
      ['samples', String(Math.round(ms * 8))]];
    pre = [...conf, ...file, ['Action', action], ...conf, floor];
    post = [...member, ['File', memberFile(extra.file ?? 'conf-muted.wav')]];
  } else if (action === 'play-file-member') {
    post = [...member, ['Action', action], ['File', extra.file ?? '']];
  }
  ctx.fire('CUSTOM', {
    subclass: SUBCLASS,
    calling: SITES[action] ?? ['conference_api.c', 'conference_api_dispatch', '100'],
    pre,
    post,
    withVariables: false,
  });
}

function resetReadCodec(ctx: AppContext): void {
  const v = ctx.channel.vars;
  for (const k of ['read_codec', 'read_rate']) {
    const value = v.get(k);
    if (value !== undefined) v.set(k, value);
  }
}

async function conference(ctx: AppContext, arg: string): Promise<undefined> {
  const ch = ctx.channel;
  const v = ch.vars;
  const { name, profile, flags } = parseConferenceArg(arg);
  for (const f of (v.get('conference_member_flags') ?? '').split('|')) if (f) flags.add(f);
  if (!ch.up || name === '') return undefined;
  if (ch.answerState === 'ringing') preAnswer(ctx);
  let reason: 'kick' | 'hup' | 'endconf' | undefined;
  let soundTimer: ReturnType<typeof ctx.clock.after> | undefined;
  let pendingSound: string | undefined;
  const maxMembers = Number.parseInt(v.get('conference_max_members') ?? '', 10);
  const autoRecord = v.get('conference_auto_record');
  const silent = !joinedOnce.has(ch) && SWITCH_TRUE.test(v.get('conference_silent_entry') ?? '');
  const seat = ctx.rooms.join(
    name,
    {
      ctx,
      removed: (r) => {
        reason = r;
        ctx.media.interrupt();
      },
      maintenance: (action, snap, extra) => maintenance(ctx, action, snap, extra),
      // Back-to-back mute/unmute prompts give one play-file-member-done, about 0.8 s after the
      // last command, naming the first prompt (more/conference-endconf-caller-hangup).
      soundPlayed: (file, snap) => {
        ctx.clock.cancel(soundTimer);
        pendingSound ??= file;
        soundTimer = ctx.clock.after(800, () => {
          maintenance(ctx, 'play-file-member-done', snap, { file: pendingSound ?? file });
          pendingSound = undefined;
        });
      },
    },
    flags,
    profile,
    { ...(maxMembers > 1 ? { maxMembers } : {}), ...(autoRecord ? { autoRecord } : {}) },
    { silent },
  );
  if (!seat) return undefined;
  joinedOnce.add(ch);
  v.set('conference_name', name);
  v.set('app_session_uuid', seat.conferenceUuid);
  resetReadCodec(ctx);
  v.set('conference_member_id', String(seat.memberId));
  v.set('conference_moderator', String(flags.has('moderator')));
  v.set('conference_ghost', String(flags.has('ghost')));
  v.set('conference_uuid', seat.conferenceUuid);
  v.set('conference_call_key', `conference_${name}_${v.get('domain_name') ?? '127.0.0.1'}_${ch.profileField('Caller-ID-Number') ?? ''}`);
  await ctx.media.wait({ ms: Infinity, onDigit: () => false, breakable: false });
  ctx.clock.cancel(soundTimer);
  if (reason === 'endconf' && v.get('hangup_after_conference') !== 'false') ctx.hangup('NORMAL_CLEARING', true);
  seat.leave();
  v.unset('conference_call_key');
  resetReadCodec(ctx);
  const kicked = seat.profile.kickedSound;
  if (reason === 'kick' && ch.up && kicked !== undefined) await playFile(ctx, soundPath(kicked));
  return undefined;
}

/** The `conference` application. */
export const conferenceApp: AppDefinition = { run: conference, media: true };
