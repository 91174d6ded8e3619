/**
 * Derived layer data cached on the identity of the state slice it comes from: the reducer
 * keeps a slice's identity while it is unchanged, so an unchanged slice costs nothing.
 */
export function memoOn<K extends object, V>(cache: WeakMap<K, V>, key: K, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    cache.set(key, v);
  }
  return v;
}
