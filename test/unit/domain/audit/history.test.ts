// The pure parts of history: which fields a save changed, the filters' checks, an entry's scope, the
// newest-first key layout, and the orchestration's entries written once however often their
// activity runs.
import { makeRecordHistory } from '../../../../activities/record-history';
import { historyRowKey, keyRange } from '../../../../adapters/audit/history-store';
import { SYSTEM_ACTOR } from '../../../../domain/audit/actor';
import { changedFields } from '../../../../domain/audit/changed-fields';
import { historyEntry } from '../../../../domain/audit/history-entry';
import { parseHistoryQuery } from '../../../../domain/audit/history-query';
import { sampleOffer } from '../../../../domain/offer/sample-offer';
import { MemoryHistoryStore } from '../../../support/memory-stores';

const system = { actor: SYSTEM_ACTOR, origin: 'orchestration' as const };
const at = (time: string, id = 'x', offerId: string | null = 'vm') =>
  offerId === null
    ? historyEntry({
        id,
        publisherId: 'contoso',
        event: 'keyIssued',
        time,
        by: system,
        details: { keyFingerprint: 'k' },
      })
    : historyEntry({ id, publisherId: 'contoso', offerId, event: 'previewAvailable', time, by: system, details: {} });

test('changed fields are document paths; lists of values count once; nothing changed is none', () => {
  const before = sampleOffer();
  const after = structuredClone(before);
  after.definition.offer['microsoft-azure-marketplace.title'] = 'New title';
  after.definition.plans[0]['microsoft-azure-virtualmachines.recommendedVMSizes'] = ['standard_d4s_v5'];
  after.definition.plans.push({ ...structuredClone(after.definition.plans[0]), planId: 'second' });
  const c = changedFields(before, after);
  expect(c.changedFields).toEqual([
    'definition.offer.microsoft-azure-marketplace.title',
    'definition.plans[0].microsoft-azure-virtualmachines.recommendedVMSizes',
    'definition.plans[1]',
  ]);
  expect(changedFields(before, structuredClone(before))).toEqual({ changedFields: [] });
  const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, i]));
  expect(changedFields({}, many)).toMatchObject({ moreFields: 10 });
  expect(changedFields({}, many).changedFields).toHaveLength(50);
});

test('filters: every bad value names its parameter; dates alone cover the whole day', () => {
  const parse = (q: Record<string, string>) => parseHistoryQuery((n) => q[n] ?? null);
  expect(
    parse({ event: 'offerSaved, stepFailed', actor: 'apiKey:contoso', from: '2026-03-01', to: '2026-03-01' }),
  ).toEqual({
    ok: true,
    query: {
      events: ['offerSaved', 'stepFailed'],
      actor: { kind: 'apiKey', id: 'contoso' },
      fromMs: Date.parse('2026-03-01T00:00:00Z'),
      toMs: Date.parse('2026-03-02T00:00:00Z') - 1,
    },
  });
  expect(parse({ actor: 'system' })).toEqual({ ok: true, query: { actor: { kind: 'system', id: undefined } } });
  for (const [q, parameter] of [
    [{ event: 'offerSaved,nope' }, 'event'],
    [{ actor: 'root' }, 'actor'],
    [{ actor: 'user:' }, 'actor'],
    [{ from: '01/03/2026' }, 'from'],
    [{ to: '2026-03-01T10:00' }, 'to'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'from'],
  ] as const)
    expect(parse(q)).toMatchObject({
      ok: false,
      parameter,
      message: expect.stringMatching(new RegExp(`^${parameter}: `)),
    });
});

test('an offer event needs an offer id and an account event none', () => {
  expect(() =>
    historyEntry({
      id: 'a',
      publisherId: 'p',
      event: 'keyIssued',
      offerId: 'vm',
      time: '2026-03-01T00:00:00Z',
      by: system,
      details: { keyFingerprint: 'k' },
    }),
  ).toThrow(/account-scoped/);
  expect(() =>
    historyEntry({ id: 'a', publisherId: 'p', event: 'live', time: '2026-03-01T00:00:00Z', by: system, details: {} }),
  ).toThrow(/offer-scoped/);
});

test('row keys sort newest first within a scope, and a date range is a key range', () => {
  const old = historyRowKey(at('2026-03-01T10:00:00.000Z'));
  const recent = historyRowKey(at('2026-03-02T10:00:00.000Z'));
  expect(recent < old).toBe(true);
  expect(historyRowKey(at('2026-03-01T10:00:00.000Z', 'x', 'vm-2')).startsWith('offer:vm-2|')).toBe(true);
  expect(historyRowKey(at('2026-03-01T10:00:00.000Z', 'x', null)).startsWith('account|')).toBe(true);
  const { lo, hi } = keyRange('vm', {
    fromMs: Date.parse('2026-03-02T00:00:00Z'),
    toMs: Date.parse('2026-03-02T23:59:59Z'),
  });
  expect(recent >= lo && recent < hi).toBe(true);
  expect(old >= lo && old < hi).toBe(false);
  // Another offer whose id starts the same is outside the range.
  const other = historyRowKey(at('2026-03-02T10:00:00.000Z', 'x', 'vm-2'));
  const all = keyRange('vm', {});
  expect(other >= all.lo && other < all.hi).toBe(false);
});

test('the orchestration entry is written once however often its activity runs', async () => {
  const store = new MemoryHistoryStore();
  const recordHistory = makeRecordHistory({ history: store });
  const entry = at('2026-03-01T10:00:00.000Z', 'v1-previewAvailable');
  await recordHistory({ entry });
  await recordHistory({ entry }); // a re-run after a crash
  expect((await store.list({ publisherId: 'contoso', offerId: 'vm' }, {}, { top: 10 })).items).toEqual([entry]);
});
