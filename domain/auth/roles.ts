// The one permission table: which publisher role may do what. Every partner endpoint names the
// action it performs and asks `can` (through functions/_shared/http.ts `authorize`); the README's
// "Roles and permissions" table is this table, and a test holds the two equal.
// The roles are Partner Center's: Owner, Manager, Developer.

export const ROLES = ['Owner', 'Manager', 'Developer'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = {
  'offers.read':
    'Read offers, versions, status, operations, certification reports, leads, the e-mail outbox and offer history',
  'offers.edit':
    'Create and edit offer drafts, upload artifacts, run a pre-flight certification, open support requests',
  'offers.delete': 'Delete a never-published draft',
  'offers.publish': 'Publish (submit) an offer',
  'offers.cancel': 'Cancel a publish before it goes live',
  'offers.goLive': 'Go Live',
  'users.manage':
    "List, add, change and remove the publisher's users and service principals; read the account history (API keys)",
} as const;
export type Action = keyof typeof ACTIONS;

const PERMISSIONS: Record<Action, readonly Role[]> = {
  'offers.read': ['Owner', 'Manager', 'Developer'],
  'offers.edit': ['Owner', 'Manager', 'Developer'],
  'offers.delete': ['Owner', 'Manager'],
  'offers.publish': ['Owner', 'Manager', 'Developer'],
  // Cancelling withdraws a submission; it never changes what customers see, so whoever may submit may withdraw.
  'offers.cancel': ['Owner', 'Manager', 'Developer'],
  'offers.goLive': ['Owner', 'Manager'],
  'users.manage': ['Owner'],
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[action].includes(role);
}

/** The roles that may perform `action`, for messages ("Go Live needs the Owner or Manager role"). */
export function rolesFor(action: Action): readonly Role[] {
  return PERMISSIONS[action];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
