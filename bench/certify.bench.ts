// Certifying a 30 GiB sparse fixed VHD held in Azurite (ranged reads of only what the checks need),
// beside streaming the whole blob once in the same run — what a naive checker would have to do.
import { BlobServiceClient } from '@azure/storage-blob';
import { certifyDisks } from '../adapters/image/certify-images';
import { startAzurite } from '@offer-go-live/devhost';
import { uploadVhd } from '../test/support/vhd-images';
import { Row } from './report';

const STREAM_CAP_MS = 30_000;

export async function benchCertify(): Promise<Row[]> {
  const az = await startAzurite();
  const previous = process.env.AzureWebJobsStorage;
  process.env.AzureWebJobsStorage = az.connectionString; // the egress policy allows the app's own storage
  try {
    const url = await uploadVhd(az.connectionString, 'vhds', 'bench-certify.vhd');
    await certifyDisks([{ label: 'warm-up', url, role: 'os', osFamily: 'Linux' }], 'bench');
    let t = Date.now();
    const report = await certifyDisks([{ label: 'OS disk', url, role: 'os', osFamily: 'Linux' }], 'bench');
    const certifyMs = Date.now() - t;
    if (report.verdict !== 'pass')
      throw new Error(
        `the compliant image did not pass: ${JSON.stringify(report.disks[0].rows.filter((r) => r.result === 'fail'))}`,
      );
    const stats = report.disks[0].stats;

    // Stream the blob from the start in 64 MiB ranges for up to 30 s (Azurite serves a whole 30 GiB
    // sparse blob in one response far more slowly still), projected to the whole blob.
    const blob = BlobServiceClient.fromConnectionString(az.connectionString)
      .getContainerClient('vhds')
      .getBlobClient('bench-certify.vhd');
    const size = (await blob.getProperties()).contentLength!;
    t = Date.now();
    let read = 0;
    const step = 64 * 1024 * 1024;
    while (read < size && Date.now() - t < STREAM_CAP_MS) {
      const n = Math.min(step, size - read);
      read += (await blob.downloadToBuffer(read, n)).length;
    }
    const streamMs = Date.now() - t;
    const projected = read < size;
    const streamFullMs = projected ? (streamMs * size) / Math.max(1, read) : streamMs;
    const label = projected
      ? `stream whole blob, projected from ${(read / 2 ** 30).toFixed(1)} GiB in ${Math.round(streamMs / 1000)} s`
      : 'stream whole blob once';
    return [
      {
        name: 'certify 30 GiB sparse VHD: wall time',
        value: certifyMs,
        unit: 'ms',
        baseline: streamFullMs,
        baselineLabel: label,
        lowerIsBetter: true,
      },
      {
        name: 'certify: bytes read',
        value: stats.bytes / 1024,
        unit: 'KiB',
        baseline: size / 1024,
        baselineLabel: 'whole blob',
        lowerIsBetter: true,
      },
      { name: 'certify: ranged requests', value: stats.reads, unit: 'requests' },
      {
        name: `certify: checks run (${report.disks[0].rows.length} rows, verdict ${report.verdict})`,
        value: report.disks[0].rows.length,
        unit: 'rows',
      },
    ];
  } finally {
    process.env.AzureWebJobsStorage = previous;
    await az.stop();
  }
}
