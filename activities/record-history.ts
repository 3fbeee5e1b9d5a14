import type { HistoryRecords } from '../adapters/audit/history-store';
import type { RecordHistoryInput } from '../domain/publishing/contract';

/**
 * Writes a history entry the orchestration built. The orchestration calls it after the step's state
 * is recorded, and the engine re-runs it until it completes, so a crash loses no entry; the store
 * writes an entry once, so a re-run adds none.
 */
export function makeRecordHistory(d: { history: Pick<HistoryRecords, 'append'> }) {
  return async function recordHistory(input: RecordHistoryInput): Promise<void> {
    await d.history.append(input.entry);
  };
}
