// How an entity recognises copies of messages (a queue redelivery, a sender's re-send after a crash).
import { EntityMessage } from '../../src/durable/entities/entity-messages';
import { Deduplicator, newBookkeeping } from '../../src/durable/entities/entity-state';

const numbered = (seq: number): EntityMessage => ({
  type: 'request',
  request: { op: 'add', signal: true, id: `r${seq}` },
  source: { key: 'orch|exec', seq },
  at: '',
});
const client = (id: string): EntityMessage => ({ type: 'request', request: { op: 'add', signal: true, id }, at: '' });

test('numbered messages: each accepted once, in any order, and the record stays small', () => {
  const d = new Deduplicator(0, 1000);
  const bk = newBookkeeping();
  expect(d.accept(bk, numbered(1), 'r1', 0)).toBe(true); // came before 0
  expect(d.accept(bk, numbered(0), 'r0', 0)).toBe(true);
  expect(d.accept(bk, numbered(1), 'r1', 0)).toBe(false);
  expect(d.accept(bk, numbered(0), 'r0', 0)).toBe(false);
  for (let i = 2; i < 500; i++) expect(d.accept(bk, numbered(i), `r${i}`, 0)).toBe(true);
  expect(bk.sources['orch|exec']).toEqual({ upTo: 499, extra: [], at: 0 });
  expect(d.accept(bk, numbered(250), 'r250', 0)).toBe(false);
});

test('client ids are kept until the process has run a window past their arrival or its own start', () => {
  const bootTime = 10_000;
  const d = new Deduplicator(bootTime, 1000);
  const bk = newBookkeeping();
  // Arrived before this process started (a crashed one took it): kept for a window after the start.
  expect(d.accept(bk, client('a'), 'a', 5_000)).toBe(true);
  d.prune(bk, bootTime + 900);
  expect(d.accept(bk, client('a'), 'a', bootTime + 900)).toBe(false);
  d.prune(bk, bootTime + 1001);
  expect(bk.recent).toEqual({});
  expect(d.accept(bk, client('b'), 'b', bootTime + 2000)).toBe(true);
  d.prune(bk, bootTime + 2500);
  expect(d.accept(bk, client('b'), 'b', bootTime + 2500)).toBe(false);
});
