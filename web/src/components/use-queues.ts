import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '@web/api/endpoints';

/**
 * Queues (cached for minutes) and a code → name reader: people know queues by name. A code the
 * cache does not know yet (a queue created since) fetches the list again.
 */
export function useQueues(wanted: string | null = null) {
  const queues = useQuery({ queryKey: ['queues'], queryFn: api.queues, staleTime: 300_000 });
  const items = queues.data?.items ?? [];
  const unknown = wanted !== null && queues.isSuccess && !items.some((q) => q.code === wanted);
  const { refetch, isFetching, dataUpdatedAt } = queues;
  useEffect(() => {
    // At most every few seconds: a code of a deleted queue stays unknown. Too soon after the
    // last fetch, wait out the rest rather than never asking again.
    if (!unknown || isFetching) return;
    const timer = setTimeout(() => void refetch(), Math.max(0, dataUpdatedAt + 5000 - Date.now()));
    return () => clearTimeout(timer);
  }, [unknown, isFetching, dataUpdatedAt, refetch]);
  const nameOf = (code: string | null): string | null =>
    code === null ? null : (items.find((q) => q.code === code)?.name ?? code);
  return { queues: items, nameOf };
}
