import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorField, errorText } from '@web/api/errors';
import { usePeople } from '@web/api/people';
import { requestsApi, type NewRequest } from '@web/api/requests';
import type { RequestChannel } from '@web/api/types';
import { useQueues } from '@web/components/use-queues';
import '@web/pages/requests/requests.css';

const CHANNELS: RequestChannel[] = ['phone', 'email', 'web', 'chat', 'walk_in'];

/**
 * Register a request. `/requests/new?callId=…&clientId=…&queue=…` (see `newRequestPath`) fills
 * it in from the call on the console, so the request is linked to that call and client.
 */
export function NewRequestPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const callId = params.get('callId') ?? undefined;
  const clientId = params.get('clientId') ?? undefined;
  return (
    <section className="card req-new" aria-labelledby="new-req-title">
      <header className="card-head">
        <h2 id="new-req-title">{t('requests.newTitle')}</h2>
        <Link to="/requests">{t('requests.backToList')}</Link>
      </header>
      {callId ? <p className="notice notice-ok">{t('requests.fromCall')}</p> : null}
      <NewRequestForm
        callId={callId}
        clientId={clientId}
        queue={params.get('queue') ?? ''}
        channel={callId ? 'phone' : 'walk_in'}
      />
    </section>
  );
}

/** The form itself, for any page that wants to register a request in place. */
export function NewRequestForm(props: {
  callId?: string;
  clientId?: string;
  queue?: string;
  channel?: RequestChannel;
  onCreated?: (id: string, number: number) => void;
}) {
  const { t } = useTranslation();
  const people = usePeople();
  const { queues } = useQueues();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [channel, setChannel] = useState<RequestChannel>(props.channel ?? 'phone');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState('0');
  const [queue, setQueue] = useState(props.queue ?? '');
  const [assigneeId, setAssigneeId] = useState('');
  const create = useMutation({
    mutationFn: (input: NewRequest) => requestsApi.create(input),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      if (props.onCreated) props.onCreated(created.id, created.number);
      else void navigate(`/requests/${created.id}`);
    },
  });
  const bad = errorField(create.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({
      channel,
      subject: subject.trim(),
      body: body.trim() || undefined,
      priority: Number(priority),
      queue: queue || undefined,
      assigneeId: assigneeId || undefined,
      clientId: props.clientId,
      callId: props.callId,
    });
  }

  const fieldError = (name: string) =>
    bad === name ? (
      <span className="notice notice-error" id={`err-${name}`}>
        {errorText(t, create.error)}
      </span>
    ) : null;
  const invalid = (name: string) => ({
    'aria-invalid': bad === name,
    'aria-describedby': bad === name ? `err-${name}` : undefined,
  });

  return (
    <form className="form" onSubmit={submit} noValidate>
      <label className="field">
        <span>{t('requests.subject')}</span>
        <input
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          {...invalid('subject')}
        />
        {fieldError('subject')}
      </label>
      <label className="field">
        <span>{t('requests.body')}</span>
        <textarea
          rows={4}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          {...invalid('body')}
        />
        {fieldError('body')}
      </label>
      <div className="row">
        <label className="field">
          <span>{t('requests.channel')}</span>
          <select
            value={channel}
            onChange={(e) => setChannel(e.target.value as RequestChannel)}
            {...invalid('channel')}
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
          {fieldError('channel')}
        </label>
        <label className="field">
          <span>{t('requests.priority')}</span>
          <input
            type="number"
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            {...invalid('priority')}
          />
          {fieldError('priority')}
        </label>
      </div>
      <div className="row">
        <label className="field">
          <span>{t('requests.queue')}</span>
          <select value={queue} onChange={(e) => setQueue(e.target.value)} {...invalid('queue')}>
            <option value="">{t('requests.noQueue')}</option>
            {queues.map((q) => (
              <option key={q.id} value={q.code}>
                {q.name}
              </option>
            ))}
          </select>
          {fieldError('queue')}
        </label>
        <label className="field">
          <span>{t('requests.firstAssignee')}</span>
          <select
            value={assigneeId}
            onChange={(e) => setAssigneeId(e.target.value)}
            {...invalid('assigneeId')}
          >
            <option value="">{t('requests.byRouting')}</option>
            {people.list.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
          {fieldError('assigneeId')}
        </label>
      </div>
      {create.error && bad === undefined ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, create.error)}
        </p>
      ) : null}
      {create.error && bad !== undefined ? (
        <p role="alert" className="visually-hidden">
          {errorText(t, create.error)}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {t('requests.create')}
        </button>
      </div>
    </form>
  );
}
