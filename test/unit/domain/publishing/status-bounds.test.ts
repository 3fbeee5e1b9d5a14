// However large a valid offer is, its status record stays within one table entity: messages are
// cut and counted per step, errors stay, and applying a change again (an activity re-run after a
// crash) changes nothing.
import { toChunks } from '../../../../adapters/storage/chunked-json';
import { applyStepChange, initialSteps } from '../../../../domain/publishing/lifecycle';
import {
  MAX_MESSAGE_CHARS,
  MAX_STEP_MESSAGES,
  MORE_MESSAGES_NOTE,
  PublishStatus,
} from '../../../../domain/publishing/status';

const start = (): PublishStatus => ({
  status: 'running',
  publishingVersion: 1,
  operationId: 'op',
  instanceId: 'i',
  notificationEmails: '',
  steps: initialSteps(),
  messages: [],
  previewLinks: [],
  liveLinks: [],
  signoff: 'none',
  changedTime: 't0',
});

test('57 plans × 8 versions × 16 disks of long messages on every step still fit one entity', () => {
  let s = start();
  const disks = 57 * 8 * 16;
  for (const step of s.steps.map((x) => x.id)) {
    const messages = Array.from({ length: disks }, (_, i) => ({
      level: 'information' as const,
      text: `Plan p${i % 57} version 1.0.${i % 8} disk lun${i % 16}: ${'x'.repeat(3000)}`,
    }));
    s = applyStepChange(s, { step, status: 'complete', messages }, 't1');
  }
  for (const st of s.steps) {
    expect(st.messages.length).toBeLessThanOrEqual(MAX_STEP_MESSAGES);
    expect(st.messages.every((m) => m.messageHtml.length <= MAX_MESSAGE_CHARS)).toBe(true);
    expect(st.messages.some((m) => m.messageHtml === MORE_MESSAGES_NOTE)).toBe(true);
  }
  expect(() => toChunks(s)).not.toThrow();
});

test('errors are kept even when the step is full, and the result is the same when applied twice', () => {
  let s = start();
  const info = Array.from({ length: 100 }, (_, i) => ({ level: 'information' as const, text: `copied region ${i}` }));
  s = applyStepChange(s, { step: 'displayprovision', status: 'inProgress', messages: info }, 't1');
  const errors = [
    { level: 'error' as const, text: 'Region westeurope refused the copy.' },
    { level: 'error' as const, text: 'What to do next: retry.' },
  ];
  const once = applyStepChange(s, { step: 'displayprovision', status: 'rejected', messages: errors }, 't2');
  const twice = applyStepChange(once, { step: 'displayprovision', status: 'rejected', messages: errors }, 't3');
  const texts = once.steps.find((x) => x.id === 'displayprovision')!.messages.map((m) => m.messageHtml);
  expect(texts).toEqual(expect.arrayContaining(errors.map((e) => e.text)));
  expect(texts.length).toBeLessThanOrEqual(MAX_STEP_MESSAGES);
  expect({ ...twice, changedTime: once.changedTime }).toEqual(once);
  const again = applyStepChange(s, { step: 'displayprovision', status: 'inProgress', messages: info }, 't9');
  expect(again.steps).toEqual(s.steps);
});
