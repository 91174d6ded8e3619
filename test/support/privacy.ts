/**
 * An eleven-digit mobile number standing on its own. Ids and hashes are ASCII runs that can hold
 * eleven digits by chance (a warning id's hex once read "…e17056749044d5…"), so a digit run
 * touching a letter or another digit is part of such a token, not a phone number.
 */
export const CLEAR_MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;
