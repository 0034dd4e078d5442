// Links that carry the whole state: the saved state (network, weights, example, step,
// panels, language, mode) as base64url JSON in the URL's hash, #s=…

const PREFIX = '#s=';

/** The hash for a state object. */
export function encode(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return PREFIX + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The JSON text in a hash, or null when the hash holds no state; throws on a damaged
 * one (the error's `code` is an i18n key). */
export function decode(hash) {
  if (!hash || !hash.startsWith(PREFIX)) return null;
  const b64 = hash.slice(PREFIX.length).replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*$/.test(b64)) throw Object.assign(new Error('link.chars'), { code: 'link.chars' });
  let bin;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    throw Object.assign(new Error('link.cut'), { code: 'link.cut' });
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw Object.assign(new Error('link.cut'), { code: 'link.cut' });
  }
}
