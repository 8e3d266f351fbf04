/**
 * The behaviour every queue store (call/rooms/queue-store.ts) has: one table, run against each implementation. A
 * store under test is seen from two servers (`a` and `b`): the same store for the in-process one, two servers'
 * stores over one Redis for the shared one.
 */
import assert from 'node:assert/strict';
import { createBridgeLink } from '../../src/call/rooms/memory-queue-store.js';
import { type BridgeOffer, queueSidOf, type QueueStore, type TakenCall } from '../../src/call/rooms/queue-store.js';
import { queueKey } from '../../src/call/rooms/room-names.js';
import { eventually } from '../support/harness.js';

export const SUPPORT = queueKey('AC' + 'a'.repeat(32), 'support');
export const OTHER_ACCOUNT = queueKey('AC' + 'b'.repeat(32), 'support');

/** The two servers' views of one store. */
export interface StoresUnderTest {
  readonly a: QueueStore;
  readonly b: QueueStore;
}

/** What a waiting call was offered, in order. */
export class Offers {
  readonly got: BridgeOffer[] = [];
  readonly take = (offer: BridgeOffer): void => {
    this.got.push(offer);
  };
}

/** An offer from a taker, with a fresh link. */
export function offerFrom(dequeuerCallSid: string): BridgeOffer {
  return { room: `room-of-${dequeuerCallSid}`, dequeuerCallSid, method: 'POST', link: createBridgeLink() };
}

const NEVER = new AbortController().signal;

/** Takes the first caller without waiting. */
export function takeNow(store: QueueStore, key = SUPPORT): Promise<TakenCall | undefined> {
  return store.takeFirst(key, { timeoutMs: 0, signal: NEVER });
}

/** Puts `callSid` in line on `store`; its offers are recorded in the returned list. */
export async function enter(store: QueueStore, callSid: string, maxSize = 100, key = SUPPORT): Promise<Offers> {
  const offers = new Offers();
  assert.equal(await store.enqueue(key, { callSid, enqueuedAtMs: Date.now(), coreUuid: 'node-1' }, maxSize, offers.take), true,
    `${callSid} enters`);
  return offers;
}

/** The behaviour every queue store has; `make` builds fresh, empty stores in a `beforeEach` of the caller's suite. */
export function queueStoreContract(make: () => Promise<StoresUnderTest>): void {
  let a: QueueStore;
  let b: QueueStore;
  beforeEach(async () => {
    ({ a, b } = await make());
  });

  it('keeps the order of arrival across servers; positions, size and the average wait as Twilio gives them', async () => {
    await enter(a, 'CA1');
    await enter(b, 'CA2');
    await enter(a, 'CA3');
    const second = await b.standing(SUPPORT, 'CA2');
    assert.equal(second?.position, 2);
    assert.equal(second?.size, 3);
    assert.ok((second?.averageWaitMs ?? -1) >= 0 && (second?.averageWaitMs ?? 0) < 5000, `average ${second?.averageWaitMs}`);
    assert.equal((await a.standing(SUPPORT, 'CA1'))?.position, 1);
    const first = await takeNow(b);
    assert.equal(first?.callSid, 'CA1');
    assert.equal(first?.coreUuid, 'node-1');
    assert.equal((await a.standing(SUPPORT, 'CA3'))?.position, 2, 'moved up');
    assert.equal((await a.standing(SUPPORT, 'CA3'))?.size, 2);
    assert.equal(await a.standing(SUPPORT, 'CA1'), undefined, 'a taken call no longer stands in line');
    assert.equal((await takeNow(a))?.callSid, 'CA2');
    assert.equal((await takeNow(a))?.callSid, 'CA3');
    assert.equal(await takeNow(b), undefined);
  });

  it('the average wait is that of the calls now in line', async () => {
    await a.enqueue(SUPPORT, { callSid: 'CA1', enqueuedAtMs: Date.now() }, 100, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await b.enqueue(SUPPORT, { callSid: 'CA2', enqueuedAtMs: Date.now() }, 100, () => undefined);
    const standing = await b.standing(SUPPORT, 'CA2');
    assert.ok(standing && standing.averageWaitMs >= 90 && standing.averageWaitMs < 1000, `average ${standing?.averageWaitMs}`);
  });

  it('refuses a call over maxSize, counting every server\'s calls', async () => {
    await enter(a, 'CA1', 2);
    await enter(b, 'CA2', 2);
    assert.equal(await a.enqueue(SUPPORT, { callSid: 'CA3', enqueuedAtMs: Date.now() }, 2, () => undefined), false);
    assert.equal(await b.standing(SUPPORT, 'CA3'), undefined);
    await takeNow(a);
    await enter(b, 'CA3', 2);
  });

  it('QueueSid is the same on every server, per account and name; a queue exists once a call entered it', async () => {
    assert.equal(a.sidOf(SUPPORT), b.sidOf(SUPPORT));
    assert.equal(a.sidOf(SUPPORT), queueSidOf(SUPPORT));
    assert.match(a.sidOf(SUPPORT), /^QU[0-9a-f]{32}$/);
    assert.notEqual(a.sidOf(SUPPORT), a.sidOf(OTHER_ACCOUNT));
    assert.equal(await b.exists(SUPPORT), false);
    await enter(a, 'CA1');
    assert.equal(await b.exists(SUPPORT), true);
    assert.equal(await b.exists(OTHER_ACCOUNT), false, 'another account\'s queue of that name is another queue');
    assert.equal(await takeNow(b, OTHER_ACCOUNT), undefined);
    await takeNow(b);
    assert.equal(await a.exists(SUPPORT), true, 'still known once empty');
  });

  it('a call that leaves is out of line at once; it cannot leave twice', async () => {
    await enter(a, 'CA1');
    await enter(a, 'CA2');
    assert.equal(await a.remove(SUPPORT, 'CA1'), true);
    assert.equal(await a.remove(SUPPORT, 'CA1'), false);
    assert.equal(await b.standing(SUPPORT, 'CA1'), undefined);
    assert.equal((await b.standing(SUPPORT, 'CA2'))?.position, 1);
    assert.equal(a.waitingCount, 1);
    assert.equal((await takeNow(b))?.callSid, 'CA2');
  });

  it('the taker\'s offer reaches the queued call, on whichever server; an offered call can no longer leave', async () => {
    const offers = await enter(a, 'CA1');
    const taken = await takeNow(b);
    assert.ok(taken);
    const offer = offerFrom('CA9');
    assert.equal(await taken.offer(offer), true);
    await eventually(() => offers.got.length === 1, 2000, 'the offer');
    const got = offers.got[0]!;
    assert.equal(got.room, offer.room);
    assert.equal(got.dequeuerCallSid, 'CA9');
    assert.equal(await a.remove(SUPPORT, 'CA1'), false);
    // The link carries both sides' news.
    got.link.markQueuedJoined(true);
    assert.equal(await offer.link.queuedJoined, true);
    let dequeuerLeft = false;
    got.link.onLeft('dequeuer', () => { dequeuerLeft = true; });
    offer.link.markLeft('dequeuer');
    await eventually(() => dequeuerLeft, 2000, 'the queued side to hear that the taker left');
  });

  it('a taker waits for the next arrival on any server, up to its time limit', async () => {
    const waiting = b.takeFirst(SUPPORT, { timeoutMs: 5000, signal: NEVER });
    await eventually(() => b.takerCount === 1, 2000, 'the taker to wait');
    await enter(a, 'CA1');
    assert.equal((await waiting)?.callSid, 'CA1');
    assert.equal(b.takerCount, 0);
    const started = performance.now();
    assert.equal(await b.takeFirst(SUPPORT, { timeoutMs: 150, signal: NEVER }), undefined);
    assert.ok(performance.now() - started >= 140, 'waited its time');
    const stop = new AbortController();
    const aborted = b.takeFirst(SUPPORT, { timeoutMs: 10_000, signal: stop.signal });
    await eventually(() => b.takerCount === 1, 2000, 'the taker to wait');
    stop.abort();
    assert.equal(await aborted, undefined);
    assert.equal(b.takerCount, 0);
  });

  it('concurrent takers on both servers never get the same caller', async () => {
    const sids = Array.from({ length: 30 }, (_, i) => `CA${i}`);
    for (const [i, sid] of sids.entries()) await enter(i % 2 === 0 ? a : b, sid);
    const got: string[] = [];
    await Promise.all(Array.from({ length: 8 }, async (_, t) => {
      const store = t % 2 === 0 ? a : b;
      for (let taken = await takeNow(store); taken; taken = await takeNow(store)) got.push(taken.callSid);
    }));
    assert.deepEqual([...got].sort(), [...sids].sort());
  });
}
