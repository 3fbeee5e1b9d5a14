// The regional copies of offer images, in the app's storage account (one container per region):
// provisioning writes them, the deployment template points at them.
import { blobService } from '../storage/connection';
import { regionContainer } from '../../domain/publishing/replicas';
import { copyImage, copyMode } from './copy-image';

export interface RegionReplicas {
  /** The region's container, created if needed, ready to receive copies. */
  open(region: string): Promise<{ copy(sourceUrl: string, blobName: string): Promise<{ skipped: boolean }> }>;
  /** The URL a replica has (or will have) in a region. */
  url(region: string, blobName: string): string;
}

export function storageRegionReplicas(): RegionReplicas {
  return {
    async open(region) {
      const container = blobService().getContainerClient(regionContainer(region));
      await container.createIfNotExists();
      return { copy: (sourceUrl, blobName) => copyImage(sourceUrl, container, blobName, copyMode()) };
    },
    url: (region, blobName) => blobService().getContainerClient(regionContainer(region)).getBlobClient(blobName).url,
  };
}
