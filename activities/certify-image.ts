import type { CertificationReport } from '../domain/image/certify';
import { renderReportHtml } from '../domain/image/certify';
import { rowTitle } from '../domain/image/test-ids';
import type { DiskToCertify } from '../adapters/image/certify-images';
import { disksOf } from '../adapters/image/certify-images';
import { PublishRef, StageOutcome } from '../domain/publishing/stages';
import { snapshot, Stores } from './_shared/context';

export interface CertifyImageDeps extends Pick<Stores, 'offers'> {
  certifyDisks: (disks: DiskToCertify[], offer: string) => Promise<CertificationReport>;
  saveReport: (path: string, report: CertificationReport, html: string) => Promise<void>;
  publicBaseUrl: () => string;
}

/**
 * Step 2: certification of every OS and data disk of every plan against the Azure Certified
 * requirements, reading only what each check needs. The report is kept (JSON + HTML) and linked from
 * the status; failed checks become the step's messages, each with how to fix it.
 */
export function makeCertifyImage(d: CertifyImageDeps) {
  return async function certifyImage(ref: PublishRef): Promise<StageOutcome> {
    const doc = await snapshot(d.offers, ref);
    const report = await d.certifyDisks(disksOf(doc), `${ref.publisherId}/${ref.offerId} v${ref.version}`);
    await d.saveReport(`${ref.publisherId}/${ref.offerId}/v${ref.version}`, report, renderReportHtml(report));
    const reportUrl = `${d.publicBaseUrl()}/api/publishers/${ref.publisherId}/offers/${ref.offerId}/certification-report?version=${ref.version}`;
    const rows = report.disks.flatMap((disk) => disk.rows.map((r) => ({ ...r, disk: disk.label })));
    const failed = rows.filter((r) => r.result === 'fail');
    const attention = rows.filter((r) => r.result === 'warning' || r.result === 'manualReview');
    const messages = [
      ...failed.map((r) => ({
        level: 'error' as const,
        text: `${r.disk}: ${rowTitle(r)} — found ${r.actual}, expected ${r.expected}. ${r.fix ?? ''}`.trim(),
      })),
      ...attention.map((r) => ({
        level: 'warning' as const,
        text: `${r.disk}: ${r.result === 'manualReview' ? 'manual review' : 'warning'} — ${rowTitle(r)}: ${r.actual}`,
      })),
    ];
    if (failed.length) return { ok: false, messages, reportUrl };
    const passed = rows.length - attention.length;
    return {
      ok: true,
      messages: [
        { level: 'information', text: `${passed} certification checks passed on ${report.disks.length} disk(s).` },
        ...messages,
      ],
      reportUrl,
    };
  };
}
