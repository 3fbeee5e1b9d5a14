// The certification report as one self-contained HTML page (inline CSS, no scripts, no external
// resources) that a partner can open or be e-mailed. Every value comes from the image or the
// URL, so every value is escaped.
import type { CertificationReport } from './certify';
import { CheckResult, CheckRow } from './footer-checks';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const RESULT_LABELS: Record<CheckResult, string> = {
  pass: 'Pass',
  fail: 'Fail',
  warning: 'Warning',
  manualReview: 'Manual review',
};

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.verdict{display:inline-block;padding:.3rem .8rem;border-radius:4px;font-weight:600}
.verdict.pass{background:#dff6dd;color:#0b6a0b}.verdict.fail{background:#fde7e9;color:#a4262c}
table{border-collapse:collapse;width:100%;margin-top:.5rem}
th,td{border:1px solid #d1d1d1;padding:.4rem .6rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f3f3f3}
td.result{font-weight:600;white-space:nowrap}
tr.pass td.result{color:#0b6a0b}tr.fail td.result{color:#a4262c}
tr.warning td.result{color:#8a6100}tr.manualReview td.result{color:#004e8c}
tr.fail{background:#fff8f8}tr.manualReview{background:#f5f9fd}
code{font-size:.85em}.stats,.summary{color:#555;font-size:.85rem}
`;

function rowHtml(r: CheckRow): string {
  return `<tr class="${r.result}"><td class="result">${RESULT_LABELS[r.result]}</td><td>${escapeHtml(r.name)}<br><code>${escapeHtml(r.id)}</code>${r.testId ? ` · TestID ${escapeHtml(r.testId)}` : ''}</td><td>${escapeHtml(r.actual)}</td><td>${escapeHtml(r.expected)}</td><td>${r.result === 'pass' ? '' : escapeHtml(r.fix ?? '')}</td></tr>`;
}

function counts(rows: CheckRow[]): string {
  const n = (k: CheckResult) => rows.filter((r) => r.result === k).length;
  return `${n('pass')} passed, ${n('fail')} failed, ${n('warning')} warnings, ${n('manualReview')} for manual review`;
}

export function renderReportHtml(report: CertificationReport): string {
  const title = `Image certification${report.offer ? ` — ${report.offer}` : ''}`;
  const disks = report.disks
    .map(
      (d) => `<section><h2>${escapeHtml(d.label)}</h2>
<p class="summary">${counts(d.rows)}</p>
<table><thead><tr><th>Result</th><th>Check</th><th>Found</th><th>Expected</th><th>How to fix</th></tr></thead>
<tbody>${d.rows.map(rowHtml).join('\n')}</tbody></table>
<p class="stats">${d.stats.reads} reads, ${(d.stats.bytes / 2 ** 20).toFixed(1)} MiB, ${d.stats.ms} ms</p></section>`,
    )
    .join('\n');
  const all = report.disks.flatMap((d) => d.rows);
  const manual = all.filter((r) => r.result === 'manualReview').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p><span class="verdict ${report.verdict}">${report.verdict === 'pass' ? 'Passed' : 'Failed'}</span>
${manual ? ` <span class="summary">${manual} check(s) need a manual review: they were not verified automatically.</span>` : ''}</p>
<p class="summary">${counts(all)} · generated ${escapeHtml(report.generatedAt)}</p>
${disks}
</body></html>
`;
}
