/**
 * A complete, valid VM offer (passes `validatePrerequisites` with no warnings), for tests, demos
 * and the local portal. The parts that point at real resources (the OS VHD, data disks, the lead
 * table) are parameters, so a test can point them at what it set up in Azurite.
 */
import type { OfferDraft } from './document';
import { SAMPLE_LARGE_LOGO, SAMPLE_MEDIUM_LOGO, SAMPLE_SMALL_LOGO, SAMPLE_WIDE_LOGO } from './sample-logos';

export interface SampleOfferOverrides {
  publisherId?: string;
  offerId?: string;
  /** SAS URL of the OS disk of image version 1.0.0. */
  osVhdUrl?: string;
  /** SAS URLs of data disks, attached as LUN 0, 1, 2… in this order. */
  dataDiskUrls?: string[];
  /** Azure Table lead destination connection string. */
  leadConnectionString?: string;
  /** Preview audience subscription ids. */
  allowedSubscriptions?: string[];
}

export const SAMPLE_SUBSCRIPTION_IDS = ['6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90', 'b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b'];

export function sampleOffer(overrides: SampleOfferOverrides = {}): OfferDraft {
  const offerId = overrides.offerId ?? 'contoso-vm';
  const osVhdUrl =
    overrides.osVhdUrl ??
    'https://contosovhds.blob.core.windows.net/vhds/contoso-vm-1.0.0.vhd?sv=2022-11-02&sr=b&sp=rl&sig=sample';
  return {
    publisherId: overrides.publisherId ?? 'contoso',
    offerTypeId: 'microsoft-azure-virtualmachines',
    id: offerId,
    definition: {
      displayText: 'Contoso VM',
      offer: {
        'microsoft-azure-marketplace.title': 'Contoso VM',
        'microsoft-azure-marketplace.summary': 'A hardened Linux VM with Contoso App preinstalled.',
        'microsoft-azure-marketplace.longSummary':
          'Contoso App on a hardened Ubuntu image, ready to deploy in minutes.',
        'microsoft-azure-marketplace.description':
          '<p>Contoso App makes dev ops a breeze.</p><ul><li>Preinstalled</li><li>Hardened</li></ul>',
        // A fresh array each call: tests mutate the result freely.
        'microsoft-azure-marketplace.allowedSubscriptions': [
          ...(overrides.allowedSubscriptions ?? SAMPLE_SUBSCRIPTION_IDS),
        ],
        'microsoft-azure-marketplace.categories': ['devService'],
        // Inline PNGs of the right sizes: publishing ingests them like downloaded ones.
        'microsoft-azure-marketplace.smallLogo': SAMPLE_SMALL_LOGO,
        'microsoft-azure-marketplace.mediumLogo': SAMPLE_MEDIUM_LOGO,
        'microsoft-azure-marketplace.largeLogo': SAMPLE_LARGE_LOGO,
        'microsoft-azure-marketplace.wideLogo': SAMPLE_WIDE_LOGO,
        'microsoft-azure-marketplace.screenshots': [],
        'microsoft-azure-marketplace.privacyURL': 'https://contoso.example.com/privacy',
        'microsoft-azure-marketplace.termsOfUse': 'Use of Contoso VM is subject to the Contoso license terms.',
        'microsoft-azure-marketplace.engineeringContactName': 'Jon Doe',
        'microsoft-azure-marketplace.engineeringContactEmail': 'jondoe@contoso.example.com',
        'microsoft-azure-marketplace.engineeringContactPhone': '555-555-5555',
        'microsoft-azure-marketplace.supportContactName': 'Contoso Support',
        'microsoft-azure-marketplace.supportContactEmail': 'support@contoso.example.com',
        'microsoft-azure-marketplace.supportContactPhone': '555-555-0100',
        'microsoft-azure-marketplace.leadDestination': 'AzureTable',
        'microsoft-azure-marketplace.tableLeadConfiguration': {
          connectionString: overrides.leadConnectionString ?? 'UseDevelopmentStorage=true',
        },
      },
      plans: [
        {
          planId: 'standard',
          'microsoft-azure-virtualmachines.skuTitle': 'Contoso VM Standard',
          'microsoft-azure-virtualmachines.skuSummary': 'Contoso App on Ubuntu 22.04.',
          'microsoft-azure-virtualmachines.skuDescription': 'Contoso App on Ubuntu 22.04, bring your own license.',
          'microsoft-azure-virtualmachines.operatingSystemFamily': 'Linux',
          'microsoft-azure-virtualmachines.operationSystem': 'Ubuntu 22.04',
          'microsoft-azure-virtualmachines.recommendedVMSizes': ['standard_d2s_v5', 'standard_d4s_v5'],
          'microsoft-azure-virtualmachines.openPorts': [{ name: 'SSH', protocol: 'TCP', port: 22 }],
          'microsoft-azure-virtualmachines.licenseModel': 'BYOL',
          regions: ['US', 'DE'],
          'microsoft-azure-virtualmachines.vmImages': {
            '1.0.0': {
              osVhdUrl,
              lunVhdDetails: (overrides.dataDiskUrls ?? []).map((lunVhdUri, lun) => ({ lun, lunVhdUri })),
            },
          },
        },
      ],
    },
  };
}
