import { AmiParser, formatAction } from '@/modules/pbx/ami/ami-protocol';

describe('AMI protocol', () => {
  it('reads the banner, then messages split anywhere across chunks', () => {
    const parser = new AmiParser();
    const wire =
      'Asterisk Call Manager/5.0.1\r\nResponse: Success\r\nActionID: sb-1\r\nMessage: Authentication accepted\r\n\r\n' +
      'Event: Newchannel\r\nChannel: PJSIP/trunk-00000001\r\nUniqueid: 1700.1\r\nLinkedid: 1700.1\r\n\r\n';
    const out = [];
    for (let i = 0; i < wire.length; i += 7) out.push(...parser.push(wire.slice(i, i + 7)));
    expect(parser.banner).toBe('Asterisk Call Manager/5.0.1');
    expect(out).toEqual([
      { Response: 'Success', ActionID: 'sb-1', Message: 'Authentication accepted' },
      {
        Event: 'Newchannel',
        Channel: 'PJSIP/trunk-00000001',
        Uniqueid: '1700.1',
        Linkedid: '1700.1',
      },
    ]);
  });

  it('accepts bare LF, keeps the first of repeated keys and values with colons', () => {
    const parser = new AmiParser();
    const out = parser.push('banner\nEvent: VarSet\nValue: a: b\nValue: second\n\n');
    expect(out).toEqual([{ Event: 'VarSet', Value: 'a: b' }]);
  });

  it('refuses a message that never ends instead of growing without bound', () => {
    const parser = new AmiParser();
    parser.push('banner\r\n');
    expect(() => parser.push(`Event: X\r\nData: ${'x'.repeat(1024 * 1024 + 1)}`)).toThrow(/1 MiB/);
  });

  it('formats an action with its ActionID and keeps a value from injecting lines', () => {
    expect(
      formatAction('Redirect', 'sb-7', {
        Channel: 'PJSIP/trunk-1',
        Exten: '1001\r\nAction: Hangup',
        Variable: ['A=1', 'B=2'],
      }),
    ).toBe(
      'Action: Redirect\r\nActionID: sb-7\r\nChannel: PJSIP/trunk-1\r\nExten: 1001 Action: Hangup\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n',
    );
  });
});
