import { useEffect, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '@web/api/endpoints';

/**
 * Queues (cached for minutes) and a code → name reader: people know queues by name. A code the
 * cache does not know yet (a queue created since) fetches the list again.
 */
const refetchedFor = new Set<string | null>();

export function useQueues(wanted: string | null = null) {
  const queues = useQuery({ queryKey: ['queues'], queryFn: api.queues, staleTime: 300_000 });
  const items = queues.data?.items ?? [];
  const unknown = wanted !== null && queues.isSuccess && !items.some((q) => q.code === wanted);
  const { refetch, isFetching } = queues;
  useEffect(() => {
    // Once per code: the code of a deleted queue stays unknown and is shown as it is.
    if (!unknown || isFetching || refetchedFor.has(wanted)) return;
    refetchedFor.add(wanted);
    void refetch();
  }, [unknown, isFetching, wanted, refetch]);
  // One function per list (pages pass it to memoised rows and tiles), reading a map.
  const nameOf = useMemo(() => {
    const names = new Map((queues.data?.items ?? []).map((q) => [q.code, q.name]));
    return (code: string | null): string | null =>
      code === null ? null : (names.get(code) ?? code);
  }, [queues.data]);
  return { queues: items, nameOf };
}
