/** Where to go after signing in: a local path only (never `//elsewhere`, `/\\elsewhere` or a full URL), else the console. */
export function afterLogin(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/console';
}
