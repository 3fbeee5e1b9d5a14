import {
  buildReport,
  certifyDisk,
  CertificationReport,
  CheckRow,
  ImageType,
  ProvisioningAgent,
} from '../../domain/image/certify';
import { OfferDraft } from '../../domain/offer/document';
import { planDisks, planField } from '../../domain/offer/fields';
import { allowedHosts, EgressRefused } from '../net/egress-policy';
import { minAgentVersion } from '../settings/certify-settings';
import { blobService } from '../storage/connection';
import { openHttpRangeSource, SourceUnavailable } from './http-range-source';

export interface DiskToCertify {
  label: string;
  url: string;
  role: 'os' | 'data';
  osFamily?: 'Linux' | 'Windows';
  /** As the plan declares them (undefined: x64 Generation 1). */
  imageTypes?: ImageType[];
  provisioning?: ProvisioningAgent;
}

/** Every OS and data disk of every image version of the chosen plans (all plans by default). */
export function disksOf(doc: OfferDraft, planId?: string): DiskToCertify[] {
  return doc.definition.plans
    .filter((plan) => !planId || plan.planId === planId)
    .flatMap((plan) => {
      const osFamily = planField(plan, 'operatingSystemFamily');
      const declared = {
        imageTypes: planField(plan, 'imageTypes'),
        provisioning: planField(plan, 'provisioningAgent'),
      };
      return planDisks(plan).map((d) => ({
        label: `plan ${plan.planId} ${d.version} ${d.role === 'os' ? 'OS disk' : `data disk LUN ${d.lun}`}`,
        url: d.url,
        role: d.role,
        osFamily,
        ...(d.role === 'os' ? declared : {}),
      }));
    });
}

/**
 * Certifies disks straight from their SAS URLs with ranged reads. A wrong or unreadable image is a
 * failing row; a storage fault (5xx, network) is thrown so the caller can retry.
 */
export async function certifyDisks(
  disks: DiskToCertify[],
  offer: string,
  now = new Date(),
): Promise<CertificationReport> {
  const results: CertificationReport['disks'] = [];
  const devStorageHosts = [...allowedHosts()];
  for (const disk of disks) {
    try {
      const source = await openHttpRangeSource(disk.url, disk.label);
      const report = await certifyDisk(source, {
        role: disk.role,
        osFamily: disk.osFamily,
        imageTypes: disk.imageTypes,
        provisioning: disk.provisioning,
        minAgentVersion: minAgentVersion(),
        url: disk.url,
        now,
        devStorageHosts,
        isTransient: (e) => e instanceof SourceUnavailable && e.transient,
      });
      results.push({ label: disk.label, rows: report.rows, stats: report.stats });
    } catch (e) {
      if (e instanceof SourceUnavailable && e.transient) throw e;
      if (!(e instanceof SourceUnavailable) && !(e instanceof EgressRefused)) throw e;
      const row: CheckRow = {
        id: 'sas.download',
        name: 'Image can be downloaded with its SAS URL',
        result: 'fail',
        actual: e.message,
        expected: 'a readable .vhd blob',
        fix: 'Create a new SAS URL for the .vhd blob with read and list permissions.',
      };
      results.push({ label: disk.label, rows: [row], stats: { reads: 0, bytes: 0, ms: 0 } });
    }
  }
  return buildReport(results, { offer, now });
}

const CONTAINER = 'certification-reports';

/** Keeps a report as JSON and as a readable HTML page. */
export async function saveReport(path: string, report: CertificationReport, html: string): Promise<void> {
  const c = blobService().getContainerClient(CONTAINER);
  await c.createIfNotExists();
  const json = JSON.stringify(report, null, 2);
  await c
    .getBlockBlobClient(`${path}.json`)
    .upload(json, Buffer.byteLength(json), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  await c
    .getBlockBlobClient(`${path}.html`)
    .upload(html, Buffer.byteLength(html), { blobHTTPHeaders: { blobContentType: 'text/html; charset=utf-8' } });
}

export async function loadReport(path: string, format: 'json' | 'html'): Promise<Buffer | undefined> {
  return blobService()
    .getContainerClient(CONTAINER)
    .getBlockBlobClient(`${path}.${format}`)
    .downloadToBuffer()
    .catch(() => undefined);
}
