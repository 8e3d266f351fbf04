import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EslError } from '../../src/errors.js';
import type { EslChannel } from '../../src/esl/channel.js';
import { randomChunks, feed } from '../esl/frame-feed.js';
import { eventually, startServer, type Harness } from '../support/harness.js';
import { RawPeer } from '../support/raw-peer.js';
import { subscribedRawCall } from '../support/raw-call.js';
import { fixtureFiles, fuzzRounds, fuzzSeed, mutate } from './mutate.js';

/** Mutated FreeSWITCH captures fed to the frame parser, and to live server connections. */

const captures = fixtureFiles('esl');
const LIMITS = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 256 * 1024 };

describe('fuzz: Event Socket frames', function () {
  this.timeout(60_000);

  it('the frame parser never throws, and every error it reports carries a code', async () => {
    const seed = fuzzSeed(0x5eed01);
    const rounds = await fuzzRounds('frame parser', seed, 3000, 2500, (dice, i) => {
      const parts = [mutate(dice.pick(captures), dice)];
      while (dice.chance(0.5)) parts.push(dice.chance(0.5) ? mutate(dice.pick(captures), dice) : dice.pick(captures));
      const bytes = Buffer.concat(parts);
      const out = feed(randomChunks(bytes, seed + i, 1 + dice.below(4096)), dice.chance(0.5) ? LIMITS : undefined);
      for (const err of out.errors) {
        assert.ok(err instanceof EslError, 'an EslError');
        assert.match(err.code, /^ERR_ESL_/);
      }
      for (const message of out.messages) {
        // Reading a message must not throw either, whatever its bytes.
        void message.contentType;
        void message.body;
        for (const name of Object.keys(message.headers)) void message.header(name);
        void message.header('Event-Name');
      }
    });
    assert.ok(rounds > 100, `only ${rounds} rounds ran`);
  });

  describe('against a live server', () => {
    let h: Harness;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => { rejections.push(reason); };
    beforeEach(async () => {
      rejections.length = 0;
      process.on('unhandledRejection', onRejection);
      h = await startServer(async (channel: EslChannel) => {
        await channel.execute('answer');
        await channel.execute('playback', 'tone_stream://%(100,0,400)');
      }, { ...LIMITS });
    });
    afterEach(async () => {
      process.off('unhandledRejection', onRejection);
      await h.close();
    });

    it('mutated connect replies and events: every connection ends, nothing is left, every warning has a code', async () => {
      const seed = fuzzSeed(0x5eed02);
      const rounds = await fuzzRounds('live frames', seed, 150, 8000, async (dice) => {
        const uuid = randomUUID();
        let peer: RawPeer;
        if (dice.chance(0.3)) {
          peer = await RawPeer.connect(h.port);
          await peer.command(0);
          peer.write(mutate(dice.pick(captures), dice));
        } else {
          peer = await subscribedRawCall(h.port, uuid);
          const frames = 1 + dice.below(4);
          for (let f = 0; f < frames; f++) {
            const capture = dice.pick(captures).toString('latin1').replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, uuid);
            peer.write(mutate(Buffer.from(capture, 'latin1'), dice));
          }
        }
        peer.socket.destroy();
        await peer.closed;
      });
      await eventually(() => h.server.activeCalls === 0, 5000, 'every call to be released');
      for (const channel of h.channels) {
        assert.equal(channel.pendingCount, 0, 'no operation left pending');
        assert.equal(channel.listenerCount, 0, 'no listener left');
      }
      const uncoded = h.logs.lines.filter((l) => ['warn', 'error', 'fatal'].includes(String(l.level)) && typeof l.code !== 'string');
      assert.deepEqual(uncoded, []);
      assert.deepEqual(rejections, []);
      assert.ok(rounds > 10, `only ${rounds} rounds ran`);
    });
  });
});
