/**
 * Coalesces items sent in the same turn of the event loop into one call, so a burst of activity
 * results becomes a few queue messages instead of hundreds.
 */
export class SendBatcher<T> {
  private buffer: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly sendAll: (items: T[]) => Promise<void>) {}

  send(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // flush() settles every caller's promise itself, so nothing is left unhandled here.
        setImmediate(() => void this.flush().catch(() => undefined));
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.scheduled = false;
    try {
      await this.sendAll(batch.map((b) => b.item));
      batch.forEach((b) => b.resolve());
    } catch (e) {
      batch.forEach((b) => b.reject(e));
    }
  }
}
