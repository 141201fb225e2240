import type { CallDomainEvent } from '@/modules/calls/calls.events';
import { missedCallAlert, thresholdAlert } from '@/modules/notifications/alert-rules';
import type { StatsThresholdCrossed } from '@/modules/stats/stats.events';

function call(overrides: Partial<CallDomainEvent> = {}): CallDomainEvent {
  return {
    type: 'call.missed',
    live: true,
    source: 'telephony',
    callId: 'c-1',
    externalId: 'pbx-1',
    status: 'missed',
    outcome: 'missed',
    queueCode: 'sales',
    lineCode: 'main',
    from: '+12015550123',
    at: '2026-11-29T10:00:00.000Z',
    arrivedAt: '2026-11-29T09:58:00.000Z',
    clientId: 'client-1',
    answeredById: null,
    currentAgentId: null,
    priority: 0,
    ...overrides,
  };
}

const breach: StatsThresholdCrossed = {
  type: 'stats.threshold',
  id: 'queue.waiting:q-1:2026-11-29T10:00:00.000Z',
  kind: 'queue.waiting',
  state: 'raised',
  subject: { type: 'queue', id: 'q-1', code: 'sales' },
  value: 12,
  threshold: 10,
  raisedAt: '2026-11-29T10:00:00.000Z',
  at: '2026-11-29T10:00:00.000Z',
};

describe('missedCallAlert', () => {
  const audience = { curatorId: 'curator-1', clientName: 'Acme', supervisorIds: ['sup-1'] };

  it('tells the curator about a missed call of their client, keyed by the call', () => {
    expect(missedCallAlert(call(), audience)).toEqual({
      sourceId: 'call.missed:c-1',
      kind: 'missed-call',
      userIds: ['curator-1'],
      title: 'Missed call from Acme (+12015550123)',
      body: 'The caller waited too long in sales; call back.',
      data: {
        callId: 'c-1',
        externalId: 'pbx-1',
        clientId: 'client-1',
        from: '+12015550123',
        queue: 'sales',
        at: '2026-11-29T10:00:00.000Z',
      },
    });
  });

  it('treats a caller who hung up as missed too, with its own key', () => {
    const alert = missedCallAlert(
      call({ type: 'call.abandoned', status: 'abandoned', queueCode: null }),
      audience,
    );
    expect(alert?.sourceId).toBe('call.abandoned:c-1');
    expect(alert?.body).toBe('The caller hung up before an answer; call back.');
  });

  it('goes to the supervisors when the client has no curator or the caller is unknown', () => {
    const alert = missedCallAlert(call({ clientId: null, from: null }), {
      curatorId: null,
      clientName: null,
      supervisorIds: ['sup-1', 'sup-2'],
    });
    expect(alert?.userIds).toEqual(['sup-1', 'sup-2']);
    expect(alert?.title).toBe('Missed call from an unknown number');
  });

  it('says nothing for history, for other call events, or when nobody could be told', () => {
    expect(missedCallAlert(call({ live: false }), audience)).toBeNull();
    expect(missedCallAlert(call({ type: 'call.answered' }), audience)).toBeNull();
    expect(missedCallAlert(call({ type: 'call.ended' }), audience)).toBeNull();
    expect(
      missedCallAlert(call(), { curatorId: null, clientName: null, supervisorIds: [] }),
    ).toBeNull();
  });
});

describe('thresholdAlert', () => {
  it('alerts every supervisor once per breach', () => {
    expect(thresholdAlert(breach, ['sup-1', 'sup-2'])).toMatchObject({
      sourceId: `stats.threshold:${breach.id}`,
      kind: 'threshold',
      userIds: ['sup-1', 'sup-2'],
      title: 'queue sales: calls waiting over the limit',
      body: 'calls waiting is 12, limit 10.',
    });
  });

  it('rounds fractions such as occupancy for reading', () => {
    const alert = thresholdAlert(
      {
        ...breach,
        kind: 'line.occupancy',
        subject: { type: 'line', id: 'l-1', code: 'main' },
        value: 0.91666,
        threshold: 0.85,
      },
      ['sup-1'],
    );
    expect(alert?.body).toBe('occupancy is 0.92, limit 0.85.');
  });

  it('does not alert when a breach clears or there is no supervisor', () => {
    expect(thresholdAlert({ ...breach, state: 'cleared' }, ['sup-1'])).toBeNull();
    expect(thresholdAlert(breach, [])).toBeNull();
  });
});
