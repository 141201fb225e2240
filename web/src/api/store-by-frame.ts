import { useEffect, useState } from 'react';

/**
 * A store's state, re-read at most once per animation frame: a page fed dozens of deltas a
 * second (the wallboard's staff changes) renders once per frame with all of them, instead of
 * once per delta as `useSyncExternalStore` would.
 */
export function useStoreByFrame<T>(
  subscribe: (listener: () => void) => () => void,
  getState: () => T,
): T {
  const [state, setState] = useState(getState);
  useEffect(() => {
    let frame: number | null = null;
    const next = () => {
      frame ??= requestAnimationFrame(() => {
        frame = null;
        setState(getState());
      });
    };
    const unsubscribe = subscribe(next);
    // What changed between the first render and the subscription.
    next();
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [subscribe, getState]);
  return state;
}
