/** The behaviour every registry of calls (api/call-registry.ts) has: one table, run against each implementation. */
import assert from 'node:assert/strict';
import type { CallRegistry, HistoryBounds } from '../../src/api/call-registry.js';
import type { CallResource } from '../../src/api/calls-service.js';

export const ACCOUNT = `AC${'a'.repeat(32)}`;
export const OTHER = `AC${'b'.repeat(32)}`;

/** A uuid whose digits end with `n`. */
export function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function call(n: number, over: Partial<CallResource> = {}): CallResource {
  const at = new Date(Date.UTC(2026, 11, 6, 12, 0, n));
  return { sid: uuid(n), accountSid: ACCOUNT, to: `+1555000${n}`, from: '+15551112222', status: 'in-progress',
    direction: 'inbound', dateCreated: at, dateUpdated: at, startTime: at, ...over };
}

/** A registry under test, built with these bounds and clock, and how many calls it holds. */
export interface RegistryUnderTest {
  readonly registry: CallRegistry;
  size(): Promise<number>;
}

/**
 * The behaviour every registry of calls has, one table for all of them: `make` builds a fresh, empty one (in a
 * `beforeEach` of the caller's suite) whose history is bounded by `bounds` and aged by `now`.
 */
export function registryContract(make: (bounds: HistoryBounds, now: () => number) => Promise<RegistryUnderTest>): void {
  let now: number;
  let registry: CallRegistry;
  let under: RegistryUnderTest;
  beforeEach(async () => {
    now = Date.UTC(2026, 11, 6, 13, 0, 0);
    under = await make({ maxCalls: 3, maxAgeMs: 60_000 }, () => now);
    registry = under.registry;
  });

  it('finds a call by its uuid or by CA + its digits, in its own account only', async () => {
    await registry.add(call(1, { accountSid: 'a'.repeat(32) }));
    const ca = `CA${uuid(1).replaceAll('-', '')}`;
    assert.equal((await registry.get(ACCOUNT, uuid(1)))?.sid, uuid(1));
    assert.equal((await registry.get(ACCOUNT, `CA${uuid(1).replaceAll('-', '').toUpperCase()}`))?.sid, uuid(1));
    assert.equal((await registry.get('a'.repeat(32), ca))?.accountSid, ACCOUNT, 'the bare Kazoo id is AC + it');
    assert.equal(await registry.get(OTHER, uuid(1)), undefined, 'another account does not see it');
    assert.equal(await registry.get(ACCOUNT, 'nonsense'), undefined);
  });

  it('a created call that reaches the engine keeps its sid, direction and creation time', async () => {
    const created = call(2, { sid: `CA${uuid(2).replaceAll('-', '')}`, direction: 'outbound-api', status: 'queued' });
    delete (created as { startTime?: Date }).startTime;
    await registry.add(created);
    const answered = new Date(now);
    const merged = await registry.add(call(2, { sid: uuid(2), dateCreated: answered, startTime: answered }));
    assert.equal(merged.sid, created.sid);
    assert.equal(merged.direction, 'outbound-api');
    assert.equal(merged.status, 'in-progress');
    assert.deepEqual(merged.dateCreated, created.dateCreated);
    assert.deepEqual(merged.startTime, answered);
  });

  it('updates status and times; an ended call stays as it ended', async () => {
    await registry.add(call(3));
    const end = new Date(now);
    const ended = await registry.update(uuid(3), { status: 'completed', endTime: end, duration: 7 });
    assert.equal(ended?.status, 'completed');
    assert.equal(ended?.duration, 7);
    assert.deepEqual(ended?.dateUpdated, end);
    const again = await registry.update(uuid(3), { status: 'failed' });
    assert.equal(again?.status, 'completed');
    assert.equal(await registry.update(uuid(99), { status: 'completed' }), undefined);
  });

  it('keeps at most maxCalls ended calls (the oldest ended go first) and every live one', async () => {
    for (let n = 1; n <= 6; n++) await registry.add(call(n));
    for (const n of [4, 1, 2, 3]) await registry.update(uuid(n), { status: 'completed' });
    assert.equal(await registry.get(ACCOUNT, uuid(4)), undefined, 'the first to end is dropped');
    for (const n of [1, 2, 3, 5, 6]) assert.ok(await registry.get(ACCOUNT, uuid(n)), `call ${n}`);
    assert.equal(await under.size(), 5);
  });

  it('drops ended calls older than maxAgeMs, never live ones', async () => {
    await registry.add(call(1));
    await registry.add(call(2));
    await registry.update(uuid(1), { status: 'completed' });
    now += 60_001;
    assert.equal(await registry.get(ACCOUNT, uuid(1)), undefined);
    assert.ok(await registry.get(ACCOUNT, uuid(2)), 'a live call stays however old');
  });

  it('lists newest first, with paging, scoped per account', async () => {
    for (let n = 1; n <= 5; n++) await registry.add(call(n));
    await registry.add(call(6, { accountSid: OTHER }));
    const first = await registry.list(ACCOUNT, {}, 0, 2);
    assert.deepEqual(first.calls.map((c) => c.sid), [uuid(5), uuid(4)]);
    assert.equal(first.more, true);
    const last = await registry.list(ACCOUNT, {}, 2, 2);
    assert.deepEqual(last.calls.map((c) => c.sid), [uuid(1)]);
    assert.equal(last.more, false);
    assert.deepEqual((await registry.list(OTHER, {}, 0, 50)).calls.map((c) => c.sid), [uuid(6)]);
  });

  it('filters by To, From, Status and ParentCallSid', async () => {
    await registry.add(call(1));
    await registry.add(call(2, { from: '+15553334444', status: 'ringing' }));
    await registry.add(call(3, { direction: 'outbound-dial', parentCallSid: uuid(1) }));
    const sids = async (filter: Parameters<CallRegistry['list']>[1]): Promise<string[]> =>
      (await registry.list(ACCOUNT, filter, 0, 50)).calls.map((c) => c.sid);
    assert.deepEqual(await sids({ to: '+15550002' }), [uuid(2)]);
    assert.deepEqual(await sids({ from: '+15553334444' }), [uuid(2)]);
    assert.deepEqual(await sids({ status: 'in-progress' }), [uuid(3), uuid(1)]);
    assert.deepEqual(await sids({ parentCallSid: `CA${uuid(1).replaceAll('-', '')}` }), [uuid(3)]);
  });

  it('filters by StartTime: a day, before or after it, or a moment', async () => {
    await registry.add(call(1, { startTime: new Date(Date.UTC(2026, 11, 5, 23, 59, 59)) }));
    await registry.add(call(2, { startTime: new Date(Date.UTC(2026, 11, 6, 0, 0, 0)) }));
    await registry.add(call(3, { startTime: new Date(Date.UTC(2026, 11, 7, 8, 0, 0)) }));
    const unanswered = call(4);
    delete (unanswered as { startTime?: Date }).startTime;
    await registry.add(unanswered);
    const day = new Date(Date.UTC(2026, 11, 6));
    const sids = async (op: 'on' | 'before' | 'after', value: Date, isDay: boolean): Promise<string[]> =>
      (await registry.list(ACCOUNT, { startTime: { op, value, day: isDay } }, 0, 50)).calls.map((c) => c.sid);
    assert.deepEqual(await sids('on', day, true), [uuid(2)]);
    assert.deepEqual(await sids('before', day, true), [uuid(2), uuid(1)]);
    assert.deepEqual(await sids('after', day, true), [uuid(3), uuid(2)]);
    assert.deepEqual(await sids('before', new Date(Date.UTC(2026, 11, 6, 0, 0, 0)), false), [uuid(2), uuid(1)]);
    assert.deepEqual(await sids('after', new Date(Date.UTC(2026, 11, 6, 0, 0, 1)), false), [uuid(3)]);
  });
}
