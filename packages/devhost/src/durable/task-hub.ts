import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { ContainerClient } from '@azure/storage-blob';

/** Task hub names follow the Azure Storage provider's rule: they become table and queue names. */
export function validateHubName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(name)) {
    throw new Error(`Task hub name "${name}" is invalid: 3–45 letters or digits, starting with a letter.`);
  }
}

/** The storage a task hub lives in, named as the Durable Azure Storage provider names it. */
export class TaskHubStorage {
  readonly instances: TableClient;
  readonly history: TableClient;
  readonly timers: TableClient;
  readonly control: QueueClient;
  readonly workItems: QueueClient;
  readonly largeMessages: ContainerClient;

  constructor(
    readonly hubName: string,
    connectionString: string,
  ) {
    validateHubName(hubName);
    const lower = hubName.toLowerCase();
    const opts = { allowInsecureConnection: true };
    this.instances = TableClient.fromConnectionString(connectionString, `${hubName}Instances`, opts);
    this.history = TableClient.fromConnectionString(connectionString, `${hubName}History`, opts);
    this.timers = TableClient.fromConnectionString(connectionString, `${hubName}Timers`, opts);
    this.control = new QueueClient(connectionString, `${lower}-control-00`);
    this.workItems = new QueueClient(connectionString, `${lower}-workitems`);
    this.largeMessages = new ContainerClient(connectionString, `${lower}-largemessages`);
  }

  async ensure(): Promise<void> {
    await Promise.all([
      createTable(this.instances),
      createTable(this.history),
      createTable(this.timers),
      this.control.createIfNotExists(),
      this.workItems.createIfNotExists(),
      this.largeMessages.createIfNotExists(),
    ]);
  }
}

async function createTable(t: TableClient): Promise<void> {
  try {
    await t.createTable();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 409) throw e;
  }
}
