/**
 * The pure ZAB core: fast leader election, discovery, synchronisation and broadcast as a
 * single-threaded, deterministic state machine ({@link io.coord.server.zab.ZabCore}). No threads,
 * sockets, clocks or disks here; randomness only through the injected generator (session ids).
 *
 * <h2>Contract with the adapter</h2>
 * <ul>
 *   <li><b>Inputs, one at a time</b>: {@code start()} once, then {@code step(from, msg)},
 *   {@code tick()} every tick (all limits are counted in ticks; the ensemble adapter ticks at most
 *   every 50 ms and scales tickTime-based limits), {@code propose(txn)}, {@code requestSync(id)},
 *   {@code onPersisted(seq)} and {@code peerDisconnected(id)} when the transport lost its connection
 *   to a member (a follower then drops that leader at once; a serving leader that no longer hears a
 *   quorum steps down). Spurious disconnect reports cost only a re-sync or re-election. Every input returns {@link io.coord.server.zab.Actions}.</li>
 *   <li><b>Order of effects</b>: for each returned {@code Actions}, hand {@code storage()} ops to the
 *   durable store in order, then apply {@code applies()} to the state machine in order, then send
 *   {@code sends()}. All of it before the next input. Sends need no durability: the core itself holds
 *   back every message that promises durability (ACKEPOCH, NEWLEADER ack, proposal acks) until the
 *   storage reported the needed ops durable.</li>
 *   <li><b>Durability</b>: storage ops carry a sequence number (1, 2, ... per core instance). The
 *   store executes them strictly in that order (appends, truncations, snapshot installs and epoch
 *   writes share one order) and calls {@code onPersisted(seq)} with the highest seq such that this
 *   op and every earlier one survive a crash. Group commit is fine: report once per fsync.</li>
 *   <li><b>What "the log" is</b>: {@code InstallSnapshot} replaces the in-memory state machine at
 *   once and, once durable, the store's snapshot and the whole log. {@code Truncate} never touches
 *   applied entries. {@code PersistEpochs} writes both epoch values (acceptedEpoch, currentEpoch).</li>
 *   <li><b>Recovery</b>: a restarted member builds a new core from
 *   {@link io.coord.server.zab.RecoveredState}: its durable epochs, the zxid of the snapshot its state
 *   machine was loaded from, and the durable log entries after it. The adapter may snapshot applied
 *   (committed) state whenever it likes, but only from a point where every storage op issued so far is
 *   durable, so that the snapshot and the log after it describe one history.</li>
 *   <li><b>Applies</b> are committed transactions only, in zxid order, at most once per core instance.
 *   A leader's client write is committed when its zxid appears in {@code applies()}.</li>
 *   <li><b>Snapshots for SNAP sync</b>: the leader calls {@link io.coord.server.zab.StateProvider}
 *   during an input; the blob must reflect exactly the applies delivered so far.</li>
 *   <li><b>Transport</b>: messages to one peer should travel FIFO (one TCP connection). Loss, delay,
 *   duplication and reordering are tolerated for safety; liveness then comes from retries, session
 *   restarts and elections.</li>
 * </ul>
 */
package io.coord.server.zab;
