// Storage events: a VHD landing at vhds/{publisherId}/{name}.vhd (Event Grid BlobCreated) is
// certified at once — a pre-flight with no offer needed — and its report is written beside it as
// {name}.vhd.certification.json and .html. The blob's metadata must carry a key of that publisher.
import { app, EventGridEvent, InvocationContext } from '@azure/functions';
import { openBlobRangeSource } from '../adapters/image/blob-range-source';
import { blobService } from '../adapters/storage/connection';
import { buildReport, certifyDisk, renderReportHtml } from '../domain/image/certify';
import { keys } from './_shared/http';

const CONTAINER = 'vhds';
const SUBJECT = /^\/blobServices\/default\/containers\/vhds\/blobs\/([a-z0-9-]{1,50})\/([^/]+\.vhd)$/;

app.eventGrid('vhdPreflight', {
  handler: async (event: EventGridEvent, context: InvocationContext) => {
    if (event.eventType !== 'Microsoft.Storage.BlobCreated') return;
    const m = SUBJECT.exec(event.subject);
    if (!m) return; // another container or not a .vhd: not ours
    const [, publisherId, name] = m;
    const container = blobService().getContainerClient(CONTAINER);
    const blob = container.getBlobClient(`${publisherId}/${name}`);
    const write = async (suffix: string, text: string, type: string) =>
      container
        .getBlockBlobClient(`${publisherId}/${name}.certification.${suffix}`)
        .upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: type } });

    const props = await blob.getProperties().catch(() => undefined);
    if (!props) return; // deleted since the event
    const key = props.metadata?.publisherkey;
    const owner = key ? await keys.publisherFor(key) : undefined;
    if (owner !== publisherId) {
      context.warn(
        `Refused pre-flight of ${publisherId}/${name}: the publisherkey metadata does not belong to ${publisherId}.`,
      );
      await write(
        'json',
        JSON.stringify(
          {
            outcome: 'rejected',
            reason: 'The blob must carry metadata "publisherkey" with a key of the publisher in its path.',
          },
          null,
          2,
        ),
        'application/json',
      );
      return;
    }
    const now = new Date();
    const source = await openBlobRangeSource(blob);
    const disk = await certifyDisk(source, { role: 'os', now });
    const report = buildReport([{ label: `${publisherId}/${name}`, rows: disk.rows, stats: disk.stats }], {
      offer: `pre-flight of ${publisherId}/${name}`,
      now,
    });
    await write('json', JSON.stringify({ outcome: 'certified', ...report }, null, 2), 'application/json');
    await write('html', renderReportHtml(report), 'text/html; charset=utf-8');
    context.log(
      `Pre-flight of ${publisherId}/${name}: ${report.verdict} (${disk.stats.reads} reads, ${disk.stats.bytes} bytes)`,
    );
  },
});
