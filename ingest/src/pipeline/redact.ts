/**
 * Dead letters, rejection reasons and log lines keep what arrived so an operator can fix
 * the sender, but a rejected call may still carry a caller's number: phone-shaped digit
 * runs are masked first. The one definition lives in config (the wall uses it too).
 */
export { containsPhone, redactPhones } from '@watchfloor/config/privacy';
