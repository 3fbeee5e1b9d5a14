// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { STATUS_POLL_MS } from '../config.js';
import { announce, badge, focusView, formatTime, h, poller, replace, STATUS_LABELS, textOf } from '../dom.js';
import { openEditorWithWarnings } from './editor.js';
import { showNotFound } from './offers.js';
import { confirmDialog, openPublishDialog } from './publish-dialog.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {{ messageHtml: string, level: 'information' | 'warning' | 'error', timestamp: string }} Message
 * @typedef {{ id: string, stepName: string, description: string, status: string, progressPercentage: number, estimatedTimeFrame: string, messages: Message[] }} Step
 * @typedef {{ displayText: string, uri: string }} Link
 * @typedef {{ status: string, publishingVersion: number | null, messages: Message[], steps: Step[], previewLinks: Link[], liveLinks: Link[], notificationEmails: string, certificationReportUrl?: string, supportTicketId?: string, changedTime: string }} PublishStatus
 */

// While a publish runs (or waits for sign-off) the page asks for news; once it ended, it stops.
const ACTIVE = new Set(['running', 'waitingForPublisherReview']);
const LEVEL = { information: 'Information', warning: 'Warning', error: 'Error' };

/**
 * The Status tab: the seven steps as a timeline, kept up to date while a publish runs; Go Live
 * and Cancel at publisher sign-off; a support request from a failed publish.
 * @param {{ session: Session, offerId: string }} ctx
 */
export function statusView({ session, offerId }) {
  const base = `/publishers/${enc(session.publisherId)}/offers/${enc(offerId)}`;
  const heading = h('h1', {}, `Publishing status: ${offerId}`);
  const overview = h('div', { class: 'overview', id: 'status-overview' });
  const actionsNote = h('p', { class: 'hint', id: 'signoff-note' });
  const actionError = h('div', { class: 'form-error', role: 'alert', hidden: true, id: 'action-error' });
  const goLive = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      id: 'go-live',
      disabled: true,
      'aria-describedby': 'signoff-note',
      onclick: () => void signoff('golive'),
    },
    'Go Live',
  );
  const cancel = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      id: 'cancel-publish',
      disabled: true,
      'aria-describedby': 'signoff-note',
      onclick: () => void signoff('cancel'),
    },
    'Cancel publishing',
  );
  const republish = h(
    'button',
    { type: 'button', id: 'publish-again', hidden: true, onclick: () => publishAgain() },
    'Publish again…',
  );
  const timeline = h('ol', { class: 'timeline', id: 'timeline', 'aria-label': 'Publishing steps' });
  const links = h('div', { class: 'links', id: 'status-links' });
  const support = h('section', { class: 'support', id: 'support', hidden: true, 'aria-labelledby': 'support-title' });
  const updated = h('p', { class: 'muted', id: 'last-checked' });
  const loadError = h('p', { class: 'form-error', role: 'alert', hidden: true });

  const el = h(
    'section',
    { class: 'status-page' },
    h(
      'div',
      { class: 'title-row' },
      heading,
      h(
        'div',
        { class: 'title-actions' },
        h('a', { href: `#/offers/${enc(offerId)}/history`, class: 'button' }, 'History'),
        h('a', { href: `#/offers/${enc(offerId)}`, class: 'button' }, 'Edit offer'),
      ),
    ),
    loadError,
    overview,
    h('div', { class: 'action-bar signoff' }, goLive, cancel, republish, actionsNote),
    actionError,
    timeline,
    links,
    support,
    updated,
  );

  /** @type {PublishStatus | null} */
  let current = null;
  let lastJson = '';
  const poll = poller(refresh);
  let pendingAction = false;

  async function refresh() {
    poll.stop();
    const r = await api(`${base}/status`, { key: session.key });
    if (!poll.live) return;
    if (r.status === 404)
      return showNotFound(el, `There is no offer "${offerId}" for publisher ${session.publisherId}.`);
    if (!r.ok) {
      loadError.textContent = `The status could not be read: ${errorMessage(r)} Retrying…`;
      loadError.hidden = false;
      schedule(STATUS_POLL_MS * 2);
      return;
    }
    loadError.hidden = true;
    /** @type {PublishStatus} */
    const s = r.data;
    const json = JSON.stringify(s);
    if (json !== lastJson) {
      if (current && current.status !== s.status)
        announce(`Publishing status: ${STATUS_LABELS[s.status] ?? s.status}.`);
      lastJson = json;
      current = s;
      render(s);
    }
    updated.textContent = `Last checked ${formatTime(new Date().toISOString())}${ACTIVE.has(s.status) ? '; updates automatically.' : '.'}`;
    if (ACTIVE.has(s.status)) schedule(STATUS_POLL_MS);
  }

  /** @param {number} ms */
  function schedule(ms) {
    poll.again(document.hidden ? ms * 4 : ms);
  }

  /** @param {PublishStatus} s */
  function render(s) {
    replace(
      overview,
      h(
        'dl',
        { class: 'facts' },
        h('div', {}, h('dt', {}, 'State'), h('dd', { id: 'overall-status' }, badge(s.status))),
        h('div', {}, h('dt', {}, 'Publishing version'), h('dd', {}, s.publishingVersion ?? '—')),
        h(
          'div',
          {},
          h('dt', {}, 'Notification e-mails'),
          h('dd', {}, s.notificationEmails ? s.notificationEmails.split(',').join(', ') : '—'),
        ),
        h('div', {}, h('dt', {}, 'Last change'), h('dd', {}, formatTime(s.changedTime))),
      ),
      s.messages.length ? h('ul', { class: 'messages' }, ...s.messages.map(messageEl)) : null,
    );

    const waiting = s.status === 'waitingForPublisherReview';
    goLive.disabled = !waiting || pendingAction;
    cancel.disabled = !waiting || pendingAction;
    republish.hidden = ACTIVE.has(s.status);
    republish.textContent = s.status === 'neverPublished' ? 'Publish…' : 'Publish again…';
    actionsNote.textContent = waiting
      ? 'The preview is ready. Check it, then Go Live to release the offer to every customer, or Cancel to go back to step 1.'
      : s.status === 'running'
        ? 'Go Live and Cancel become available at the Publisher signoff step.'
        : s.status === 'succeeded'
          ? 'The offer is live.'
          : s.status === 'failed'
            ? `Publishing version ${s.publishingVersion} failed. Fix what the failing step says, then publish again; it restarts at step 1.`
            : s.status === 'canceled'
              ? 'This publishing request was cancelled. Publish again when you are ready.'
              : 'Publish the offer to start the steps below.';

    const failedAt = s.steps.find((st) => st.status === 'rejected');
    replace(timeline, ...s.steps.map((st, i) => stepEl(st, i, st === failedAt)));

    replace(
      links,
      linkList(
        'Preview',
        'preview-links',
        s.previewLinks,
        'Visible to the subscriptions in your preview audience only: choose one to see the preview as it does.',
      ),
      linkList('Live', 'live-links', s.liveLinks, 'What every customer sees.'),
      s.certificationReportUrl && s.publishingVersion ? reportFor(s.publishingVersion) : null,
    );
    renderSupport(s, failedAt);
  }

  /** @param {Step} st @param {number} i @param {boolean} failed */
  function stepEl(st, i, failed) {
    const titleId = `step-${st.id}-title`;
    const progress = h('progress', {
      max: 100,
      value: st.progressPercentage,
      'aria-labelledby': `${titleId} step-${st.id}-pct`,
    });
    return h(
      'li',
      {
        class: `step step-${st.status}${failed ? ' failed' : ''}`,
        'data-step': st.id,
        'data-status': st.status,
        'aria-current': st.status === 'inProgress' || st.status === 'waitingForPublisherReview' ? 'step' : undefined,
      },
      h(
        'div',
        { class: 'step-head' },
        h('span', { class: 'step-number', 'aria-hidden': 'true' }, String(i + 1)),
        h('h2', { id: titleId }, st.stepName),
        badge(st.status),
      ),
      h('p', { class: 'step-description' }, st.description),
      h('p', { class: 'step-meta' }, `Estimated time frame: ${st.estimatedTimeFrame}`),
      h(
        'div',
        { class: 'progress-row' },
        progress,
        h('span', { id: `step-${st.id}-pct` }, `${st.progressPercentage} %`),
      ),
      st.messages.length ? h('ul', { class: 'messages' }, ...st.messages.map(messageEl)) : null,
      failed
        ? h(
            'p',
            { class: 'step-error', role: 'note' },
            `Publishing stopped at this step. Fix what the messages say, then publish again; it restarts at step 1.`,
          )
        : null,
    );
  }

  /** @param {Message} m */
  function messageEl(m) {
    return h(
      'li',
      { class: `message message-${m.level}` },
      h('strong', {}, `${LEVEL[m.level] ?? m.level}: `),
      textOf(m.messageHtml),
      h('span', { class: 'muted' }, ` (${formatTime(m.timestamp)})`),
    );
  }

  /** @param {string} title @param {string} id @param {Link[]} items @param {string} hint */
  function linkList(title, id, items, hint) {
    if (!items.length) return null;
    const anchors = items.map((l) =>
      h(
        'a',
        { href: l.uri, target: '_blank', rel: 'noopener noreferrer', 'data-base-href': l.uri },
        l.displayText || l.uri,
      ),
    );
    const box = h(
      'div',
      { id },
      h('h2', {}, `${title} links`),
      h('p', { class: 'hint' }, hint),
      h('ul', {}, ...anchors.map((a) => h('li', {}, a))),
    );
    if (id === 'preview-links') void audienceChooser(box, anchors);
    return box;
  }

  /** @type {Promise<string[]> | null} */
  let audience = null;
  /**
   * The preview answers only for a subscription in the preview audience, so the links carry one
   * (chosen from the previewed version's audience).
   * @param {HTMLElement} box @param {HTMLAnchorElement[]} anchors
   */
  async function audienceChooser(box, anchors) {
    audience ??= api(`${base}/slot/preview`, { key: session.key }).then((r) =>
      r.ok
        ? (r.data?.definition?.offer?.['microsoft-azure-marketplace.allowedSubscriptions'] ?? [])
            .map((/** @type {any} */ e) => String(typeof e === 'string' ? e : (e?.subscriptionId ?? '')))
            .filter(Boolean)
        : [],
    );
    const ids = await audience;
    if (!ids.length || !box.isConnected) return;
    const select = h(
      'select',
      { id: 'preview-subscription' },
      ...ids.map((/** @type {string} */ i) => h('option', { value: i }, i)),
    );
    const apply = () => {
      for (const a of anchors) {
        const url = new URL(a.dataset.baseHref ?? a.href, location.href);
        url.searchParams.set('subscriptionId', select.value);
        a.href = url.href;
      }
    };
    select.addEventListener('change', apply);
    apply();
    box.insertBefore(
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'preview-subscription' }, 'See the preview as subscription'),
        select,
      ),
      box.querySelector('ul'),
    );
  }

  /** @type {{ version: number, el: HTMLElement } | null} */
  let report = null;
  /** The same element across refreshes, so an open report stays open. @param {number} version */
  function reportFor(version) {
    if (report?.version !== version) report = { version, el: reportEl(version) };
    return report.el;
  }

  /**
   * The certification report of a version. The API wants the publisher key, which a plain link
   * cannot send, so the report is read here and shown in the page; failed checks come first.
   * @param {number} version
   */
  function reportEl(version) {
    const body = h('div', { class: 'report-body' }, h('p', { class: 'muted' }, 'Loading the report…'));
    const details = h(
      'details',
      { id: 'certification-report', class: 'report' },
      h('summary', {}, `Certification report (version ${version})`),
      body,
    );
    let loaded = false;
    details.addEventListener('toggle', async () => {
      if (!details.open || loaded) return;
      loaded = true;
      const r = await api(`${base}/certification-report?version=${version}`, { key: session.key });
      if (!r.ok) {
        loaded = false;
        replace(body, h('p', { class: 'form-error' }, errorMessage(r)));
        return;
      }
      /** @type {{ verdict: string, generatedAt: string, disks: { label: string, rows: { id: string, name: string, result: string, actual: string, expected: string, fix?: string }[] }[] }} */
      const data = r.data;
      const order = (/** @type {string} */ res) => (res === 'fail' ? 0 : res === 'warn' ? 1 : 2);
      replace(
        body,
        h('p', {}, `Verdict: ${data.verdict === 'pass' ? 'passed' : 'failed'} · ${formatTime(data.generatedAt)}`),
        ...data.disks.map((d) =>
          h(
            'div',
            { class: 'table-wrap', role: 'region', 'aria-label': d.label, tabindex: 0 },
            h(
              'table',
              { class: 'data compact' },
              h('caption', {}, d.label),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ...['Check', 'Result', 'Found', 'Expected', 'How to fix'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                ...[...d.rows]
                  .sort((a, b) => order(a.result) - order(b.result))
                  .map((row) =>
                    h(
                      'tr',
                      { 'data-result': row.result },
                      h('th', { scope: 'row' }, row.name),
                      h(
                        'td',
                        {},
                        h(
                          'span',
                          {
                            class: `badge badge-${row.result === 'fail' ? 'error' : row.result === 'pass' ? 'ok' : 'neutral'}`,
                          },
                          row.result,
                        ),
                      ),
                      h('td', {}, row.actual),
                      h('td', {}, row.expected),
                      h('td', {}, row.fix ?? ''),
                    ),
                  ),
              ),
            ),
          ),
        ),
      );
    });
    return details;
  }

  /** @param {PublishStatus} s @param {Step | undefined} failedAt */
  function renderSupport(s, failedAt) {
    if (s.status !== 'failed' && !s.supportTicketId) {
      support.hidden = true;
      return;
    }
    support.hidden = false;
    if (s.supportTicketId) {
      replace(
        support,
        h('h2', { id: 'support-title' }, 'Support request'),
        h(
          'p',
          { id: 'support-ticket' },
          'Support request ',
          h('strong', {}, s.supportTicketId),
          ` is open for publishing version ${s.publishingVersion}. The support team will contact you at your engineering contact.`,
        ),
      );
      return;
    }
    const description = h('textarea', {
      id: 'support-description',
      rows: 4,
      required: true,
      maxlength: 4000,
      'aria-describedby': 'support-hint',
    });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit' }, 'Open support request');
    replace(
      support,
      h('h2', { id: 'support-title' }, 'Need help with this failure?'),
      h(
        'form',
        {
          class: 'stack',
          novalidate: true,
          onsubmit: async (/** @type {Event} */ e) => {
            e.preventDefault();
            if (!description.value.trim()) {
              error.textContent = 'Describe what you need help with.';
              error.hidden = false;
              description.setAttribute('aria-invalid', 'true');
              description.focus();
              return;
            }
            submit.disabled = true;
            const r = await api(`${base}/support-requests`, {
              method: 'POST',
              key: session.key,
              body: { description: description.value },
            });
            submit.disabled = false;
            if (r.ok) {
              announce(`Support request ${r.data.ticketId} opened.`);
              lastJson = '';
              await refresh();
              document.getElementById('support-ticket')?.focus();
              return;
            }
            error.textContent = errorMessage(r);
            error.hidden = false;
          },
        },
        h(
          'p',
          { class: 'hint', id: 'support-hint' },
          `The request includes the offer, publishing version ${s.publishingVersion}${failedAt ? `, the failing step (${failedAt.stepName}) and its message` : ''}.`,
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'support-description' }, 'What do you need help with?'),
          description,
        ),
        error,
        h('div', { class: 'actions' }, submit),
      ),
    );
  }

  /** @param {'golive' | 'cancel'} kind */
  async function signoff(kind) {
    actionError.hidden = true;
    if (kind === 'cancel') {
      const sure = await confirmDialog({
        title: 'Cancel this publishing request?',
        body: 'The preview is withdrawn and the status goes back to step 1. To publish the offer later, click Publish again.',
        confirm: 'Cancel publishing',
        cancel: 'Keep it',
        danger: true,
      });
      if (!sure) return;
    }
    pendingAction = true;
    goLive.disabled = true;
    cancel.disabled = true;
    const r = await api(`${base}/${kind}`, { method: 'POST', key: session.key });
    if (!r.ok) {
      pendingAction = false;
      actionError.textContent = errorMessage(r);
      actionError.hidden = false;
      lastJson = '';
      await refresh();
      return;
    }
    announce(kind === 'golive' ? 'Go Live requested. The offer is being released.' : 'Cancel requested.');
    actionsNote.textContent = kind === 'golive' ? 'Go Live requested: rolling out to production…' : 'Cancelling…';
    schedule(300);
  }

  function publishAgain() {
    openPublishDialog({
      session,
      offerId,
      defaultEmails: current?.notificationEmails ?? '',
      onPublished: () => {
        pendingAction = false;
        lastJson = '';
        void refresh();
      },
      onWarnings: (warnings, message) => openEditorWithWarnings(offerId, warnings, message),
    });
  }

  const onVisible = () => {
    if (!document.hidden && current && ACTIVE.has(current.status)) void refresh();
  };
  document.addEventListener('visibilitychange', onVisible);
  queueMicrotask(() => focusView(heading));
  void refresh();
  return {
    el,
    dispose: () => {
      poll.dispose();
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
