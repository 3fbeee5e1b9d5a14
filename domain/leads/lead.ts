// The lead shape the marketplace sends to a partner's CRM (marketplace.md "Lead generation").

export interface Lead {
  OfferTitle: string;
  LeadSource: string;
  ActionCode: string;
  Description: string;
  UserDetails: {
    Company: string;
    Country: string;
    Email: string;
    FirstName: string;
    LastName: string;
    Phone: string;
    Title: string;
  };
}

/** .NET ticks (100 ns since 0001-01-01), which the validation lead's fake values carry. */
export function ticks(ms: number): string {
  return (BigInt(ms) * 10_000n + 621_355_968_000_000_000n).toString();
}

/** The validation lead sent at publish time: recognisably fake values in every field. */
export function testLead(publisherId: string, offerId: string, offerTitle: string, nowMs: number): Lead {
  const t = `MSFT_TEST_${ticks(nowMs)}`;
  return {
    OfferTitle: offerTitle,
    LeadSource: `AzureMarketplace-INS|${publisherId}.${offerId}`,
    ActionCode: 'INS',
    Description: `${t} validation lead for ${publisherId}.${offerId}`,
    UserDetails: {
      Company: t,
      Country: t,
      Email: `${t}@test.com`,
      FirstName: t,
      LastName: t,
      Phone: '1234567890',
      Title: t,
    },
  };
}
