import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { request } from '@web/api/http';
import type { Person } from '@web/api/types';

export const peopleApi = {
  list: () => request<Person[]>('GET', '/people'),
};

export interface People {
  list: Person[];
  byId: Map<string, Person>;
  byUsername: Map<string, Person>;
  /** A name to show for a user id, even before the directory has loaded. */
  name(id: string | null | undefined): string;
}

/** Colleagues by id and username (chat names, @mentions, assignees); cached for minutes. */
export function usePeople(): People {
  const { data } = useQuery({ queryKey: ['people'], queryFn: peopleApi.list, staleTime: 300_000 });
  return useMemo(() => {
    const list = data ?? [];
    const byId = new Map(list.map((p) => [p.id, p]));
    const byUsername = new Map(list.map((p) => [p.username.toLowerCase(), p]));
    return {
      list,
      byId,
      byUsername,
      name: (id) => (id ? (byId.get(id)?.displayName ?? '…') : '—'),
    };
  }, [data]);
}
