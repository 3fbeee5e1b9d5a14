// Provisioning as a sub-orchestration: the image goes to every region in parallel. Each region is
// its own small orchestration that retries its copy and reports (rather than throws) a final
// failure, so one failing region neither hides the others nor stops them.
import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { PublishInput } from '../domain/publishing/events';
import { ACTIVITY, ORCHESTRATOR, StageOutcome } from '../domain/publishing/stages';
import type { ActivityOutput } from '../domain/publishing/contract';
import { activityCaller } from './activity-caller';
import { failureText, retryPolicy } from './retry-policy';

interface RegionResult {
  region: string;
  ok: boolean;
  error?: string;
}

const provisionImage: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<PublishInput>();
  const { regions } = (yield activityCaller(context, retryPolicy(input.retry)).call(
    ACTIVITY.planProvisioning,
    null,
  )) as ActivityOutput<'planProvisioning'>;
  const results: RegionResult[] = yield context.df.Task.all(
    regions.map((region) =>
      context.df.callSubOrchestrator(
        ORCHESTRATOR.provisionRegion,
        { input, region, total: regions.length },
        `${context.df.instanceId}:${region}`,
      ),
    ),
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    return {
      ok: false,
      messages: failed.map((r) => ({
        level: 'error',
        text: `Region ${r.region} could not be provisioned after retries: ${r.error}`,
      })),
    } satisfies StageOutcome;
  }
  return {
    ok: true,
    messages: [
      { level: 'information', text: `The image was replicated to ${regions.length} regions: ${regions.join(', ')}.` },
    ],
  } satisfies StageOutcome;
};
df.app.orchestration(ORCHESTRATOR.provisionImage, provisionImage);

const provisionRegion: OrchestrationHandler = function* (context: OrchestrationContext) {
  const { input, region, total } = context.df.getInput<{ input: PublishInput; region: string; total: number }>();
  const ref = {
    publisherId: input.publisherId,
    offerId: input.offerId,
    version: input.version,
    operationId: input.operationId,
  };
  try {
    yield activityCaller(context, retryPolicy(input.retry)).call(ACTIVITY.copyImageToRegion, { ...ref, region, total });
    return { region, ok: true } satisfies RegionResult;
  } catch (e) {
    return { region, ok: false, error: failureText(e) } satisfies RegionResult;
  }
};
df.app.orchestration(ORCHESTRATOR.provisionRegion, provisionRegion);
