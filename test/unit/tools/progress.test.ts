import { ApiFailure, PartnerApi, StatusBody, StepBody } from '../../../tools/cli/api-client';
import { formatApiFailure, formatBytes, renderTable, stripHtml } from '../../../tools/cli/format';
import {
  fit,
  LiveView,
  ProgressLine,
  renderBar,
  renderStepLine,
  renderUploadProgress,
} from '../../../tools/cli/progress';
import { renderStatus } from '../../../tools/cli/commands/status';
import { outcome, watchStatus } from '../../../tools/cli/watch';
import { captured, fakeIo } from './fake-io';

const step = (over: Partial<StepBody> = {}): StepBody => ({
  id: 'displayprovision',
  stepName: 'Provisioning',
  description: '',
  status: 'inProgress',
  progressPercentage: 40,
  estimatedTimeFrame: '< 1 day',
  messages: [],
  ...over,
});

const STEP_NAMES = [
  'Validate Pre-Requisites',
  'Certification',
  'Provisioning',
  'Packaging and Lead Generation Registration',
  'Offer available in Preview',
  'Publisher signoff',
  'Live',
];

function statusBody(status: string, version: number, doneSteps: number, over: Partial<StatusBody> = {}): StatusBody {
  return {
    status,
    publishingVersion: version,
    messages: [],
    steps: STEP_NAMES.map((name, i) =>
      step({
        id: `s${i}`,
        stepName: name,
        status: i < doneSteps ? 'complete' : i === doneSteps ? 'inProgress' : 'notStarted',
        progressPercentage: i < doneSteps ? 100 : 0,
      }),
    ),
    previewLinks: [],
    liveLinks: [],
    notificationEmails: 'a@x.com',
    changedTime: '2024-01-01T00:00:00Z',
    ...over,
  };
}

describe('bars and lines', () => {
  it('renderBar fills proportionally and clamps', () => {
    expect(renderBar(0, 10)).toBe('[..........]');
    expect(renderBar(0.45, 10)).toBe('[####......]');
    expect(renderBar(1, 10)).toBe('[##########]');
    expect(renderBar(7, 4)).toBe('[####]');
    expect(renderBar(-1, 4)).toBe('[....]');
    expect(renderBar(NaN, 4)).toBe('[....]');
  });

  it('a step line has number, padded name, bar, percentage, status and the latest message as text', () => {
    const line = renderStepLine(
      step({
        messages: [{ messageHtml: 'Copying to <b>eastus</b> &amp; westeurope', level: 'information', timestamp: '' }],
      }),
      2,
    );
    expect(line).toBe(
      ` 3. ${'Provisioning'.padEnd(42)} [########............]  40%  ${'in progress'.padEnd(20)}  Copying to eastus & westeurope`,
    );
    expect(renderStepLine(step({ status: 'waitingForPublisherReview', progressPercentage: 0 }), 5)).toMatch(
      / 0%  waiting for sign-off$/,
    );
  });

  it('upload progress shows scanned of total and bytes sent', () => {
    expect(renderUploadProgress({ scanned: 15 * 1024 ** 3, total: 30 * 1024 ** 3, sent: 3 * 1024 ** 2 })).toBe(
      `[${'#'.repeat(15)}${'.'.repeat(15)}]  50%  scanned 15.0 GiB of 30.0 GiB, sent 3.0 MiB`,
    );
  });

  it('formatBytes, stripHtml, fit', () => {
    expect([
      formatBytes(512),
      formatBytes(1536),
      formatBytes(3 * 1024 ** 2),
      formatBytes(30 * 1024 ** 3 + 512),
    ]).toEqual(['512 B', '1.5 KiB', '3.0 MiB', '30.0 GiB']);
    expect(stripHtml('<p>Fixed-size disk &mdash; no</p><ul><li>a</li><li>b &lt;c&gt;</li></ul>')).toBe(
      'Fixed-size disk &mdash; no a b <c>',
    );
    expect(fit('abcdefghijklmnop', 12)).toBe('abcdefghij…');
    expect(fit('short', 80)).toBe('short');
  });

  it('renderTable pads columns but not the last one', () => {
    expect(
      renderTable(
        ['A', 'BB'],
        [
          ['xyz', '1'],
          ['q', 'long value'],
        ],
      ),
    ).toBe('A    BB\n---  ----------\nxyz  1\nq    long value\n');
  });
});

describe('LiveView', () => {
  it('on a terminal redraws the block in place', () => {
    const s = captured(true, 80);
    const v = new LiveView(s);
    v.update([
      { key: 'a', text: 'one' },
      { key: 'b', text: 'two' },
    ]);
    expect(s.text).toBe('\r\x1b[2Kone\n\r\x1b[2Ktwo\n');
    s.text = '';
    v.update([
      { key: 'a', text: 'one!' },
      { key: 'b', text: 'two' },
    ]);
    expect(s.text).toBe('\x1b[2A\r\x1b[2Kone!\n\r\x1b[2Ktwo\n');
    s.text = '';
    v.update([{ key: 'a', text: 'x'.repeat(200) }]);
    expect(s.text).toBe(`\x1b[2A\r\x1b[2K${'x'.repeat(78)}…\n\x1b[J`);
  });

  it('elsewhere appends only the lines that changed', () => {
    const s = captured(false);
    const v = new LiveView(s);
    v.update([
      { key: 'a', text: 'one' },
      { key: 'b', text: 'two' },
    ]);
    v.update([
      { key: 'a', text: 'one' },
      { key: 'b', text: 'two' },
    ]);
    v.update([
      { key: 'a', text: 'one' },
      { key: 'b', text: 'three' },
    ]);
    expect(s.text).toBe('one\ntwo\nthree\n');
  });
});

describe('ProgressLine', () => {
  it('throttles: in place every 100 ms on a terminal, a line every 2 s elsewhere', () => {
    let t = 0;
    const tty = captured(true, 80);
    const p = new ProgressLine(tty, () => t);
    p.update('a');
    t = 50;
    p.update('b');
    t = 150;
    p.update('c');
    p.done();
    expect(tty.text).toBe('\r\x1b[2Ka\r\x1b[2Kc\n');

    t = 0;
    const log = captured(false);
    const q = new ProgressLine(log, () => t);
    q.update('a');
    t = 1500;
    q.update('b');
    q.update('final', true);
    t = 4000;
    q.update('c');
    q.done();
    expect(log.text).toBe('a\nfinal\nc\n');
  });
});

describe('API errors', () => {
  it('print code, message, each detail (path, rule, message) and a hint', () => {
    const e = new ApiFailure(422, 'ValidationFailed', 'The offer is not ready to publish: 2 field(s) need attention.', [
      { path: 'definition.offer.microsoft-azure-marketplace.title', rule: 'required', message: 'Title is required.' },
      { path: 'definition.plans[0].colour', message: 'unknown field' },
      'free text',
    ]);
    e.hint = 'fix them';
    expect(formatApiFailure(e)).toBe(
      [
        'error ValidationFailed: The offer is not ready to publish: 2 field(s) need attention.',
        '  - definition.offer.microsoft-azure-marketplace.title [required]: Title is required.',
        '  - definition.plans[0].colour: unknown field',
        '  - free text',
        'hint: fix them',
        '',
      ].join('\n'),
    );
  });
});

describe('status and watch', () => {
  it('renderStatus is a table with every step plus links and e-mails', () => {
    const text = renderStatus(
      'contoso/vm',
      statusBody('waitingForPublisherReview', 2, 5, { previewLinks: [{ displayText: 'Preview', uri: 'http://h/p' }] }),
    );
    expect(text.split('\n')[0]).toBe('contoso/vm version 2: waiting for sign-off');
    for (const n of STEP_NAMES) expect(text).toContain(n);
    expect(text).toMatch(/1\s+Validate Pre-Requisites\s+complete\s+100%\s+< 1 day/);
    expect(text).toContain('preview: http://h/p');
    expect(text).toContain('notifications: a@x.com');
  });

  function fakeApi(answers: (StatusBody | number)[]): { api: PartnerApi; calls: () => number } {
    let i = 0;
    const fetchImpl = (async () => {
      const a = answers[Math.min(i++, answers.length - 1)];
      if (typeof a === 'number')
        return new Response(JSON.stringify({ error: { code: 'Busy', message: 'busy' } }), { status: a });
      return new Response(JSON.stringify(a), { status: 200 });
    }) as typeof fetch;
    return { api: new PartnerApi({ url: 'http://h', publisher: 'contoso', key: 'k' }, fetchImpl), calls: () => i };
  }

  it('polls until the wanted state of the wanted version, riding out transient errors', async () => {
    const { api, calls } = fakeApi([
      statusBody('waitingForPublisherReview', 1, 5), // the previous version: not the answer
      statusBody('running', 2, 1),
      503,
      statusBody('running', 2, 3),
      statusBody('waitingForPublisherReview', 2, 5),
    ]);
    const io = fakeIo();
    const final = await watchStatus(api, 'vm', io, {
      until: ['waitingForPublisherReview', 'failed'],
      version: 2,
      sleep: async () => undefined,
    });
    expect(final.publishingVersion).toBe(2);
    expect(calls()).toBe(5);
    expect(io.out.text).toContain('vm version 2: running');
    expect(io.out.text).toContain('vm version 2: waiting for sign-off');
    for (const n of STEP_NAMES) expect(io.out.text).toContain(n);
  });

  it('gives up on a 4xx at once', async () => {
    const { api } = fakeApi([404]);
    await expect(
      watchStatus(api, 'vm', fakeIo(), { until: ['succeeded'], sleep: async () => undefined }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('outcome: sign-off and live exit 0; failed names the step and its errors; canceled exits 1', () => {
    expect(
      outcome(
        'vm',
        statusBody('waitingForPublisherReview', 1, 5, { previewLinks: [{ displayText: '', uri: 'http://p' }] }),
      ),
    ).toEqual({
      text: 'Waiting for your sign-off: check the preview at http://p, then run "offers golive vm" (or "offers cancel vm").',
      exitCode: 0,
    });
    expect(outcome('vm', statusBody('succeeded', 1, 7, { liveLinks: [{ displayText: '', uri: 'http://l' }] }))).toEqual(
      { text: 'Live: http://l', exitCode: 0 },
    );
    const failed = statusBody('failed', 1, 1);
    failed.steps[1] = {
      ...failed.steps[1],
      status: 'rejected',
      messages: [{ messageHtml: '<b>Fixed-size disk</b> — found dynamic', level: 'error', timestamp: '' }],
    };
    expect(outcome('vm', failed)).toEqual({
      text: 'Publishing failed at "Certification".\n  Fixed-size disk — found dynamic',
      exitCode: 1,
    });
    expect(outcome('vm', statusBody('canceled', 1, 0)).exitCode).toBe(1);
  });
});
