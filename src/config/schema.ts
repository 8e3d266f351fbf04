import { intBetween } from './formats.js';
import { type OpsConfig, opsSchema } from './ops-schema.js';

/**
 * The whole configuration: one convict schema. Every key is documented in conf/README.md (a test keeps the two in
 * step). Durations carry their unit in the key name.
 */
export const schema = {
  esl: {
    host: {
      doc: 'Address the outbound Event Socket server listens on (FreeSWITCH `socket <host>:<port> async full`).',
      format: String, default: '127.0.0.1', env: 'PIVOT_ESL_HOST',
    },
    port: {
      doc: 'Port of the outbound Event Socket server.',
      format: 'port', default: 8084, env: 'PIVOT_ESL_PORT',
    },
    allowedSources: {
      doc: 'FreeSWITCH addresses or CIDR networks allowed to connect; others are closed at once and logged.',
      format: 'network-list', default: ['127.0.0.0/8', '::1/128'], env: 'PIVOT_ESL_ALLOWED_SOURCES',
    },
    lingerSeconds: {
      doc: 'Seconds FreeSWITCH keeps the socket open after hangup to deliver the last events (0: no linger).',
      format: intBetween(0, 3600), default: 10,
    },
    connectTimeoutMs: {
      doc: 'How long a new connection may take to answer `connect` before it is dropped.',
      format: intBetween(1, 600_000), default: 5000,
    },
    commandTimeoutMs: {
      doc: 'How long FreeSWITCH may take to answer a command or an api call.',
      format: intBetween(1, 600_000), default: 5000,
    },
    completeGraceMs: {
      doc: 'After a hangup, how long an application that asked for it may take to report its results (max 100).',
      format: intBetween(0, 100), default: 50,
    },
    hangupCompleteTimeoutMs: {
      doc: 'After the call script ends, how long to wait for CHANNEL_HANGUP_COMPLETE before sending `exit`.',
      format: intBetween(0, 600_000), default: 2000,
    },
    handlerGraceMs: {
      doc: 'After the socket closed, how long a call may go on with the requests it still owes (a recording upload, its action) before it is reported as stuck.',
      format: intBetween(0, 600_000), default: 30_000,
    },
    exitTimeoutMs: {
      doc: 'After `exit`, how long FreeSWITCH may take to close the socket before it is destroyed.',
      format: intBetween(1, 600_000), default: 2000,
    },
    shutdownHangupCause: {
      doc: 'Hangup cause for calls still up when the server stops.',
      format: 'hangup-cause', default: 'SYSTEM_SHUTDOWN',
    },
    maxHeaderBytes: {
      doc: 'Largest Event Socket header block accepted (the reply to `connect` is 5-30 KB).',
      format: intBetween(4096, 64 * 1024 * 1024), default: 1024 * 1024,
    },
    maxBodyBytes: {
      doc: 'Largest Event Socket message body accepted (FreeSWITCH itself refuses more than 16 MiB).',
      format: intBetween(1024, 64 * 1024 * 1024), default: 16 * 1024 * 1024,
    },
  },
  call: {
    voiceUrl: {
      doc: 'Voice URL of calls whose channel has no pivot_voice_url and whose destination matches no route (empty: none).',
      format: 'http-url-or-empty', default: '', env: 'PIVOT_VOICE_URL',
    },
    voiceMethod: {
      doc: 'HTTP method of the first request when the channel has no pivot_voice_method.',
      format: ['GET', 'POST'], default: 'POST',
    },
    fallbackUrl: {
      doc: 'Fallback URL of calls whose channel has no pivot_fallback_url (empty: none).',
      format: 'http-url-or-empty', default: '', env: 'PIVOT_FALLBACK_URL',
    },
    reqFormat: {
      doc: 'Request parameter naming when the channel has no pivot_req_format: twiml (Twilio names) or kazoo.',
      format: ['twiml', 'kazoo'], default: 'twiml',
    },
    routes: {
      doc: 'Voice URLs by destination number, first match wins: [{ "destination": "<regex>", "url": "...", "method": "GET|POST" }].',
      format: 'voice-routes', default: [],
    },
    accountSid: {
      doc: 'AccountSid sent when the channel has no ecallmgr_Account-ID variable (empty: not sent).',
      format: String, default: '', env: 'PIVOT_ACCOUNT_SID',
    },
    rejectCause: {
      doc: 'Hangup cause of calls refused because they have no usable voice URL (CALL_REJECTED is SIP 603).',
      format: 'hangup-cause', default: 'CALL_REJECTED',
    },
    maxRequests: {
      doc: 'Most document requests in one call (first, actions, redirects, fallback); one more ends the call.',
      format: intBetween(1, 100_000), default: 100,
    },
    maxLoops: {
      doc: 'Most repetitions of a Say or Play with loop="0" (which otherwise repeats until hangup).',
      format: intBetween(1, 1_000_000), default: 1000,
    },
    errorPrompt: {
      doc: 'What the caller hears when no document can be run: text spoken with call.tts.defaultVoice, or an audio URL or allowed FreeSWITCH path (empty: nothing).',
      format: String, default: 'An application error has occurred. Goodbye.',
    },
    playUrlPrefix: {
      doc: 'Prefix put before http(s) URLs given to playback (empty: the URL as is, for mod_http_cache with enable-file-formats).',
      format: 'media-path', default: '',
    },
    mediaPrefixes: {
      doc: 'FreeSWITCH path forms played besides http(s) URLs: in <Play> bodies (tone_stream://, silence_stream://, local_stream:// only) and in configured media (beep, error prompt).',
      format: 'media-prefixes', default: ['tone_stream://', 'silence_stream://'],
    },
    kazooMediaUrl: {
      doc: 'URL a Kazoo media id in <Play> (32 hex digits) is played from, with {id} and optionally {account} (e.g. http://kazoo:8000/v2/accounts/{account}/media/{id}/raw); empty: such a Play is skipped with a warning.',
      format: 'media-url-template', default: '',
    },
    tts: {
      defaultVoice: {
        doc: 'engine|voice used for Say voices the table does not map.',
        format: 'tts-voice', default: 'flite|slt',
      },
      voices: {
        doc: 'Say voice (and optional language) to engine|voice: [{ "voice": "man", "language": "en-US", "tts": "flite|rms" }]; a voice ending in * is a prefix.',
        format: 'tts-voices',
        default: [
          { voice: 'man', tts: 'flite|rms' },
          { voice: 'woman', tts: 'flite|slt' },
          { voice: 'alice', tts: 'flite|slt' },
          { voice: 'Polly.*', tts: 'flite|slt' },
          { voice: 'Google.*', tts: 'flite|slt' },
        ],
      },
      maxTextLength: {
        doc: 'Longest Say text sent to the speech engine, in characters; longer text is cut.',
        format: intBetween(1, 100_000), default: 4000,
      },
    },
    dial: {
      numberTemplate: {
        doc: 'FreeSWITCH endpoint of a dialled number ({number}: digits with an optional leading +).',
        format: 'dial-template', default: 'loopback/{number}/context_2',
      },
      sipTemplate: {
        doc: 'FreeSWITCH endpoint of a <Sip> URI ({uri}: the validated sip:/sips: URI without its headers).',
        format: 'dial-template', default: 'sofia/sipinterface_1/{uri}',
      },
      userTemplate: {
        doc: 'FreeSWITCH endpoint of a <User> id ({id}, {account}: the account id, {realm}).',
        format: 'dial-template', default: 'user/{id}@{realm}',
      },
      deviceTemplate: {
        doc: 'FreeSWITCH endpoint of a <Device> id ({id}, {account}, {realm}).',
        format: 'dial-template', default: 'user/{id}@{realm}',
      },
      realm: {
        doc: 'The {realm} of User and Device endpoints (empty: the channel variable ecallmgr_Realm, else the SIP To host).',
        format: String, default: '',
      },
      whisperSocket: {
        doc: 'host:port of this server\'s outbound socket as FreeSWITCH reaches it, for the legs of a Dial with a whisper (empty: the address of the caller\'s own socket application).',
        format: 'whisper-socket', default: '',
      },
    },
    record: {
      spoolDir: {
        doc: 'Directory where FreeSWITCH writes recordings and this server reads them (both must see the same files).',
        format: 'spool-dir', default: '/tmp/pivot-esl/recordings', env: 'PIVOT_RECORDING_SPOOL_DIR',
      },
      spoolGroup: {
        doc: 'Group given to the spool directory at start-up, a name from /etc/group or a numeric gid, shared with FreeSWITCH (empty: left as it is).',
        format: 'group-or-empty', default: '', env: 'PIVOT_RECORDING_SPOOL_GROUP',
      },
      spoolMode: {
        doc: 'Mode given to the spool directory at start-up, in octal (2770: the owner and the group read and write, new files take the directory\'s group).',
        format: 'dir-mode', default: '2770', env: 'PIVOT_RECORDING_SPOOL_MODE',
      },
      beep: {
        doc: 'What Record plays before recording when playBeep is true.',
        format: 'media-path', default: 'tone_stream://%(500,0,800)',
      },
      silenceThreshold: {
        doc: 'Energy below which the record application counts audio as silence (its silence_thresh).',
        format: intBetween(1, 100_000), default: 200,
      },
      uploadTimeoutMs: {
        doc: 'Time allowed for the HTTP PUT of a recording.',
        format: intBetween(100, 600_000), default: 10_000,
      },
      delivery: {
        maxAttempts: {
          doc: 'Uploads tried per recording, the first (made during the call) included, before it is moved to the failed/ directory.',
          format: intBetween(1, 1000), default: 10,
        },
        initialDelayMs: {
          doc: 'Wait before the second upload attempt; it doubles after each failure up to call.record.delivery.maxDelayMs.',
          format: intBetween(1, 86_400_000), default: 5000,
        },
        maxDelayMs: {
          doc: 'Longest wait between two upload attempts.',
          format: intBetween(1, 86_400_000), default: 600_000,
        },
        concurrency: {
          doc: 'Uploads the delivery worker makes at the same time.',
          format: intBetween(1, 64), default: 2,
        },
      },
    },
    statusCallback: {
      url: {
        doc: 'Status callback URL of calls whose channel has no pivot_status_callback (empty: none).',
        format: 'http-url-or-empty', default: '', env: 'PIVOT_STATUS_CALLBACK',
      },
      method: {
        doc: 'HTTP method of status callbacks when the channel has no pivot_status_callback_method.',
        format: ['GET', 'POST'], default: 'POST',
      },
      events: {
        doc: 'Status callback events when the channel has no pivot_status_callback_event: initiated, ringing, answered, completed.',
        format: 'status-events', default: ['completed'],
      },
    },
    limits: {
      maxCallsPerAccount: {
        doc: 'Most calls of one AccountSid at the same time (0: unlimited); a call over it is refused unanswered.',
        format: intBetween(0, 1_000_000), default: 0, env: 'PIVOT_MAX_CALLS_PER_ACCOUNT',
      },
      accounts: {
        doc: 'Per-account limits that replace call.limits.maxCallsPerAccount: [{ "accountSid": "...", "maxCalls": 10 }] (0: unlimited).',
        format: 'account-limits', default: [],
      },
      rejectCause: {
        doc: 'Hangup cause of calls refused because their account is at its limit.',
        format: 'hangup-cause', default: 'CALL_REJECTED',
      },
    },
    conference: {
      profile: {
        doc: 'mod_conference profile of every room (`conference <room>@<profile>`); the default is the one conf/freeswitch/conference-pivot.xml defines.',
        format: 'conference-word', default: 'pivot',
      },
      holdMusic: {
        doc: 'What members waiting for a moderator hear when <Conference> has no waitUrl (conference_moh_sound).',
        format: 'media-path', default: 'local_stream://moh',
      },
      memberFlags: {
        doc: 'mod_conference member flags added to every member of a <Conference> room (e.g. dist-dtmf).',
        format: 'conference-flags', default: [],
      },
      waitUrlMaxFetches: {
        doc: 'Times one waiting <Conference> member requests its waitUrl document (again each time it ends); then hold music.',
        format: intBetween(1, 100_000), default: 200,
      },
    },
    queue: {
      maxSize: {
        doc: 'Calls one <Enqueue> queue may hold; one more gets QueueResult=queue-full.',
        format: intBetween(1, 100_000), default: 100,
      },
      holdMusic: {
        doc: 'What a queued caller hears when <Enqueue> has no waitUrl or its waitUrl fails, played in a loop.',
        format: 'media-path', default: 'local_stream://moh',
      },
    },
  },
  webhook: {
    connectTimeoutMs: {
      doc: 'Time allowed to connect to the customer web server (a URL fragment #ct= overrides it).',
      format: intBetween(1, 60_000), default: 5000,
    },
    timeoutMs: {
      doc: 'Time allowed for a whole document request, retries included (a URL fragment #rt= / #tt= overrides it).',
      format: intBetween(1, 60_000), default: 5000,
    },
    retryCount: {
      doc: 'Retries of a request whose connection failed (a URL fragment #rc= overrides it).',
      format: intBetween(0, 5), default: 1,
    },
    authToken: {
      doc: 'When set, requests carry X-Twilio-Signature computed with this token.',
      format: String, default: '', env: 'PIVOT_WEBHOOK_AUTH_TOKEN', sensitive: true,
    },
    denyPrivateNetworks: {
      doc: 'Refuse webhook hosts in loopback and private networks too (link-local and metadata addresses are always refused).',
      format: 'flag', default: false, env: 'PIVOT_WEBHOOK_DENY_PRIVATE_NETWORKS',
    },
    deniedNetworks: {
      doc: 'More addresses or CIDR networks webhook hosts may not resolve to, besides the built-in deny list.',
      format: 'network-list-or-empty', default: [], env: 'PIVOT_WEBHOOK_DENIED_NETWORKS',
    },
    accountAuthTokens: {
      doc: 'Auth tokens by AccountSid: [{ "accountSid": "...", "authToken": "..." }]; a call of a listed account signs with its own token, others with webhook.authToken.',
      format: 'account-tokens', default: [], sensitive: true,
    },
    statusCallbackRetries: {
      doc: 'Retries of a status callback that failed (no 2xx reply, network error, timeout).',
      format: intBetween(0, 10), default: 2,
    },
    statusCallbackRetryDelayMs: {
      doc: 'Wait before the first retry of a status callback; it doubles for each further retry.',
      format: intBetween(0, 60_000), default: 1000,
    },
    statusCallbackTimeoutMs: {
      doc: 'Time allowed for one status callback attempt.',
      format: intBetween(1, 60_000), default: 5000,
    },
    debugDir: {
      doc: 'Directory of the per-call debug logs of calls with pivot_debug set (one <CallSid>.jsonl file per call; empty: debug logs off).',
      format: 'dir-or-empty', default: '/tmp/pivot-esl/debug', env: 'PIVOT_WEBHOOK_DEBUG_DIR',
    },
    debugBodyBytes: {
      doc: 'Bytes of each response body kept in a debug log.',
      format: intBetween(0, 1_048_576), default: 4096,
    },
  },
  server: {
    drainMs: {
      doc: 'On SIGTERM, how long calls in progress may go on before they are hung up.',
      format: intBetween(0, 86_400_000), default: 30_000, env: 'PIVOT_DRAIN_MS',
    },
  },
  ...opsSchema,
  log: {
    level: {
      doc: 'Log level.',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', env: 'PIVOT_LOG_LEVEL',
    },
  },
};

export interface Config extends OpsConfig {
  esl: {
    host: string;
    port: number;
    allowedSources: string[];
    lingerSeconds: number;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    completeGraceMs: number;
    hangupCompleteTimeoutMs: number;
    handlerGraceMs: number;
    exitTimeoutMs: number;
    shutdownHangupCause: string;
    maxHeaderBytes: number;
    maxBodyBytes: number;
  };
  call: {
    voiceUrl: string;
    voiceMethod: 'GET' | 'POST';
    fallbackUrl: string;
    reqFormat: 'twiml' | 'kazoo';
    routes: Array<{ destination: string; url: string; method?: 'GET' | 'POST' }>;
    accountSid: string;
    rejectCause: string;
    maxRequests: number;
    maxLoops: number;
    errorPrompt: string;
    playUrlPrefix: string;
    mediaPrefixes: string[];
    kazooMediaUrl: string;
    tts: {
      defaultVoice: string;
      voices: Array<{ voice: string; language?: string; tts: string }>;
      maxTextLength: number;
    };
    dial: { numberTemplate: string; sipTemplate: string; userTemplate: string; deviceTemplate: string; realm: string;
      whisperSocket: string };
    conference: { profile: string; holdMusic: string; memberFlags: string[]; waitUrlMaxFetches: number };
    queue: { maxSize: number; holdMusic: string };
    record: {
      spoolDir: string;
      spoolGroup: string;
      spoolMode: string;
      beep: string;
      silenceThreshold: number;
      uploadTimeoutMs: number;
      delivery: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number; concurrency: number };
    };
    statusCallback: { url: string; method: 'GET' | 'POST'; events: Array<'initiated' | 'ringing' | 'answered' | 'completed'> };
    limits: { maxCallsPerAccount: number; accounts: Array<{ accountSid: string; maxCalls: number }>; rejectCause: string };
  };
  webhook: {
    connectTimeoutMs: number;
    timeoutMs: number;
    retryCount: number;
    authToken: string;
    denyPrivateNetworks: boolean;
    deniedNetworks: string[];
    accountAuthTokens: Array<{ accountSid: string; authToken: string }>;
    statusCallbackRetries: number;
    statusCallbackRetryDelayMs: number;
    statusCallbackTimeoutMs: number;
    debugDir: string;
    debugBodyBytes: number;
  };
  server: { drainMs: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
}
