// Every table the app keeps in its own storage account, named once: a store, a function reading a
// table directly and the infra's data-plane roles then cannot disagree on a spelling. (A partner's
// lead table lives in the partner's account and is named by the lead writer.)
export const TABLE = {
  offers: 'Offers',
  offerVersions: 'OfferVersions',
  offerSlots: 'OfferSlots',
  publishStatus: 'PublishStatus',
  operations: 'Operations',
  marketingSlugs: 'MarketingSlugs',
  publisherKeys: 'PublisherKeys',
  publisherMembers: 'PublisherMembers',
  memberPublishers: 'MemberPublishers',
  commandOutcomes: 'CommandOutcomes',
  customerLeads: 'CustomerLeads',
  supportRequests: 'SupportRequests',
  emailLog: 'EmailLog',
  emailOutbox: 'EmailOutbox',
  history: 'History',
} as const;
