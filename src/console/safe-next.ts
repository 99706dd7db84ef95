/** A way back inside the console only: never another site, never a protocol-relative URL. */
export function safeNext(next: string | undefined): string {
  // Printable ASCII only (a Location header and a database row take nothing else), no backslash.
  if (!next || !/^\/console(?:[/?][\x21-\x5b\x5d-\x7e]*)?$/.test(next) || next.includes('//'))
    return '/console';
  return next;
}
