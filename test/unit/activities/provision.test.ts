// One stage activity end to end on fakes: copyImageToRegion copies every disk of every plan into
// the region (through a fake replica store), records the region's progress through the lifecycle,
// and a re-run after a crash neither counts the region twice nor adds a message.
import { makeCopyImageToRegion } from '../../../activities/provision';
import { sampleOffer } from '../../../domain/offer/sample-offer';
import { ref, world } from './fixtures';

function fakeReplicas() {
  const copies = new Map<string, string>();
  return {
    copies,
    open: async (region: string) => ({
      copy: async (sourceUrl: string, blobName: string) => {
        const k = `${region}/${blobName}`;
        const skipped = copies.get(k) === sourceUrl;
        copies.set(k, sourceUrl);
        return { skipped };
      },
    }),
  };
}

const doc = sampleOffer({
  osVhdUrl: 'https://contoso.blob.core.windows.net/vhds/os.vhd?sig=x',
  dataDiskUrls: ['https://contoso.blob.core.windows.net/vhds/d0.vhd?sig=x'],
});

test('copies the OS and data disks, then records 1 of 2 regions', async () => {
  const w = world(doc);
  const replicas = fakeReplicas();
  const checked: string[] = [];
  const copy = makeCopyImageToRegion({ ...w, replicas, checkOutboundUrl: async (u) => checked.push(u) });

  const first = await copy({ ...ref, region: 'eastus', total: 2 });
  expect(first).toEqual({ region: 'eastus', copied: 2, skipped: 0 });
  expect([...replicas.copies.keys()].sort()).toEqual([
    expect.stringMatching(/^eastus\/contoso\/contoso-vm\/v1\/.+\/1\.0\.0\/lun0\.vhd$/),
    expect.stringMatching(/^eastus\/contoso\/contoso-vm\/v1\/.+\/1\.0\.0\/os\.vhd$/),
  ]);
  expect(checked).toHaveLength(2);
  const once = w.statuses.status(ref.publisherId, ref.offerId);
  const step = once.steps.find((s) => s.id === 'displayprovision')!;
  expect(step).toMatchObject({ status: 'inProgress', progressPercentage: 50 });
  expect(step.messages.map((m) => m.messageHtml)).toEqual(['Replicated to eastus (1 of 2 regions).']);
  expect(once.provisionedRegions).toEqual(['eastus']);

  w.tick();
  const again = await copy({ ...ref, region: 'eastus', total: 2 });
  expect(again).toEqual({ region: 'eastus', copied: 0, skipped: 2 });
  const twice = w.statuses.status(ref.publisherId, ref.offerId);
  expect({ ...twice, changedTime: once.changedTime }).toEqual(once);
});

test('a failing copy names the region, disk and plan', async () => {
  const w = world(doc);
  const copy = makeCopyImageToRegion({
    ...w,
    replicas: { open: async () => ({ copy: async () => Promise.reject(new Error('503 Server Busy\nmore')) }) },
    checkOutboundUrl: async () => undefined,
  });
  await expect(copy({ ...ref, region: 'westeurope', total: 2 })).rejects.toThrow(
    /^Region westeurope: copying os\.vhd of plan .+ 1\.0\.0 failed: 503 Server Busy$/,
  );
});
