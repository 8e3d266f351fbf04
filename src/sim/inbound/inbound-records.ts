/**
 * What the simulated node's inbound side keeps and hands out (inbound-server.ts): the calls parked on it, and the
 * record of each `uuid_transfer` and `originate` it received.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../channel/channel.js';
import type { SimCallOptions } from '../sim/options.js';
import type { SimulatedCall } from '../sim/simulated-call.js';
import type { OriginateRequest } from './originate-command.js';
import type { OriginatedLeg } from './origination.js';

/** A call to park: the options of the call it becomes once transferred, without the socket address. */
export interface ParkOptions extends Omit<SimCallOptions, 'host' | 'port' | 'socketArg'> {
  /** The caller hangs up just as the transfer arrives: the transfer finds no channel. */
  readonly hangsUpBeforeTransfer?: boolean;
}

/** One call parked on the simulated node. */
export class ParkedCall {
  readonly uuid: string;
  readonly options: ParkOptions;
  readonly channel: Channel;
  /** The Application-UUID of its `park` application. */
  readonly parkAppUuid = randomUUID();
  /** Resolves with the outbound call once transferred. */
  readonly transferred: Promise<SimulatedCall>;
  resolveTransfer!: (call: SimulatedCall) => void;

  constructor(uuid: string, options: ParkOptions, channel: Channel) {
    this.uuid = uuid;
    this.options = options;
    this.channel = channel;
    this.transferred = new Promise((resolve) => { this.resolveTransfer = resolve; });
  }
}

/** One `uuid_transfer` the node received, and what it answered. */
export interface TransferRecord {
  readonly uuid: string;
  readonly destination: string;
  readonly reply: string;
}

/** What the answered channel of an originate runs. */
export interface AnsweredOriginate {
  readonly uuid: string;
  /** The `socket` application's connection (`&socket(...)`). */
  readonly call?: SimulatedCall;
  /** The parked channel (`&park()`, and anything else: the simulator has no dialplan). */
  readonly parked?: ParkedCall;
}

/** One `originate` the node received. */
export interface OriginateRecord {
  /** The command's arguments as received. */
  readonly args: string;
  /** The command read; undefined when it was answered with the usage. */
  readonly request: OriginateRequest | undefined;
  /** The call url's `{}` (and `<>`) variables, as given (origination_uuid included). */
  readonly vars: Readonly<Record<string, string>>;
  /** The legs it created (filled in as they are). */
  readonly legs: readonly OriginatedLeg[];
  readonly reply: Promise<string>;
  /** Resolves once the answered channel runs its application; undefined when the originate failed. */
  readonly answered: Promise<AnsweredOriginate | undefined>;
}
