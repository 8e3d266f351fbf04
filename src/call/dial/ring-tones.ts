/**
 * `<Dial ringTone>`: Twilio names a country; FreeSWITCH plays a tone definition from the `ringback` variable
 * (TGML, as in FreeSWITCH's own vars.xml). Countries not listed keep the ringback the channel already has.
 */
const RING_TONES: Readonly<Record<string, string>> = {
  us: '%(2000,4000,440,480)',
  'us-old': '%(2000,4000,440,480)',
  ca: '%(2000,4000,440,480)',
  uk: '%(400,200,400,450);%(400,2000,400,450)',
  au: '%(400,200,383,417);%(400,2000,383,417)',
  nz: '%(400,200,400,450);%(400,2000,400,450)',
  fr: '%(1500,3500,440)',
  de: '%(1000,4000,425)',
  at: '%(1000,5000,425)',
  ch: '%(1000,4000,425)',
  it: '%(1000,4000,425)',
  es: '%(1500,3000,425)',
  nl: '%(1000,4000,425)',
  be: '%(1000,3000,425)',
  se: '%(1000,5000,425)',
  no: '%(1000,4000,425)',
  dk: '%(1000,4000,425)',
  jp: '%(1000,2000,400,416)',
};

/** The ringback tone of a Twilio ringTone country code, or undefined when it is not known. */
export function ringbackTone(country: string): string | undefined {
  return RING_TONES[country.trim().toLowerCase()];
}
