import type { Duplex } from 'node:stream';

/**
 * Holds a socket's writes until the end of the current tick, so that every message relayed to a peer while one
 * read is handled (a writer's frames that queued up while the server was busy) leaves in one `writev` instead of
 * one each: the syscall, not the bytes, is what a relayed message costs. The hold ends at `process.nextTick`, right
 * after the callback that delivered the incoming data returns and before any other I/O is handled, so no send waits
 * for other work.
 */
export class SendBatcher {
  private held = new Set<Duplex>();
  private releaseScheduled = false;

  hold(socket: Duplex): void {
    if (this.held.has(socket)) return;
    socket.cork();
    this.held.add(socket);
    if (!this.releaseScheduled) {
      this.releaseScheduled = true;
      process.nextTick(this.release);
    }
  }

  private readonly release = (): void => {
    this.releaseScheduled = false;
    const held = this.held;
    // A new set, not `clear()`: V8 gives a cleared set a new table in the generation the set lives in, so clearing
    // this long-lived set allocated straight into the old generation, every tick, and brought on full collections.
    this.held = new Set();
    for (const socket of held) socket.uncork();
  };
}
