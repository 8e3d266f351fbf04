import assert from 'node:assert/strict';
import { originateCommand, type OriginateSpec } from '../../src/api/originate-command.js';
import { numberEndpoint, sipEndpoint } from '../../src/call/index.js';
import { AppError } from '../../src/errors.js';

const TEMPLATES = { numberTemplate: 'loopback/{number}/context_2', sipTemplate: 'sofia/sipinterface_1/{uri}' };
const UUID = '0d4e5f60-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

function spec(over: Partial<OriginateSpec> = {}): OriginateSpec {
  return { uuid: UUID, endpoint: numberEndpoint('+1 (555) 987-0000', TEMPLATES), callerId: '+15551230000',
    timeoutSeconds: 30, socket: '127.0.0.1:8084', ...over };
}

describe('Calls API: the originate command', () => {
  it('a number: the uuid, caller id, ring timeout and answer-only variables, the templated endpoint; both words quoted', () => {
    assert.equal(originateCommand(spec()),
      `originate '{origination_uuid=${UUID},origination_caller_id_number=+15551230000,originate_timeout=30,` +
      "ignore_early_media=true}loopback/+15559870000/context_2' '&socket(127.0.0.1:8084 async full)'");
  });

  it('a TimeLimit adds FreeSWITCH\'s backstop on answer; a failover socket list is kept', () => {
    const command = originateCommand(spec({ timeLimitSeconds: 30, socket: '10.0.0.1:8084|10.0.0.2:8084' }));
    assert.match(command, /,execute_on_answer_pivot_limit=sched_hangup \+32 ALLOTTED_TIMEOUT\}loopback\//);
    assert.ok(command.endsWith(" '&socket(10.0.0.1:8084|10.0.0.2:8084 async full)'"));
  });

  it('a SIP URI: its X- headers as the leg\'s variables, escaped for the list', () => {
    const endpoint = sipEndpoint('sip:alice@example.com;transport=tcp?X-Ref=a%2Cb&Subject=x', TEMPLATES);
    assert.deepEqual(endpoint.dropped, ['Subject']);
    const command = originateCommand(spec({ endpoint }));
    assert.ok(command.includes("}[sip_h_X-Ref=a\\,b]sofia/sipinterface_1/sip:alice@example.com;transport=tcp' "), command);
  });

  it('refuses what was not checked: a uuid, a socket target or a number of seconds that could carry syntax', () => {
    for (const bad of [spec({ uuid: `${UUID} &park()` }), spec({ socket: "127.0.0.1:8084 async full)' &park(" }),
      spec({ timeoutSeconds: 0 }), spec({ timeoutSeconds: 1.5 }), spec({ timeLimitSeconds: -1 })]) {
      assert.throws(() => originateCommand(bad), (err: unknown) => err instanceof AppError && err.code === 'ERR_INTERNAL');
    }
  });

  it('the endpoint checks of <Dial> refuse hostile numbers and URIs before a command exists', () => {
    for (const to of ['+1555,loopback/1', '1555}{x', '${uuid}', "+1555' &park()"]) {
      assert.throws(() => numberEndpoint(to, TEMPLATES), (err: unknown) => err instanceof AppError && err.code === 'ERR_DIAL_NUMBER_REFUSED');
    }
    for (const uri of ['sip:a@b.com,sofia/x', 'sip:a@b.com?X-A=${x}', "sip:a@b.com?X-A='", 'sip:a b@c.com']) {
      assert.throws(() => sipEndpoint(uri, TEMPLATES), (err: unknown) => err instanceof AppError && err.code === 'ERR_DIAL_ENDPOINT_REFUSED');
    }
  });
});
