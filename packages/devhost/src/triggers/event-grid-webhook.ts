import { IncomingMessage, ServerResponse } from 'node:http';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction, Registry } from '../core/registry';
import { RpcTypedData } from '../core/types';
import { sendError, sendJson } from '../http/respond';
import { BodyReader } from '../http/server';

/**
 * Event Grid triggers, as the host serves them: Event Grid (or anyone playing it locally) posts
 * events to `/runtime/webhooks/eventgrid?functionName=<name>`; a SubscriptionValidation event is
 * answered with its code; each other event is one invocation, and a failure answers 500 so the
 * sender retries.
 */
export class EventGridWebhook {
  constructor(
    private readonly registry: Registry,
    private readonly invoker: Invoker,
    private readonly logger: Logger,
    private readonly extraInputs: (fn: RegisteredFunction) => { name: string; data: RpcTypedData }[],
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, readBody: BodyReader): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, 'MethodNotAllowed', 'Event Grid delivers with POST.');
    }
    const name = url.searchParams.get('functionName') ?? '';
    const fn = this.registry.get(name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'eventgridtrigger')
      return sendError(res, 404, 'NotFound', `No Event Grid function named '${name}'.`);
    // Read only for a function that exists: nothing is buffered for a refused delivery.
    const body = await readBody();
    let events: Record<string, unknown>[];
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      events = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
      if (events.some((e) => !e || typeof e !== 'object')) throw new Error('not an event');
    } catch {
      return sendError(res, 400, 'BadRequest', 'The body must be an Event Grid event or an array of them.');
    }
    const validation = events.find((e) => e.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent');
    if (validation || req.headers['aeg-event-type'] === 'SubscriptionValidation') {
      const code = (validation?.data as { validationCode?: string } | undefined)?.validationCode;
      return sendJson(res, 200, { validationResponse: code });
    }
    for (const event of events) {
      const outcome = await this.invoker.invoke(fn, {
        inputData: [{ name: fn.triggerName, data: { json: JSON.stringify(event) } }, ...this.extraInputs(fn)],
      });
      const scope = { functionName: fn.metadata.name, invocationId: outcome.invocationId };
      if (outcome.error) {
        this.logger.log('error', `Executed (Failed) for event ${String(event.id)}: ${outcome.errorText}`, scope);
        res.writeHead(500, { 'Content-Length': 0 });
        res.end();
        return;
      }
      this.logger.log(
        'information',
        `Executed (Succeeded) for event ${String(event.id)} (${String(event.eventType)})`,
        scope,
      );
    }
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  }
}
