/**
 * One call's stay in a mod_conference room: the channel variables FreeSWITCH reads when the member joins (and
 * when the room is created), then `conference <room>@<profile>+flags{...}`, which runs for as long as the member
 * is in the room. The member's own `conference::maintenance` events (myevents shows no other member's) tell when
 * it got in (add-member, with its Member-ID) and what happens to it (mute-member, ...). The application
 * completes when the member leaves: kicked, hup, the conference ended (endconf), or hangup.
 *
 * No `conference_silent_entry`: it would silence the profile's alone prompt at entry, but FreeSWITCH then raises no
 * add-member event for the member either (conference_member.c:961), and the member's add-member is the only way
 * its socket learns its Member-ID. The prompt is left out by the profile instead (conf/freeswitch/conference-pivot.xml);
 * the add-member event's profile name and the room's own events are checked (rooms/profile-checks.ts).
 */
import { AppError } from '../../errors.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { eventTimeUs, scaledSeconds, wholeSeconds } from '../durations.js';

/** How to join. Every part is already safe for FreeSWITCH (room names escaped, flags and values checked). */
export interface MemberJoin {
  readonly room: string;
  readonly profile: string;
  readonly flags: readonly string[];
  /** Channel variables set before joining (conference_moh_sound, conference_enter_sound, ...). */
  readonly variables: ReadonlyArray<readonly [string, string]>;
}

/** What the caller of {@link attendConference} hears about while the member is in. */
export interface MemberHooks {
  /** The member is in the room (its add-member event). */
  onJoined?(memberId: string): void;
  /** Another maintenance event about the member (mute-member, unmute-member, kick-member, ...). */
  onEvent?(action: string): void;
}

/** How the stay went. */
export interface MemberStay {
  /** False when FreeSWITCH never added the member (room full, locked, or the call ended first). */
  readonly joined: boolean;
  readonly memberId: string | undefined;
  /** Whole seconds in the room, from its add-member to its del-member (FreeSWITCH's clock). */
  readonly seconds: number;
  /** The call hung up during the stay. */
  readonly hungUp: boolean;
}

const FLAG = /^[a-z][a-z0-9_-]*$/;
const VARIABLE_VALUE = /^[^\s${}]*$/;

/** The `conference` argument: `<room>@<profile>` and, when there are any, `+flags{a|b}`. */
export function conferenceArg(join: MemberJoin): string {
  for (const flag of join.flags) {
    if (!FLAG.test(flag)) throw new AppError('ERR_INTERNAL', `bad conference flag ${flag}`);
  }
  const flags = [...new Set(join.flags)];
  return `${join.room}@${join.profile}${flags.length > 0 ? `+flags{${flags.join('|')}}` : ''}`;
}

/** Removes a member from its room (it leaves, the call goes on). A member already gone is fine. */
export async function kickMember(ctx: CallContext, room: string, memberId: string): Promise<void> {
  await removeMember(ctx, `conference ${room} kick ${memberId}`);
}

/**
 * Takes a member out of its room without the profile's kicked-sound (`hup`: mod_conference clears the member's
 * running flag; the channel stays up and the `conference` application completes). A member already gone is fine.
 */
export async function hupMember(ctx: CallContext, room: string, memberId: string): Promise<void> {
  await removeMember(ctx, `conference ${room} hup ${memberId}`);
}

async function removeMember(ctx: CallContext, command: string): Promise<void> {
  if (ctx.channel.signal.aborted) return;
  try {
    await ctx.channel.api(command);
  } catch (err) {
    if (!isCallEnded(err)) throw err;
  }
}

/**
 * Joins the room and resolves when the member has left it. Resolves (never rejects) when the call hangs up
 * meanwhile; rejects only on a FreeSWITCH failure.
 */
export async function attendConference(ctx: CallContext, join: MemberJoin, hooks: MemberHooks = {}): Promise<MemberStay> {
  const arg = conferenceArg(join);
  for (const [name, value] of join.variables) {
    if (!VARIABLE_VALUE.test(value)) throw new AppError('ERR_INTERNAL', `unsafe value for ${name}`);
    await ctx.channel.setVariable(name, value, { signal: ctx.signal });
  }
  let memberId: string | undefined;
  let joinSeenMs = 0;
  let joinedUs: number | undefined;
  let leftUs: number | undefined;
  const leaveRoom = ctx.rooms.profiles.enter(join.room, ctx.log);
  const off = ctx.channel.on('conference', (e) => {
    if (e.conferenceName !== join.room) return;
    if (e.action === 'add-member' && memberId === undefined) {
      memberId = e.memberId;
      joinSeenMs = performance.now();
      joinedUs = eventTimeUs(e.event);
      ctx.rooms.profiles.memberAdded(join.profile, e.event, ctx.log);
      hooks.onJoined?.(e.memberId);
    } else if (memberId !== undefined && e.memberId === memberId) {
      if (e.action === 'del-member') leftUs ??= eventTimeUs(e.event);
      hooks.onEvent?.(e.action);
    }
  });
  let hungUp = false;
  try {
    const done = await ctx.channel.execute('conference', arg, { completeAfterHangup: true });
    leftUs ??= eventTimeUs(done.event);
  } catch (err) {
    if (!isCallEnded(err)) throw err;
    hungUp = true;
  } finally {
    off();
    leaveRoom();
  }
  hungUp ||= ctx.signal.aborted;
  return {
    joined: memberId !== undefined,
    memberId,
    seconds: memberId === undefined ? 0 : stayedSeconds(ctx, joinedUs, leftUs, joinSeenMs),
    hungUp,
  };
}

/** The stay in whole seconds: FreeSWITCH's times when both are known, else this server's clock since the join. */
function stayedSeconds(ctx: CallContext, joinedUs: number | undefined, leftUs: number | undefined, joinSeenMs: number): number {
  if (joinedUs !== undefined && leftUs !== undefined) return wholeSeconds(joinedUs, leftUs);
  return scaledSeconds(performance.now() - joinSeenMs, ctx.settings.timeScale);
}
