/**
 * The error catalogue: every error the server raises has a stable code listed here, with the log level it is
 * reported at (`logCode` in `log-code.ts` reads it), the Twilio error number where Twilio documents an equivalent,
 * what it means and what the operator does about it. Code branches on `code`, never on the message.
 * `docs/errors.md` is generated from it (`npm run docs:errors`).
 */
export interface CatalogueEntry {
  readonly level: ErrorLevel;
  /** Twilio's error number for the same failure, where Twilio documents one. */
  readonly twilio?: number;
  /** The HTTP status the Calls API answers with when a request fails with this code. */
  readonly http?: number;
  /** What the code means. */
  readonly text: string;
  /** What the operator does when it is logged. */
  readonly action: string;
}

/** The pino levels a code is logged at. */
export type ErrorLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

export const ERROR_CATALOGUE = {
  ERR_CONFIG_INVALID: { level: 'fatal', text: 'a configuration value is invalid',
    action: 'Fix the key the message names (in the file or environment variable it names) and start again; the message lists every invalid value.' },
  ERR_CLI_USAGE: { level: 'error', text: 'the pivot-esl command line was given arguments it does not accept (exit code 2)',
    action: 'Fix the arguments; `pivot-esl <command> --help` lists them.' },
  ERR_CLI_READ: { level: 'error', text: 'pivot-esl check could not read the document it was given (a file or standard input; exit code 1)',
    action: 'Check the path and that the file is readable.' },
  ERR_CLI_API: { level: 'error', text: 'pivot-esl call could not create or follow its call: the Calls API answered an error (exit code 3) or could not be reached (exit code 1)',
    action: 'Read Twilio\'s code and message printed with it; check --api, --account and the token.' },
  ERR_ESL_SOURCE_DENIED: { level: 'warn', text: 'a connection came from an address that is not an allowed FreeSWITCH',
    action: 'If the address is one of your FreeSWITCH nodes, add it to `esl.allowedSources`; otherwise find what is connecting to the Event Socket port.' },
  ERR_ESL_PROTOCOL: { level: 'error', text: 'the Event Socket peer sent something that is not valid Event Socket',
    action: 'Check that only FreeSWITCH connects to the Event Socket port and that the dialplan uses `socket ... async full`.' },
  ERR_ESL_FRAME_TOO_LARGE: { level: 'error', text: 'an Event Socket frame exceeded the size limit',
    action: 'Look for channel variables or events of unusual size on that call; raise `esl.maxHeaderBytes`/`esl.maxBodyBytes` only if such events are expected.' },
  ERR_ESL_TIMEOUT: { level: 'error', text: 'FreeSWITCH did not answer a command in time',
    action: 'Check the load of the FreeSWITCH node and the network between it and this server.' },
  ERR_ESL_COMMAND_FAILED: { level: 'warn', text: 'FreeSWITCH refused a command',
    action: 'Read the FreeSWITCH reply in the line (and the FreeSWITCH log for the same uuid): a missing module, file or channel.' },
  ERR_ESL_DISCONNECTED: { level: 'warn', text: 'the Event Socket connection closed',
    action: 'Expected when FreeSWITCH restarts; if it recurs, check FreeSWITCH and the network.' },
  ERR_ESL_CONNECT: { level: 'warn', text: 'the inbound Event Socket connection to FreeSWITCH could not be opened',
    action: 'Check that FreeSWITCH listens on the configured inbound Event Socket address; the server retries.' },
  ERR_ESL_AUTH_FAILED: { level: 'error', text: 'FreeSWITCH refused the Event Socket password',
    action: 'Set the node\'s password in the configuration to the one in FreeSWITCH\'s `event_socket.conf.xml`.' },
  ERR_ESL_MODESL_INCOMPATIBLE: { level: 'fatal', text: 'the installed modesl lacks a member the Event Socket layer relies on',
    action: 'Install the modesl version package.json pins (`npm ci`); the line names the missing member.' },
  ERR_PARK_TRANSFER_FAILED: { level: 'warn', text: 'a parked call could not be transferred to the outbound socket',
    action: 'Check the parked call in FreeSWITCH and the dialplan extension it is transferred to; the call stays parked.' },
  ERR_CLUSTER_REDIS_UNAVAILABLE: { level: 'error', http: 503, text: 'Redis (cluster.redis.url) cannot be reached or refused a command; the shared stores fall back as the README says (account limits count this server\'s calls alone)',
    action: 'Check that Redis runs and that this server reaches it (address, password, TLS); the client reconnects by itself with backoff, once per outage this is logged, and `pivot_cluster_redis_up` is 0 meanwhile.' },
  ERR_CLUSTER_REDIS_TIMEOUT: { level: 'warn', http: 503, text: 'a Redis command did not answer within cluster.redis.commandTimeoutMs; what needed it took its fallback',
    action: 'Check the load and latency of Redis and the network to it; raise cluster.redis.commandTimeoutMs if the latency is normal for the network.' },
  ERR_CLUSTER_PEER_GONE: { level: 'warn', http: 503, text: 'no server of the cluster listens for this message any more (the server that ran the call or room has stopped or lost Redis)',
    action: 'Nothing to do for one message: the entry expires with its lease; if it happens often, check the servers of the cluster and their Redis connection.' },
  ERR_CLUSTER_PEER_TIMEOUT: { level: 'warn', http: 504, text: 'another server of the cluster did not answer a request within its time limit',
    action: 'Check the load of the server that owns the call or room, and its Redis connection; the request was given up on.' },
  ERR_CLUSTER_MESSAGE_INVALID: { level: 'warn', text: 'a message between the servers of the cluster could not be read; it was dropped',
    action: 'Check that every server of the cluster runs the same version of pivot-esl and that nothing else publishes under cluster.redis.prefix.' },
  ERR_CLUSTER_NODE_UNKNOWN: { level: 'warn', text: 'a call could not reach a room or call on another FreeSWITCH node: no inter-node SIP address is configured for that node (cluster.nodes), or the server at the place never said which node it is on',
    action: 'List every FreeSWITCH node of the cluster in cluster.nodes, by its switchname (FreeSWITCH-Switchname), with the address its inter-node SIP profile listens on.' },
  ERR_CLUSTER_LEG_FAILED: { level: 'warn', text: 'a leg to another server of the cluster did not reach it (busy, unanswered, refused, or that server or its node is gone), or ended without its job\'s result; the call goes on as after a Dial',
    action: 'Check the pivot-cluster dialplan extension and the inter-node SIP profile (ACL, address) of both nodes, and that the server at the place runs; the log line gives the leg\'s hangup cause.' },
  ERR_CLUSTER_LEG_UNKNOWN: { level: 'warn', text: 'a leg arrived whose token this server does not know (expired, taken already, or never made); it is hung up unanswered',
    action: 'Nothing to do for one leg (its sender gave up, or the leg took longer than cluster.legs.jobTtlMs to arrive); if it repeats, check who sends legs to the pivot-cluster context.' },
  ERR_CLUSTER_LEG_KIND: { level: 'error', text: 'a leg arrived with a job of a kind this server has no handler for; it is hung up unanswered',
    action: 'Check that every server of the cluster runs the same version of pivot-esl.' },
  ERR_CONFIG_RELOAD: { level: 'error', text: 'the configuration could not be reloaded; the running configuration is kept',
    action: 'Fix the configuration the message names and reload again; the server keeps running on the old one.' },
  ERR_ADMIN_LISTEN: { level: 'error', text: 'the admin HTTP server could not listen',
    action: 'Free the admin port, or change the admin host and port in the configuration.' },
  ERR_API_LISTEN: { level: 'error', text: 'the Calls API HTTP server could not listen, or the server was built with api.enabled but without a calls service',
    action: 'Free the API port, or change `api.host` and `api.port` in the configuration; a program embedding the server gives `startServer` a `callsService`.' },
  ERR_API_AUTH: { level: 'warn', twilio: 20003, http: 401, text: 'a Calls API request had no valid credentials for the account in its path',
    action: 'Nothing, unless it recurs: the client must send its AccountSid and that account\'s auth token (HTTP Basic); an account without a token cannot use the API.' },
  ERR_API_NOT_FOUND: { level: 'info', twilio: 20404, http: 404, text: 'the Calls API has no such resource (an unknown path, or a call this account does not have on this server)',
    action: 'Nothing: the client asked for something that is not here; with several servers, the call may run on another one.' },
  ERR_API_METHOD: { level: 'info', twilio: 20004, http: 405, text: 'the Calls API resource does not allow the request\'s method',
    action: 'Nothing: the client used a method the resource does not serve (the Allow header lists them).' },
  ERR_API_BODY_INVALID: { level: 'info', http: 400, text: 'a Calls API request body is not application/x-www-form-urlencoded, or cannot be read as such',
    action: 'Nothing: the client must send form-encoded parameters, as Twilio\'s clients do.' },
  ERR_API_BODY_TOO_LARGE: { level: 'warn', http: 413, text: 'a Calls API request body is larger than api.maxBodyBytes',
    action: 'Nothing, unless legitimate requests are that large (a long Twiml): raise `api.maxBodyBytes`.' },
  ERR_API_TO_MISSING: { level: 'info', twilio: 21201, http: 400, text: 'a call was created without To',
    action: 'Nothing: the client must give the number or address to call.' },
  ERR_API_FROM_MISSING: { level: 'info', twilio: 21213, http: 400, text: 'a call was created without From',
    action: 'Nothing: the client must give the caller id.' },
  ERR_API_URL_INVALID: { level: 'info', twilio: 21205, http: 400, text: 'a Calls API request has no Url nor Twiml, both, or a Url (or FallbackUrl, StatusCallback) that is not an absolute http(s) URL',
    action: 'Nothing: the client must give one absolute http(s) Url, or inline Twiml.' },
  ERR_API_PARAM_INVALID: { level: 'info', twilio: 21200, http: 400, text: 'a Calls API parameter has a value the resource does not accept (a method, Timeout, StatusCallbackEvent, Status, a filter or a page)',
    action: 'Nothing: the client must fix the parameter the message names.' },
  ERR_API_TWIML_RELATIVE_URL: { level: 'info', twilio: 15004, http: 400, text: 'TwiML given inline (Calls API `Twiml`) has a relative URL: it has no document URL to resolve it against',
    action: 'Nothing: the client must use absolute URLs in TwiML it gives inline.' },
  ERR_API_TWIML_NO_ACTION: { level: 'info', twilio: 11100, http: 400, text: 'TwiML given inline records without an action URL, the place its recording is uploaded to',
    action: 'Nothing: the client must give the `<Record>` (or the recording `<Dial>`) of TwiML given inline an absolute `action`.' },
  ERR_API_CALL_NOT_IN_PROGRESS: { level: 'info', twilio: 21220, http: 400, text: 'the call is not in a state that allows the change asked for (e.g. redirecting a call that has ended)',
    action: 'Nothing: the call has moved on (ended, or not answered yet) before the request.' },
  ERR_API_CALL_OWNER_GONE: { level: 'warn', twilio: 20503, http: 503, text: 'an update was not made: the server of the cluster that runs the call does not listen any more (it stopped, died or lost Redis); nothing was done to the call',
    action: 'Nothing for one request: the call\'s entry expires with its lease (cluster.redis.leaseMs), after which the call is not found (20404); if it happens while that server runs, check its Redis connection.' },
  ERR_API_CALL_OWNER_TIMEOUT: { level: 'warn', twilio: 20503, http: 504, text: 'an update was forwarded to the server of the cluster that runs the call, which did not answer within cluster.forwardTimeoutMs; the update may or may not have been made',
    action: 'Check the load and the Redis connection of the server that owns the call (`owner` in its Redis entry); the client fetches the call to see where it is. Raise cluster.forwardTimeoutMs if that server is merely slow.' },
  ERR_API_TO_REFUSED: { level: 'info', twilio: 21211, http: 400, text: 'a call was not created: its To is not a number, SIP URI or client this server can dial, or holds characters FreeSWITCH would interpret',
    action: 'Nothing on the server: the API client is told (HTTP 400); the To must be a phone number or a sip: URI.' },
  ERR_API_FROM_REFUSED: { level: 'info', twilio: 21212, http: 400, text: 'a call was not created: its From (or CallerId) is not a number or SIP user part',
    action: 'Nothing on the server: the API client is told (HTTP 400).' },
  ERR_API_ACCOUNT_LIMIT: { level: 'warn', twilio: 20429, http: 429, text: 'a call was not created: the account has as many calls as its limit allows',
    action: 'Nothing if expected; raise the account\'s `call.limits` if its calls are legitimate.' },
  ERR_API_NO_NODE: { level: 'error', text: 'a created call could not be placed: no FreeSWITCH node of `api.nodes` could be reached; it ends failed',
    action: 'Check that the nodes\' inbound Event Socket listens at the configured addresses and accepts the password.' },
  ERR_API_ORIGINATE_FAILED: { level: 'warn', text: 'a created call could not be placed: the node\'s session was lost or the originate did not finish in time; it ends failed',
    action: 'Check the FreeSWITCH node named in the line and its log for the call\'s uuid.' },
  ERR_CALL_HANGUP: { level: 'info', text: 'the call was hung up',
    action: 'Nothing: it is the signal that stops the work of an ended call, never logged as a failure; the end is logged at info with an `outcome` (`hangup`) and no code.' },
  ERR_CALL_INTERRUPTED: { level: 'info', text: 'the running document was interrupted from outside the call',
    action: 'Nothing: the call goes on with the document it was sent to, or ends as asked.' },
  ERR_ABORTED: { level: 'debug', text: 'the operation was cancelled by its caller',
    action: 'Nothing: an operation was cancelled on purpose.' },
  ERR_SHUTDOWN: { level: 'warn', http: 503, text: 'the server is shutting down',
    action: 'Nothing if you are stopping the server; calls still up are hung up.' },
  ERR_NO_CALL_HANDLER: { level: 'error', text: 'no call handler is configured',
    action: 'Give the server a call handler when embedding it.' },
  ERR_INTERNAL: { level: 'error', text: 'an unexpected internal error',
    action: 'A fault in this server: keep the log line and its stack and report it.' },
  ERR_TWIML_PARSE: { level: 'warn', twilio: 12100, text: 'the TwiML document is not well-formed XML or its root is not <Response>',
    action: 'Fix the document the customer\'s web server returned (the line says where).' },
  ERR_TWIML_DOCTYPE: { level: 'warn', twilio: 12100, text: 'the TwiML document declares a DOCTYPE or entities, which are refused',
    action: 'Remove the DOCTYPE and entity declarations from the document.' },
  ERR_TWIML_TOO_LARGE: { level: 'warn', text: 'the TwiML document exceeds the size limit',
    action: 'Make the document smaller.' },
  ERR_TWIML_TOO_DEEP: { level: 'warn', text: 'the TwiML document nests elements deeper than the limit',
    action: 'Flatten the document.' },
  ERR_TWIML_TOO_MANY_ELEMENTS: { level: 'warn', text: 'the TwiML document has more elements than the limit',
    action: 'Split the document (e.g. with <Redirect>).' },
  ERR_TWIML_SCHEMA: { level: 'warn', twilio: 12200, text: 'the TwiML document breaks a TwiML schema rule',
    action: 'Fix the document as the message says; `pivot-esl check` reports every problem.' },
  ERR_TWIML_UNKNOWN_VERB: { level: 'warn', twilio: 12200, text: 'an element is not a TwiML verb or noun this server knows',
    action: 'Fix the element\'s name or remove it; `pivot-esl check` reports every problem.' },
  ERR_TWIML_INVALID_NESTING: { level: 'warn', twilio: 12200, text: 'an element or text appears where TwiML does not allow it',
    action: 'Move the element or text where TwiML allows it.' },
  ERR_TWIML_INVALID_ATTRIBUTE: { level: 'warn', twilio: 12200, text: 'an attribute has a value TwiML does not allow',
    action: 'Give the attribute one of the values TwiML allows.' },
  ERR_TWIML_INVALID_TEXT: { level: 'warn', twilio: 12200, text: 'the text content of an element is not valid for it',
    action: 'Fix the element\'s text as the message says.' },
  ERR_TWIML_MISSING_VALUE: { level: 'warn', twilio: 12200, text: 'a required text or attribute is missing or empty',
    action: 'Add the missing text or attribute.' },
  ERR_TWIML_INVALID_URL: { level: 'warn', twilio: 12200, text: 'a URL in the TwiML document is not a valid http(s) URL',
    action: 'Use an absolute or relative http(s) URL.' },
  ERR_TWIML_UNKNOWN_ATTRIBUTE: { level: 'warn', twilio: 12200, text: 'an attribute is unknown and is ignored',
    action: 'Remove or correct the attribute; the verb runs without it.' },
  ERR_TWIML_UNSUPPORTED: { level: 'warn', text: 'a TwiML feature is accepted but not carried out by this server',
    action: 'Nothing needed; do not rely on the feature with this server.' },
  ERR_TWIML_SKIPPED: { level: 'warn', text: 'a Twilio TwiML verb or noun this server does not run is skipped; the rest of the document runs',
    action: 'Nothing needed; remove the verb if its effect is required, as this server does not carry it out.' },
  ERR_TWIML_KAZOO_MEDIA: { level: 'warn', text: 'a <Play> body is a Kazoo media id: it is played through call.kazooMediaUrl, or skipped when that is not set',
    action: 'Set `call.kazooMediaUrl` to play Kazoo media ids, or use a URL.' },
  ERR_TWIML_NOT_APPLICABLE: { level: 'warn', text: 'an attribute has no effect with the noun it is used with (e.g. <Dial timeout> with <Conference>); it is ignored',
    action: 'Remove the attribute from that noun.' },
  ERR_TWIML_CONTENT_TYPE: { level: 'warn', twilio: 12300, text: 'the response content type is not TwiML',
    action: 'Make the web server answer with an XML content type (text/xml or application/xml).' },
  ERR_WEBHOOK_BAD_URL: { level: 'warn', twilio: 11200, text: 'a webhook URL is not a valid http(s) URL',
    action: 'Fix the URL in the document or the channel variable.' },
  ERR_WEBHOOK_BLOCKED_ADDRESS: { level: 'warn', twilio: 11200, text: 'a webhook host resolves to an address on the deny list',
    action: 'Point the URL at a public server, or take the range off `webhook.deniedNetworks` if it is yours.' },
  ERR_WEBHOOK_DNS: { level: 'warn', twilio: 11210, text: 'the webhook host name could not be resolved',
    action: 'Check the host name and the DNS this server uses.' },
  ERR_WEBHOOK_NETWORK: { level: 'warn', twilio: 11205, text: 'the connection to the webhook server failed or was reset',
    action: 'Check that the web server is up and reachable from this server.' },
  ERR_WEBHOOK_CONNECT_TIMEOUT: { level: 'warn', twilio: 11205, text: 'the connection to the webhook server was not established in time',
    action: 'Check that the web server is up and reachable; a firewall that drops packets looks like this.' },
  ERR_WEBHOOK_TIMEOUT: { level: 'warn', twilio: 11200, text: 'the webhook server did not answer in time',
    action: 'Make the web server answer faster, or raise `webhook.timeoutMs`.' },
  ERR_WEBHOOK_TLS: { level: 'warn', twilio: 11220, text: 'the TLS handshake with the webhook server failed',
    action: 'Fix the web server\'s certificate (expired, wrong name, unknown authority).' },
  ERR_WEBHOOK_PROTOCOL: { level: 'warn', twilio: 11206, text: 'the webhook server sent something that is not valid HTTP',
    action: 'Check the web server (or proxy) that answered: it does not speak valid HTTP.' },
  ERR_WEBHOOK_HTTP_STATUS: { level: 'warn', twilio: 11200, text: 'the webhook server answered with a status that is not a success',
    action: 'Read the web server\'s log for the request; the status is in the line.' },
  ERR_WEBHOOK_TOO_MANY_REDIRECTS: { level: 'warn', twilio: 11215, text: 'the webhook server redirected too many times',
    action: 'Fix the redirect loop on the web server.' },
  ERR_WEBHOOK_BODY_TOO_LARGE: { level: 'warn', twilio: 11750, text: 'the webhook response body exceeds the size limit',
    action: 'Make the response smaller.' },
  ERR_WEBHOOK_EMPTY_BODY: { level: 'warn', twilio: 11200, text: 'the webhook response body is empty',
    action: 'Make the web server return a TwiML document.' },
  ERR_CALL_NO_URL: { level: 'error', text: 'no voice URL is configured for the call; it is rejected unanswered',
    action: 'Set the voice URL channel variable in the dialplan, or `call.voiceUrl`.' },
  ERR_CALL_BAD_URL: { level: 'warn', text: 'a URL given in a channel variable (voice, fallback, status callback) is not a valid http(s) URL; it is ignored, and a call left without a voice URL is refused',
    action: 'Fix the channel variable the line names in the dialplan.' },
  ERR_CALL_REDIRECT_LIMIT: { level: 'warn', text: 'the call made more document requests than the limit allows',
    action: 'Look for a <Redirect> loop in the customer\'s documents, or raise `call.maxRequests`.' },
  ERR_CALL_MEDIA_REFUSED: { level: 'warn', text: 'a media path is not an http(s) URL or an allowed FreeSWITCH path',
    action: 'Use an http(s) URL, or a FreeSWITCH path form listed in `call.mediaPrefixes`.' },
  ERR_CALL_KAZOO_MEDIA: { level: 'warn', text: 'a Kazoo media id cannot be played (call.kazooMediaUrl is not set, or it needs an account id the call lacks); the audio is skipped',
    action: 'Set `call.kazooMediaUrl`, and make sure calls carry their account id.' },
  ERR_CALL_MEDIA_DENIED: { level: 'warn', twilio: 11200, text: 'a media URL FreeSWITCH would fetch resolves to an address on the deny list; it is not played',
    action: 'Serve the media from a public host, or take the range off `webhook.deniedNetworks` if it is yours.' },
  ERR_CALL_MEDIA_DNS: { level: 'warn', twilio: 11210, text: 'the host of a media URL FreeSWITCH would fetch could not be resolved; it is not played',
    action: 'Check the media host name and the DNS this server uses.' },
  ERR_CALL_PLAY_FAILED: { level: 'warn', text: 'FreeSWITCH could not play a media file',
    action: 'Read the FreeSWITCH reply in the line: a missing file, an unsupported format or an unreachable URL.' },
  ERR_CALL_VOICE_UNMAPPED: { level: 'warn', text: 'a Say voice has no text-to-speech mapping; the default voice is used',
    action: 'Add the voice to `call.tts.voices`.' },
  ERR_CALL_RECORDING_MISSING: { level: 'error', text: 'the file of a recording could not be read',
    action: 'Check that FreeSWITCH writes recordings to the spool directory this server reads (`call.record.spoolDir`).' },
  ERR_CALL_RECORDING_UPLOAD: { level: 'error', text: 'a recording could not be uploaded; the file is kept in the spool directory',
    action: 'Check the upload target; the recording is kept in the spool directory.' },
  ERR_CONFERENCE_NAME: { level: 'warn', text: 'a conference room name is empty or too long; the Dial fails',
    action: 'Fix the room name in the document.' },
  ERR_CONFERENCE_FULL: { level: 'info', text: 'a conference room already holds maxParticipants members; the Dial fails',
    action: 'Nothing, unless rooms should hold more: raise maxParticipants in the document.' },
  ERR_CONFERENCE_JOIN_FAILED: { level: 'warn', text: 'FreeSWITCH ended the conference application without adding the member',
    action: 'Check the FreeSWITCH log for the uuid: mod_conference and its profile.' },
  ERR_CONFERENCE_CALLBACK: { level: 'warn', text: 'a conference status callback could not be delivered',
    action: 'Check the statusCallback web server; the status and cause are in the line.' },
  ERR_CONFERENCE_WAIT_URL: { level: 'warn', text: 'the conference waitUrl gave no audio; the configured hold music plays',
    action: 'Fix the waitUrl (or its document) the line names.' },
  ERR_CONFERENCE_WAIT_VERB: { level: 'warn', text: 'a verb that a conference waitUrl document may not use was skipped',
    action: 'Use only <Play>, <Say>, <Pause> and <Redirect> in a conference waitUrl document.' },
  ERR_CONFERENCE_WAIT_PLAY: { level: 'warn', text: 'FreeSWITCH did not play wait audio to a conference member',
    action: 'Check the FreeSWITCH reply in the line and that the member is still in the room.' },
  ERR_CONFERENCE_PROFILE_MISSING: { level: 'warn', text: 'mod_conference has no profile of the configured name; rooms run with its built-in settings',
    action: 'Add the profile to FreeSWITCH\'s `conference.conf.xml`, or set `call.conference.profile` to one it has.' },
  ERR_CONFERENCE_ALONE_PROMPT: { level: 'warn', text: 'the conference profile in use plays the "only person in this conference" prompt, which Twilio never plays',
    action: 'Remove the `alone-sound` (and similar prompts) from the conference profile.' },
  ERR_CONFERENCE_LEAVE_FAILED: { level: 'warn', text: 'a member could not be taken out of its conference room at its timeLimit or on *',
    action: 'Check the FreeSWITCH log for the uuid; the member stays in the room until it hangs up.' },
  ERR_CONFERENCE_DIRECTORY: { level: 'warn', text: 'the cluster\'s directory of conference rooms (Redis) could not say where a room is; the member joined this server\'s room of that name',
    action: 'Check Redis (cluster.redis.url); members of the room on other servers are in rooms of their own until it answers again.' },
  ERR_CONFERENCE_REMOTE: { level: 'warn', text: 'the server that holds a conference room did not take a member of another server; the Dial fails',
    action: 'Check that the room\'s server (serverId in the line) runs and that the inter-node leg to its node can be placed (cluster.nodes); the entry of a server that died ends with its lease.' },
  ERR_QUEUE_NAME: { level: 'warn', text: 'a queue name is empty or longer than 64 characters',
    action: 'Fix the queue name in the document.' },
  ERR_QUEUE_FULL: { level: 'info', text: 'a queue already holds its maximum number of calls',
    action: 'Nothing, unless the queue should hold more: raise its maxSize.' },
  ERR_QUEUE_NOT_FOUND: { level: 'info', text: 'Dial to a queue that no call has ever entered',
    action: 'Nothing, unless the name is wrong: check the queue name in the document.' },
  ERR_QUEUE_WAIT_URL: { level: 'warn', text: 'a queue waitUrl document could not be fetched; the configured hold music plays',
    action: 'Fix the waitUrl (or the Queue url) the line names.' },
  ERR_QUEUE_WAIT_VERB: { level: 'warn', text: 'a verb that a queue waitUrl document may not use was skipped',
    action: 'Use only the verbs a queue waitUrl document allows.' },
  ERR_QUEUE_BRIDGE_FAILED: { level: 'warn', text: 'a dequeued call could not be connected to the call that took it',
    action: 'Usually the waiting caller hung up at that moment; if it recurs, check the FreeSWITCH log for the uuids.' },
  ERR_QUEUE_UNAVAILABLE: { level: 'error', text: 'the shared queues could not be reached (the cluster\'s Redis is down or too slow): Enqueue ends with QueueResult=system-error, Dial Queue fails',
    action: 'Bring the cluster\'s Redis (cluster.redis.url) back; calls waiting in a queue keep waiting and are put back in Redis once it answers.' },
  ERR_QUEUE_OFFER_REFUSED: { level: 'info', text: 'a taken caller was no longer waiting when its taker\'s offer reached it (it hung up, left, or its server stopped); the taker takes the next',
    action: 'Nothing: a caller leaving while it is taken.' },
  ERR_DIAL_NUMBER_REFUSED: { level: 'warn', twilio: 13223, text: 'a Dial number holds characters other than digits and a leading +; it is not dialled',
    action: 'Fix the number in the document: digits with an optional leading +.' },
  ERR_DIAL_CALLER_ID_REFUSED: { level: 'warn', twilio: 13214, text: 'a Dial callerId is not a number or SIP user; the caller\'s own id is kept',
    action: 'Fix the callerId in the document.' },
  ERR_DIAL_ENDPOINT_REFUSED: { level: 'warn', text: 'a Dial SIP URI or id holds characters FreeSWITCH would interpret, or a SIP header or credential value cannot be carried intact (line break, control character, ${, \' quote, backslash, unbalanced brackets); it is not dialled',
    action: 'Fix the SIP URI, header or credential in the document.' },
  ERR_DIAL_NO_ENDPOINT: { level: 'warn', text: 'a Dial has nothing left to ring; it is reported as failed',
    action: 'Give the Dial at least one valid number, SIP URI, client, conference or queue.' },
  ERR_CALL_ACCOUNT_LIMIT: { level: 'warn', text: 'the account has as many calls as its limit allows; the call is refused unanswered',
    action: 'Nothing, unless the account should have more calls: raise its limit in `call.limits`.' },
  ERR_CALL_STATUS_CALLBACK: { level: 'warn', twilio: 15003, text: 'a status callback got no 2xx reply after its retries',
    action: 'Check the statusCallback web server; the status and cause are in the line.' },
  ERR_RECORDING_DELIVERY_FAILED: { level: 'error', text: 'a recording was not delivered within its attempts; it is kept in the failed/ directory',
    action: 'Fix the upload target, then move the file from failed/ back to the queue to deliver it.' },
  ERR_RECORDING_QUEUE: { level: 'error', text: 'an entry of the recording delivery queue could not be read or written',
    action: 'Check the spool directory: disk space, permissions, and the file the line names.' },
  ERR_SPOOL_UNUSABLE: { level: 'fatal', text: 'the recording spool directory cannot be created or written by this server; it does not start',
    action: 'Create the spool directory and give this server\'s user write access, then start again.' },
  ERR_SPOOL_PERMISSIONS: { level: 'warn', text: 'the recording spool directory keeps another mode or group than configured; FreeSWITCH may be unable to write it',
    action: 'Set the directory\'s mode and group as configured (or run this server as its owner) so FreeSWITCH can write recordings.' },
  ERR_WEBHOOK_DEBUG_LOG: { level: 'warn', text: 'a per-call debug log could not be written',
    action: 'Check that `webhook.debugDir` exists and this server can write to it.' },
  ERR_DIAL_WHISPER_NO_SOCKET: { level: 'warn', text: 'a Dial noun has a whisper url but no socket address is known for its leg; it is not dialled',
    action: 'Set `call.dial.whisperSocket` to the host:port FreeSWITCH reaches this server\'s Event Socket on.' },
  ERR_DIAL_WHISPER_UNKNOWN: { level: 'warn', text: 'a whisper leg connected that this server did not dial; it is hung up',
    action: 'Check what dialled the leg: only this server should send whisper legs to its socket.' },
  ERR_DIAL_WHISPER_VERB: { level: 'warn', text: 'a verb that a whisper document may not use was skipped',
    action: 'Use only the verbs a whisper document allows.' },
  ERR_DIAL_LEG_CALLBACK: { level: 'warn', text: 'a Number or Sip statusCallback request failed',
    action: 'Check the statusCallback web server; the status and cause are in the line.' },
  ERR_DIAL_WHISPER_FAILED: { level: 'warn', text: 'a whisper document could not be fetched or run; the callee is not connected',
    action: 'Fix the whisper url (or its document) the line names.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Base class of every error the server raises on purpose. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CATALOGUE[code].text, options);
    this.code = code;
    this.name = 'AppError';
  }

  /** The Twilio error number for this code, when Twilio has one. */
  get twilioCode(): number | undefined {
    const entry: CatalogueEntry = ERROR_CATALOGUE[this.code];
    return entry.twilio;
  }

  /** The HTTP status the Calls API answers this error with, when the catalogue gives one. */
  get httpStatus(): number | undefined {
    const entry: CatalogueEntry = ERROR_CATALOGUE[this.code];
    return entry.http;
  }
}

/** Errors of the Event Socket layer: protocol, timeouts, refused commands, lost connections. */
export class EslError extends AppError {
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EslError';
  }
}

/**
 * The reason a call's signal fires: hangup, disconnect or shutdown. Carries the hangup cause when known.
 *
 * Every call ends with a few of these, so they are built without a stack trace: the end of a call is an event, not
 * a fault in the code, and capturing a stack is the dearest part of making an error.
 */
export class CallEndedError extends AppError {
  readonly hangupCause: string | undefined;
  constructor(code: 'ERR_CALL_HANGUP' | 'ERR_CALL_INTERRUPTED' | 'ERR_ESL_DISCONNECTED' | 'ERR_SHUTDOWN', hangupCause?: string,
    message?: string) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(code, message ?? (hangupCause ? `${ERROR_CATALOGUE[code].text} (${hangupCause})` : undefined));
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'CallEndedError';
    this.hangupCause = hangupCause;
  }
}

/**
 * A configuration value failed validation, or the file could not be read. The message names the key, where its
 * value came from (environment variable or file) and the value, secrets redacted; `problems` lists them one by one.
 */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblemSummary[];
  constructor(message: string, options?: { cause?: unknown; problems?: readonly ConfigProblemSummary[] }) {
    super('ERR_CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
    this.problems = options?.problems ?? [];
  }
}

/** One invalid configuration value as a ConfigError lists it. */
export interface ConfigProblemSummary {
  /** Dotted key, e.g. `esl.port`. */
  readonly key: string;
  /** The environment variable the value came from, if it did. */
  readonly env?: string;
  /** The file the value came from, if it did. */
  readonly file?: string;
  /** `key: reason (source: value)`, secrets redacted. */
  readonly message: string;
}

/** Whether `code` names an entry of the catalogue (a code read from outside the process). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('ERR_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}
