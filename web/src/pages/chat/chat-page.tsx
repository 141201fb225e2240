import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useNavigate, useParams } from 'react-router';
import { chatApi, chatStore, useChat } from '@web/api/chat';
import { errorText } from '@web/api/errors';
import { usePeople, type People } from '@web/api/people';
import type { ChatRoom, PresenceStatus } from '@web/api/types';
import { PresenceDot, roomName } from '@web/pages/chat/room-name';
import { RoomView } from '@web/pages/chat/room-view';
import { useSession } from '@web/pages/shell/use-session';
import '@web/pages/chat/chat.css';

/** Rooms on the left (unread counts, presence), the open room on the right; `/chat/<roomId>`. */
export function ChatPage() {
  const { t } = useTranslation();
  const { roomId } = useParams();
  const chat = useChat();
  const people = usePeople();
  const me = useSession()?.me.id ?? '';

  useEffect(() => {
    void chatStore.loadRooms();
  }, []);
  useEffect(() => {
    chatStore.open(roomId ?? null);
    return () => chatStore.open(null);
  }, [roomId]);

  const room = chat.rooms.find((r) => r.id === roomId);
  return (
    <div className="chat-grid">
      <section className="card chat-rooms" aria-labelledby="rooms-title">
        <header className="card-head">
          <h2 id="rooms-title">{t('chat.rooms')}</h2>
          {chat.totalUnread > 0 ? (
            <span className="count">{t('chat.unreadTotal', { count: chat.totalUnread })}</span>
          ) : null}
        </header>
        <StartDirect people={people} me={me} />
        {chat.roomsError ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, chat.roomsError)}
          </p>
        ) : null}
        {chat.roomsLoaded && chat.rooms.length === 0 ? (
          <p className="muted">{t('chat.noRooms')}</p>
        ) : null}
        <ul className="room-list" aria-label={t('chat.rooms')}>
          {chat.rooms.map((r) => (
            <li key={r.id}>
              <NavLink to={`/chat/${r.id}`} className="room-link">
                <RoomTitle room={r} people={people} me={me} presence={chat.presence} />
                {r.unread > 0 ? (
                  <span className="unread" aria-label={t('chat.unread', { count: r.unread })}>
                    {r.unread}
                  </span>
                ) : null}
              </NavLink>
            </li>
          ))}
        </ul>
      </section>
      {room ? (
        <RoomView key={room.id} room={room} people={people} me={me} />
      ) : (
        <section className="card empty chat-empty" aria-label={t('chat.noRoomOpen')}>
          <p className="muted">
            {roomId && chat.roomsLoaded ? t('chat.roomGone') : t('chat.pickRoom')}
          </p>
        </section>
      )}
    </div>
  );
}

function RoomTitle({
  room,
  people,
  me,
  presence,
}: {
  room: ChatRoom;
  people: People;
  me: string;
  presence: Readonly<Record<string, PresenceStatus>>;
}) {
  const { t } = useTranslation();
  const other = room.kind === 'direct' ? room.memberIds.find((id) => id !== me) : undefined;
  return (
    <span className="room-title">
      {other !== undefined ? <PresenceDot status={presence[other]} /> : null}
      <span className="room-name">{roomName(room, people, me, t)}</span>
      {room.kind !== 'direct' ? <span className="tag">{t(`chat.kind.${room.kind}`)}</span> : null}
    </span>
  );
}

/** Pick a colleague, open (or create) the one direct room of the pair, go there. */
function StartDirect({ people, me }: { people: People; me: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [who, setWho] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!who) return;
    setBusy(true);
    setError(null);
    try {
      const room = await chatApi.createRoom({ kind: 'direct', memberIds: [who] });
      await chatStore.loadRooms();
      setWho('');
      void navigate(`/chat/${room.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="start-direct" onSubmit={(e) => void start(e)}>
      <label className="field grow">
        <span>{t('chat.startWith')}</span>
        <select value={who} onChange={(e) => setWho(e.target.value)}>
          <option value="">{t('chat.choosePerson')}</option>
          {people.list
            .filter((p) => p.id !== me)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName} (@{p.username})
              </option>
            ))}
        </select>
      </label>
      <button type="submit" className="btn" disabled={!who || busy}>
        {t('chat.start')}
      </button>
      {error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, error)}
        </p>
      ) : null}
    </form>
  );
}
