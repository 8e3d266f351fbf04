/** The application models the simulator knows; any other name is an unknown application. */
import type { AppDefinition } from './app-context.js';
import { BASIC_APPS } from './basic-apps.js';
import { bridgeApp } from './bridge-app.js';
import { conferenceApp } from './conference-app.js';
import { DIGIT_APPS } from './digits-apps.js';
import { playbackApp } from './playback-app.js';
import { recordApp } from './record-app.js';
import { schedHangupApp } from './sched-hangup.js';
import { SESSION_RECORD_APPS } from './session-record-app.js';
import { SPEECH_APPS } from './speech-apps.js';

/** Builds the name → model table. */
export function createAppRegistry(): Map<string, AppDefinition> {
  const m = new Map<string, AppDefinition>(BASIC_APPS);
  m.set('playback', playbackApp);
  for (const [name, def] of [...DIGIT_APPS, ...SPEECH_APPS]) m.set(name, def);
  m.set('record', recordApp);
  for (const [name, def] of SESSION_RECORD_APPS) m.set(name, def);
  m.set('bridge', bridgeApp);
  m.set('conference', conferenceApp);
  m.set('sched_hangup', schedHangupApp);
  return m;
}
