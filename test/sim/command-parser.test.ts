/** The simulator reads commands the way FreeSWITCH does. */
import assert from 'node:assert/strict';
import { CommandParser, headerOf } from '../../src/sim/index.js';

describe('command parser', () => {
  it('reads command lines, headers, and skips blank lines between commands', () => {
    const p = new CommandParser();
    const cmds = p.push(Buffer.from('\n\nconnect\n\nsendmsg\ncall-command: execute\nexecute-app-name:answer\n\n\n\nexit\n\n'));
    assert.deepEqual(cmds.map((c) => c.command), ['connect', 'sendmsg', 'exit']);
    assert.equal(headerOf(cmds[1]!, 'Execute-App-Name'), 'answer');
  });

  it('tolerates \\r\\n and values with colons, which are not decoded', () => {
    const [c] = new CommandParser().push(Buffer.from('sendmsg\r\nexecute-app-arg: http://x/a%20b\r\n\r\n'));
    assert.equal(c?.headers['execute-app-arg'], 'http://x/a%20b');
  });

  it('reads a Content-Length body in bytes, across chunks', () => {
    const p = new CommandParser();
    const body = 'héllo\nwörld';
    const text = `sendmsg\ncall-command: execute\ncontent-type: text/plain\ncontent-length: ${Buffer.byteLength(body)}\n\n${body}\n\nexit\n\n`;
    const bytes = Buffer.from(text);
    const out = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...p.push(bytes.subarray(i, i + 3)));
    assert.equal(out.length, 2);
    assert.equal(out[0]?.body, body);
    assert.equal(out[1]?.command, 'exit');
  });
});
