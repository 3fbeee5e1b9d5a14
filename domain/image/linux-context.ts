// What the Linux checks need to know beyond the image: what the plan declares (image types, the
// provisioning agent) and the settings that move with Microsoft's guidance (the agent minimum).
import { DEFAULT_IMAGE_TYPES, ImageType } from './image-types';

export type ProvisioningAgent = 'waagent' | 'cloud-init';

export interface LinuxContext {
  imageTypes: readonly ImageType[];
  /** Oldest Azure Linux Agent accepted (the self-test's TestID 39). */
  minAgentVersion: string;
  /** Who provisions the VM: the agent (waagent.conf's Provisioning.*) or cloud-init's Azure datasource. */
  provisioning: ProvisioningAgent;
}

/** Current guidance: WALinuxAgent 2.2.41, mandatory since 1 May 2020. */
export const DEFAULT_MIN_AGENT_VERSION = '2.2.41';

export const DEFAULT_LINUX_CONTEXT: LinuxContext = {
  imageTypes: DEFAULT_IMAGE_TYPES,
  minAgentVersion: DEFAULT_MIN_AGENT_VERSION,
  provisioning: 'waagent',
};
