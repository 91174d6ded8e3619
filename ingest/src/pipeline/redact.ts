/**
 * Dead letters keep what arrived so an operator can fix the sender, but a rejected
 * call may still carry a caller's number: phone-shaped digit runs are masked first.
 */
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3})[- ]?(\d{3,4})(\d{4})(?!\d)/g;

export function redactPhones(text: string): string {
  return text.replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(LANDLINE, (_m, a: string, _b: string, c: string) => `${a}-****${c}`);
}
