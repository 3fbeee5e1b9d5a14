// Replicating a 30 GiB sparse image to 8 regions with the provisioning copy (only written pages
// move), beside a naive download-and-upload of the same image measured in the same run (on its
// first 2 GiB, projected to the whole disk and all regions, since streaming 240 GiB of zeros would
// take this machine most of an hour).
import { BlobServiceClient } from '@azure/storage-blob';
import { copyImage } from '../adapters/images/copy-image';
import { startAzurite } from '@offer-go-live/devhost';
import { uploadVhd, GiB } from '../test/support/vhd-images';
import { Row } from './report';

const REGIONS = [
  'eastus',
  'westus2',
  'westeurope',
  'northeurope',
  'southeastasia',
  'japaneast',
  'australiaeast',
  'brazilsouth',
];

export async function benchProvision(): Promise<Row[]> {
  const az = await startAzurite();
  try {
    const svc = BlobServiceClient.fromConnectionString(az.connectionString);
    // A 30 GiB disk with 8 MiB of data written at the start (a partition table and some files) and the footer.
    const head = Buffer.alloc(8 * 1024 * 1024, 7);
    const src = await uploadVhd(az.connectionString, 'vhds', 'bench-30g.vhd', { head });
    let t = Date.now();
    let throughApp = 0;
    await Promise.all(
      REGIONS.map(async (r) => {
        const c = svc.getContainerClient(`region-${r}`);
        await c.createIfNotExists();
        const res = await copyImage(src, c, 'bench/os.vhd', 'page-ranges');
        throughApp += res.bytesThroughApp;
      }),
    );
    const smartS = (Date.now() - t) / 1000;

    // Naive: stream the blob through this process and upload it again, page by page.
    const slice = 2 * GiB;
    const dst = svc.getContainerClient('region-naive');
    await dst.createIfNotExists();
    const page = dst.getPageBlobClient('naive.vhd');
    await page.create(30 * GiB + 512);
    const srcBlob = svc.getContainerClient('vhds').getBlobClient('bench-30g.vhd');
    t = Date.now();
    const chunk = 4 * 1024 * 1024;
    for (let off = 0; off < slice; off += chunk) {
      const buf = await srcBlob.downloadToBuffer(off, chunk);
      await page.uploadPages(buf, off, chunk);
    }
    const naiveSliceS = (Date.now() - t) / 1000;
    const projectedNaiveS = naiveSliceS * ((30 * GiB + 512) / slice) * REGIONS.length;
    const naiveBytes = (30 * GiB + 512) * 2 * REGIONS.length;
    return [
      {
        name: `replicate 30 GiB sparse image to ${REGIONS.length} regions: wall time`,
        value: smartS,
        unit: 's',
        baseline: projectedNaiveS,
        baselineLabel: `naive download+upload, projected from ${slice / GiB} GiB measured in ${naiveSliceS.toFixed(1)} s`,
        lowerIsBetter: true,
      },
      {
        name: 'bytes through the function process',
        value: throughApp / 1024 / 1024,
        unit: 'MiB',
        baseline: naiveBytes / 1024 / 1024,
        baselineLabel: 'naive',
        lowerIsBetter: true,
      },
    ];
  } finally {
    await az.stop();
  }
}
