/**
 * Simulated FreeSWITCH nodes that reach each other over SIP: each node listens on its inter-node address, and a
 * `sofia/<profile>/<user>@<address>` bridge leg to a node of the network arrives there as an inbound call
 * (FsSimulator.routeLeg). Addresses are compared as written (`host:port`); a leg to an address no node of the
 * network has keeps its scripted outcome.
 */

/** What the network needs of a node. */
export interface NetworkNode {
  readonly sipAddress: string;
}

export class SimNetwork<N extends NetworkNode = NetworkNode> {
  readonly #nodes = new Map<string, N>();

  /** Adds a node at its address; returns the function that takes it off the network. */
  attach(node: N): () => void {
    if (this.#nodes.has(node.sipAddress)) throw new Error(`a node already listens on ${node.sipAddress}`);
    this.#nodes.set(node.sipAddress, node);
    return () => {
      if (this.#nodes.get(node.sipAddress) === node) this.#nodes.delete(node.sipAddress);
    };
  }

  /** The node at `address`, if one listens there. */
  nodeAt(address: string): N | undefined {
    return this.#nodes.get(address);
  }
}
