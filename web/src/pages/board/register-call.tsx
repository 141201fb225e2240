import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '@web/api/endpoints';
import { errorField, errorText } from '@web/api/errors';

/** Waits for typing to pause before asking the server who a number belongs to. */
const LOOKUP_DELAY_MS = 300;
const MIN_DIGITS = 6;

function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** Registering a call by hand, with a preview of who the number belongs to as it is typed. */
export function RegisterCall() {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [line, setLine] = useState('');
  const [queue, setQueue] = useState('');
  const [topic, setTopic] = useState('');
  const [registered, setRegistered] = useState<string | null>(null);
  const lines = useQuery({ queryKey: ['lines'], queryFn: api.lines, staleTime: 300_000 });
  const queues = useQuery({ queryKey: ['queues'], queryFn: api.queues, staleTime: 300_000 });
  const typed = useDebounced(phone.trim(), LOOKUP_DELAY_MS);
  const digits = typed.replace(/\D/g, '').length;
  const lookup = useQuery({
    queryKey: ['lookup', typed],
    queryFn: ({ signal }) => api.lookup(typed, signal),
    enabled: digits >= MIN_DIGITS,
    staleTime: 60_000,
  });
  const register = useMutation({
    mutationFn: () =>
      api.registerCall({
        from: phone.trim(),
        line: line || (lines.data?.items[0]?.code ?? ''),
        queue: queue || undefined,
        topic: topic.trim() || undefined,
        clientId: lookup.data?.client?.id,
      }),
    onSuccess: (call) => {
      setRegistered(t('register.done', { number: call.fromNumber ?? phone }));
      setPhone('');
      setTopic('');
    },
  });
  const badField = errorField(register.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    setRegistered(null);
    register.mutate();
  }

  const found = digits >= MIN_DIGITS ? lookup.data : undefined;
  return (
    <section className="card" aria-labelledby="register-title">
      <h2 id="register-title">{t('register.title')}</h2>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('register.phone')}</span>
          <input
            type="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            required
            aria-invalid={badField === 'from' || undefined}
            aria-describedby="lookup-preview"
            placeholder="+1 201 555 0123"
          />
        </label>
        <div
          id="lookup-preview"
          className="preview"
          role="status"
          aria-label={t('register.preview')}
        >
          {digits < MIN_DIGITS ? (
            <span className="muted">{t('register.typeToLookUp')}</span>
          ) : lookup.isFetching && !found ? (
            <span className="muted">{t('register.lookingUp')}</span>
          ) : lookup.error ? (
            <span className="muted">{errorText(t, lookup.error)}</span>
          ) : found?.client ? (
            <span>
              <strong>{found.client.name}</strong>
              {found.contact ? ` · ${found.contact.name}` : ''}
              {found.client.curator
                ? ` · ${t('register.curator', { name: found.client.curator.displayName })}`
                : ''}
            </span>
          ) : found ? (
            <span className="muted">{t('register.unknownNumber', { phone: found.phone })}</span>
          ) : null}
        </div>
        <div className="row">
          <label className="field">
            <span>{t('register.line')}</span>
            <select
              value={line}
              onChange={(e) => setLine(e.target.value)}
              aria-invalid={badField === 'line' || undefined}
            >
              {(lines.data?.items ?? []).map((l) => (
                <option key={l.id} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('register.queue')}</span>
            <select value={queue} onChange={(e) => setQueue(e.target.value)}>
              <option value="">{t('register.noQueue')}</option>
              {(queues.data?.items ?? []).map((q) => (
                <option key={q.id} value={q.code}>
                  {q.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          <span>{t('register.topic')}</span>
          <input value={topic} maxLength={200} onChange={(e) => setTopic(e.target.value)} />
        </label>
        {register.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, register.error)}
          </p>
        ) : null}
        {registered !== null ? (
          <p role="status" className="notice notice-ok">
            {registered}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={register.isPending}>
          {t('register.submit')}
        </button>
      </form>
    </section>
  );
}
