// The sell regions of the reference's pricing page ("Regions": region code, name, currency code):
// per-region prices for a region are in its currency.
export const SELL_REGION_CURRENCIES: Readonly<Record<string, string>> = {
  DZ: 'DZD', // Algeria
  AR: 'ARS', // Argentina
  AU: 'AUD', // Australia
  AT: 'EUR', // Austria
  BH: 'BHD', // Bahrain
  BY: 'RUB', // Belarus
  BE: 'EUR', // Belgium
  BR: 'USD', // Brazil
  BG: 'BGN', // Bulgaria
  CA: 'CAD', // Canada
  CL: 'CLP', // Chile
  CO: 'COP', // Colombia
  CR: 'CRC', // Costa Rica
  HR: 'HRK', // Croatia
  CY: 'EUR', // Cyprus
  CZ: 'CZK', // Czechia
  DK: 'DKK', // Denmark
  DO: 'USD', // Dominican Republic
  EC: 'USD', // Ecuador
  EG: 'EGP', // Egypt
  SV: 'USD', // El Salvador
  EE: 'EUR', // Estonia
  FI: 'EUR', // Finland
  FR: 'EUR', // France
  DE: 'EUR', // Germany
  GR: 'EUR', // Greece
  GT: 'GTQ', // Guatemala
  HK: 'HKD', // Hong Kong SAR
  HU: 'HUF', // Hungary
  IS: 'ISK', // Iceland
  IN: 'INR', // India
  ID: 'IDR', // Indonesia
  IE: 'EUR', // Ireland
  IL: 'ILS', // Israel
  IT: 'EUR', // Italy
  JP: 'JPY', // Japan
  JO: 'JOD', // Jordan
  KZ: 'KZT', // Kazakhstan
  KE: 'KES', // Kenya
  KR: 'KRW', // Korea
  KW: 'KWD', // Kuwait
  LV: 'EUR', // Latvia
  LI: 'CHF', // Liechtenstein
  LT: 'EUR', // Lithuania
  LU: 'EUR', // Luxembourg
  MK: 'MKD', // North Macedonia
  MY: 'MYR', // Malaysia
  MT: 'EUR', // Malta
  MX: 'MXN', // Mexico
  ME: 'EUR', // Montenegro
  MA: 'MAD', // Morocco
  NL: 'EUR', // Netherlands
  NZ: 'NZD', // New Zealand
  NG: 'NGN', // Nigeria
  NO: 'NOK', // Norway
  OM: 'OMR', // Oman
  PK: 'PKR', // Pakistan
  PA: 'USD', // Panama
  PY: 'PYG', // Paraguay
  PE: 'PEN', // Peru
  PH: 'PHP', // Philippines
  PL: 'PLN', // Poland
  PT: 'EUR', // Portugal
  PR: 'USD', // Puerto Rico
  QA: 'QAR', // Qatar
  RO: 'RON', // Romania
  RU: 'RUB', // Russia
  SA: 'SAR', // Saudi Arabia
  RS: 'RSD', // Serbia
  SG: 'SGD', // Singapore
  SK: 'EUR', // Slovakia
  SI: 'EUR', // Slovenia
  ZA: 'ZAR', // South Africa
  ES: 'EUR', // Spain
  LK: 'USD', // Sri Lanka
  SE: 'SEK', // Sweden
  CH: 'CHF', // Switzerland
  TW: 'TWD', // Taiwan
  TH: 'THB', // Thailand
  TT: 'TTD', // Trinidad and Tobago
  TN: 'TND', // Tunisia
  TR: 'TRY', // Turkey
  UA: 'UAH', // Ukraine
  AE: 'EUR', // United Arab Emirates
  GB: 'GBP', // United Kingdom
  US: 'USD', // United States
  UY: 'UYU', // Uruguay
  VE: 'USD', // Venezuela
};
