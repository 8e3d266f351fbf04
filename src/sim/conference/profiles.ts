/**
 * The conference profiles the simulated switch knows (conference.conf.xml), with the sounds that change what the
 * members' sockets or the switch's event stream show. A room takes the profile named in `conference <room>@<name>`;
 * a name the switch does not know gives mod_conference's built-in settings, which it reports as the profile `none`
 * on every conference event (mod_conference.c: `cfg.profile ? name : "none"`) and which play no sound at all.
 */

/** FreeSWITCH's sound prefix on the captured nodes (conf-muted.wav, conf-kicked.wav in esl-captures/more). */
export const SOUND_PREFIX = '/opt/freeswitch/share/freeswitch/sounds/en/us/callie';

/** The sounds of one profile; a missing one plays nothing. Relative paths are under {@link SOUND_PREFIX}. */
export interface SimConferenceProfile {
  /** Played to the room when a member is alone: at its entry, and when a member leaves one behind. */
  readonly aloneSound?: string;
  /** Played to the member removed by `conference <room> kick`, after it left. */
  readonly kickedSound?: string;
  /** Played to a member muted or unmuted by the api. */
  readonly mutedSound?: string;
  readonly unmutedSound?: string;
}

/** The profile name FreeSWITCH reports for a room whose profile was not found. */
export const UNKNOWN_PROFILE = 'none';

/**
 * `default`: FreeSWITCH 1.10's stock profile (conf/vanilla/autoload_configs/conference.conf.xml). `pivot`: the
 * profile pivot-esl ships (conf/freeswitch/conference-pivot.xml), which has none of these sounds.
 */
export const SIM_CONFERENCE_PROFILES: Readonly<Record<string, SimConferenceProfile>> = {
  default: {
    aloneSound: 'conference/conf-alone.wav',
    kickedSound: 'conference/conf-kicked.wav',
    mutedSound: 'conference/conf-muted.wav',
    unmutedSound: 'conference/conf-unmuted.wav',
  },
  pivot: {},
};

/** The profile a room gets, and the name its events report. */
export function roomProfile(name: string, table: Readonly<Record<string, SimConferenceProfile>> = SIM_CONFERENCE_PROFILES)
  : { readonly name: string; readonly profile: SimConferenceProfile } {
  const profile = Object.hasOwn(table, name) ? table[name] : undefined;
  return profile === undefined ? { name: UNKNOWN_PROFILE, profile: {} } : { name, profile };
}

/** A profile sound as FreeSWITCH opens it: relative paths under the sound prefix. */
export function soundPath(sound: string): string {
  return sound.startsWith('/') || sound.includes('://') ? sound : `${SOUND_PREFIX}/${sound}`;
}
