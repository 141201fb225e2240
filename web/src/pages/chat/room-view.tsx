import { useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { chatStore, historyOf, useChat, type PendingMessage } from '@web/api/chat';
import { errorText } from '@web/api/errors';
import type { People } from '@web/api/people';
import type { ChatMessage, ChatRoom } from '@web/api/types';
import { formatDateTime } from '@web/components/time';
import { PresenceDot, roomName } from '@web/pages/chat/room-name';

const MAX_CHARS = 4000;
/** Within this many pixels of the bottom, new messages keep the view at the bottom. */
const STICK_PX = 80;

/** One room: history (older pages on scroll), composer, typing, edit and delete of my own. */
export function RoomView({ room, people, me }: { room: ChatRoom; people: People; me: string }) {
  const { t, i18n } = useTranslation();
  const chat = useChat();
  const history = historyOf(chat, room.id);
  const pending = chat.pending[room.id] ?? [];
  const typing = (chat.typing[room.id] ?? []).filter((id) => id !== me);
  const [draft, setDraft] = useState('');
  // Reading the room moves the read position at once; the divider stays where it was.
  const [unreadAtOpen] = useState(room.unread);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ first: string | undefined; height: number; atBottom: boolean }>({
    first: undefined,
    height: 0,
    atBottom: true,
  });
  const name = roomName(room, people, me, t);
  const firstId = history.messages[0]?.id;
  const lastKey = `${history.messages.at(-1)?.id ?? ''}:${pending.length}`;

  // Older messages went on top: keep what was on screen where it was. New ones at the bottom:
  // follow them if the reader was at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = anchor.current;
    if (before.first !== undefined && firstId !== before.first && el.scrollHeight > before.height) {
      el.scrollTop += el.scrollHeight - before.height;
    } else if (before.atBottom) {
      el.scrollTop = el.scrollHeight;
    }
    anchor.current = { first: firstId, height: el.scrollHeight, atBottom: before.atBottom };
  }, [firstId, lastKey]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    anchor.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    anchor.current.height = el.scrollHeight;
    if (el.scrollTop < 40) void chatStore.loadOlder(room.id);
  }

  function send() {
    const text = draft.trim();
    if (!text) return;
    anchor.current.atBottom = true;
    chatStore.send(room.id, text);
    setDraft('');
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  const members = room.memberIds.filter((id) => id !== me);
  const tooLong = [...draft].length > MAX_CHARS;
  // Where my read position was when the room opened (fixed then): the unread messages follow.
  const [firstUnread, setFirstUnread] = useState<string | null | undefined>(undefined);
  if (firstUnread === undefined && !history.loading && history.messages.length > 0) {
    setFirstUnread(firstUnreadId(history.messages, me, unreadAtOpen));
  }
  return (
    <section className="card chat-room" aria-label={name}>
      <header className="card-head chat-room-head">
        <h2>{name}</h2>
        <ul className="members" aria-label={t('chat.members')}>
          {members.map((id) => (
            <li key={id}>
              <PresenceDot status={chat.presence[id]} /> {people.name(id)}
            </li>
          ))}
        </ul>
      </header>
      <div className="messages" ref={scroller} onScroll={onScroll}>
        {history.nextBefore !== null ? (
          <button
            type="button"
            className="btn btn-quiet btn-small older"
            disabled={history.loading}
            onClick={() => void chatStore.loadOlder(room.id)}
          >
            {history.loading ? t('common.loading') : t('chat.older')}
          </button>
        ) : history.messages.length > 0 ? (
          <p className="muted history-start">{t('chat.historyStart')}</p>
        ) : null}
        {history.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, history.error)}
          </p>
        ) : null}
        <ol className="message-list" aria-label={t('chat.messages')} role="log">
          {history.messages.map((m) => (
            <MessageItem
              key={m.id}
              message={m}
              mine={m.senderId === me}
              people={people}
              me={me}
              language={i18n.language}
              newBelow={m.id === firstUnread}
            />
          ))}
          {pending.map((p) => (
            <PendingItem key={p.clientMsgId} pending={p} people={people} me={me} />
          ))}
        </ol>
        {!history.loading && history.messages.length === 0 && pending.length === 0 ? (
          <p className="muted">{t('chat.empty')}</p>
        ) : null}
      </div>
      <p className="typing" role="status">
        {typing.length > 0
          ? t('chat.typing', { names: typing.map((id) => people.name(id)).join(', ') })
          : ''}
      </p>
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label className="field grow">
          <span className="visually-hidden">{t('chat.message')}</span>
          <textarea
            rows={2}
            value={draft}
            placeholder={t('chat.placeholder')}
            aria-invalid={tooLong}
            onChange={(e) => {
              setDraft(e.target.value);
              if (e.target.value.trim()) chatStore.typed(room.id);
            }}
            onKeyDown={onKeyDown}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!draft.trim() || tooLong}>
          {t('chat.send')}
        </button>
      </form>
      {tooLong ? (
        <p role="alert" className="notice notice-error">
          {t('chat.tooLong', { max: MAX_CHARS })}
        </p>
      ) : null}
    </section>
  );
}

function firstUnreadId(messages: ChatMessage[], me: string, unread: number): string | null {
  if (unread === 0) return null;
  let left = unread;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.senderId === me || m.deletedAt !== null) continue;
    if (--left === 0) return m.id;
  }
  return null;
}

function MessageItem({
  message,
  mine,
  people,
  me,
  language,
  newBelow,
}: {
  message: ChatMessage;
  mine: boolean;
  people: People;
  me: string;
  language: string;
  newBelow: boolean;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const deleted = message.deletedAt !== null;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setEditing(null);
      setConfirmDelete(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {newBelow ? (
        <li className="new-divider" aria-hidden="true">
          {t('chat.newMessages')}
        </li>
      ) : null}
      <li className={`message${mine ? ' message-mine' : ''}${deleted ? ' message-deleted' : ''}`}>
        <div className="message-meta">
          <span className="sender">{mine ? t('chat.you') : people.name(message.senderId)}</span>
          <time dateTime={message.createdAt} className="muted">
            {formatDateTime(message.createdAt, language)}
          </time>
          {message.editedAt && !deleted ? <span className="muted">{t('chat.edited')}</span> : null}
        </div>
        {editing !== null ? (
          <form
            className="edit-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (editing.trim()) void run(() => chatStore.edit(message.id, editing.trim()));
            }}
          >
            <label className="field grow">
              <span className="visually-hidden">{t('chat.editLabel')}</span>
              <textarea
                rows={2}
                value={editing}
                autoFocus
                onChange={(e) => setEditing(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') setEditing(null);
                }}
              />
            </label>
            <div className="actions">
              <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
                {t('chat.save')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : (
          <p className="message-text">
            {deleted ? (
              <em className="muted">{t('chat.deleted')}</em>
            ) : (
              <MessageText text={message.text} people={people} me={me} />
            )}
          </p>
        )}
        {mine && !deleted && editing === null ? (
          <div className="message-actions">
            <button
              type="button"
              className="btn btn-quiet btn-small"
              aria-label={t('chat.editMessage')}
              onClick={() => setEditing(message.text)}
            >
              {t('chat.edit')}
            </button>
            {confirmDelete ? (
              <>
                <button
                  type="button"
                  className="btn btn-decline btn-small"
                  disabled={busy}
                  onClick={() => void run(() => chatStore.remove(message.id))}
                >
                  {t('chat.confirmDelete')}
                </button>
                <button
                  type="button"
                  className="btn btn-quiet btn-small"
                  onClick={() => setConfirmDelete(false)}
                >
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <button
                type="button"
                className="btn btn-quiet btn-small"
                aria-label={t('chat.deleteMessage')}
                onClick={() => setConfirmDelete(true)}
              >
                {t('chat.delete')}
              </button>
            )}
          </div>
        ) : null}
        {error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, error)}
          </p>
        ) : null}
      </li>
    </>
  );
}

function PendingItem({
  pending,
  people,
  me,
}: {
  pending: PendingMessage;
  people: People;
  me: string;
}) {
  const { t } = useTranslation();
  return (
    <li className={`message message-mine message-pending message-${pending.state}`}>
      <div className="message-meta">
        <span className="sender">{t('chat.you')}</span>
        <span className="muted" role="status">
          {t(`chat.pending.${pending.state}`)}
        </span>
      </div>
      <p className="message-text">
        <MessageText text={pending.text} people={people} me={me} />
      </p>
      {pending.state === 'failed' ? (
        <div className="message-actions">
          <p role="alert" className="notice notice-error">
            {errorText(t, pending.error)}
          </p>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => chatStore.retry(pending.clientMsgId)}
          >
            {t('chat.retry')}
          </button>
          <button
            type="button"
            className="btn btn-quiet btn-small"
            onClick={() => chatStore.discard(pending.clientMsgId)}
          >
            {t('chat.discard')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

const MENTION = /@([a-zA-Z0-9._-]{3,64})/g;

/** The text with `@username` of a colleague highlighted (more strongly when it is me). */
export function MessageText({ text, people, me }: { text: string; people: People; me: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const person = people.byUsername.get(match[1].toLowerCase());
    if (!person) continue;
    const at = match.index;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(
      <mark
        key={at}
        className={`mention${person.id === me ? ' mention-me' : ''}`}
        title={person.displayName}
      >
        {match[0]}
      </mark>,
    );
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
