import { useTranslation } from 'react-i18next';
import type { People } from '@web/api/people';
import type { ChatRoom, PresenceStatus } from '@web/api/types';

/** The name a room goes by: the other person, the group's title, or what it is about. */
export function roomName(
  room: ChatRoom,
  people: People,
  me: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  if (room.kind === 'direct') {
    return people.name(room.memberIds.find((id) => id !== me) ?? me);
  }
  if (room.title) return room.title;
  if (room.kind === 'context' && room.contextType) return t(`chat.context.${room.contextType}`);
  return t('chat.group');
}

export function PresenceDot({ status }: { status: PresenceStatus | undefined }) {
  const { t } = useTranslation();
  const value = status ?? 'offline';
  return (
    <span
      className={`presence presence-${value}`}
      role="img"
      aria-label={t(`chat.presence.${value}`)}
    />
  );
}
