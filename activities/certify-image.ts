import * as df from 'durable-functions';
import { openHttpRangeSource, SourceUnavailable } from '../adapters/image/http-range-source';
import { EgressRefused } from '../adapters/net/egress-policy';
import { CheckRow, checkFooter } from '../domain/image/footer-checks';
import { FOOTER_SIZE } from '../domain/image/vhd-footer';
import { ACTIVITY, PublishRef, StageOutcome } from '../domain/publishing/stages';
import { snapshot } from './_shared/context';

const V = 'microsoft-azure-virtualmachines.';

/**
 * Step 2: certification of every OS and data disk of every plan, reading only what each check
 * needs through ranged GETs. A wrong image is the partner's to fix (ok: false, not retried);
 * a storage fault is thrown and retried.
 */
export async function certifyImage(ref: PublishRef): Promise<StageOutcome> {
  const doc = await snapshot(ref);
  const rows: (CheckRow & { disk: string })[] = [];
  for (const plan of doc.definition.plans) {
    const p = plan as Record<string, unknown>;
    const osFamily = p[V + 'operatingSystemFamily'] as 'Linux' | 'Windows' | undefined;
    for (const [version, image] of Object.entries((p[V + 'vmImages'] as Record<string, { osVhdUrl?: string; lunVhdDetails?: { lun?: number; lunVhdUri?: string }[] }>) ?? {})) {
      const disks: { label: string; url: string; role: { kind: 'os' | 'data'; osFamily?: 'Linux' | 'Windows' } }[] = [{ label: `plan ${plan.planId} ${version} OS disk`, url: image.osVhdUrl!, role: { kind: 'os', osFamily } }];
      for (const d of image.lunVhdDetails ?? []) disks.push({ label: `plan ${plan.planId} ${version} data disk LUN ${d.lun}`, url: d.lunVhdUri!, role: { kind: 'data', osFamily } });
      for (const disk of disks) {
        try {
          const src = await openHttpRangeSource(disk.url, disk.label);
          if (src.size < FOOTER_SIZE) {
            rows.push({ disk: disk.label, id: 'vhd.length', name: 'Blob holds a VHD footer', result: 'fail', actual: `${src.size} bytes`, expected: '≥ 512 bytes', fix: 'Upload the complete fixed VHD.' });
            continue;
          }
          const footer = await src.read(src.size - FOOTER_SIZE, FOOTER_SIZE);
          for (const r of checkFooter(footer, src.size, disk.role)) rows.push({ ...r, disk: disk.label });
        } catch (e) {
          if (e instanceof SourceUnavailable && e.transient) throw e;
          if (e instanceof SourceUnavailable || e instanceof EgressRefused) {
            rows.push({ disk: disk.label, id: 'sas.download', name: 'Image can be downloaded with its SAS URL', result: 'fail', actual: e.message, expected: 'a readable .vhd blob', fix: 'Create a new SAS URL for the .vhd blob with read and list permissions.' });
            continue;
          }
          throw e;
        }
      }
    }
  }
  const failed = rows.filter((r) => r.result === 'fail');
  if (failed.length) {
    return { ok: false, messages: failed.map((r) => ({ level: 'error', text: `${r.disk}: ${r.name} — found ${r.actual}, expected ${r.expected}. ${r.fix ?? ''}`.trim() })) };
  }
  return { ok: true, messages: [{ level: 'information', text: `${rows.length} certification checks passed.` }] };
}

df.app.activity(ACTIVITY.certifyImage, { handler: certifyImage });
