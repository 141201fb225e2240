import { ValidationPipe } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { createValidationPipe } from '@/common/pipes/validation.pipe';
import { parseSendMessage, SendMessageDto } from '@/modules/chat/dto/message.dto';

const room = '3f0c9a52-6f1e-4c1b-9d6a-1b2c3d4e5f60';
const reply = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const valid = { roomId: room, clientMsgId: 'c-1', text: 'hello' };

/** What the gateway's pipe makes of a value: the DTO's fields, or the refusal. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    const dto = (await run()) as object;
    return { accepted: { ...dto }, instance: dto instanceof SendMessageDto };
  } catch (err) {
    return err instanceof AppError ? { refused: err.toBody() } : { threw: String(err) };
  }
}

/** Made afresh for each side: the pipe may strip keys in place. */
const cases: [string, () => unknown][] = [
  ['a plain message', () => ({ ...valid })],
  ['a reply', () => ({ ...valid, replyTo: reply })],
  ['a null reply', () => ({ ...valid, replyTo: null })],
  [
    'upper-case ids',
    () => ({ ...valid, roomId: room.toUpperCase(), replyTo: reply.toUpperCase() }),
  ],
  ['the nil uuid', () => ({ ...valid, roomId: '00000000-0000-0000-0000-000000000000' })],
  ['a uuid of no version', () => ({ ...valid, roomId: '3f0c9a52-6f1e-0c1b-9d6a-1b2c3d4e5f60' })],
  ['emoji text', () => ({ ...valid, text: '👋🏽' })],
  ['a lone variation selector', () => ({ ...valid, text: '\uFE0F' })],
  ['100 characters of id', () => ({ ...valid, clientMsgId: 'x'.repeat(100) })],
  ['101 characters of id', () => ({ ...valid, clientMsgId: 'x'.repeat(101) })],
  ['100 emoji of id', () => ({ ...valid, clientMsgId: '😀'.repeat(100) })],
  ['100,001 characters of text', () => ({ ...valid, text: 'x'.repeat(100_001) })],
  ['empty text', () => ({ ...valid, text: '' })],
  ['empty id', () => ({ ...valid, clientMsgId: '' })],
  ['a numeric id', () => ({ ...valid, clientMsgId: 12 })],
  ['text as an array', () => ({ ...valid, text: ['hello'] })],
  ['a bad room id', () => ({ ...valid, roomId: 'room-1' })],
  ['a bad reply', () => ({ ...valid, replyTo: 'nope' })],
  ['no room', () => ({ clientMsgId: 'c-1', text: 'hello' })],
  ['an unknown field', () => ({ ...valid, isAdmin: true })],
  [
    'a __proto__ key',
    (): unknown =>
      JSON.parse(`{"roomId":"${room}","clientMsgId":"c","text":"t","__proto__":{"x":1}}`),
  ],
  ['a class instance', () => Object.assign(new (class Other {})(), valid)],
  ['an array', () => [valid]],
  ['a string', () => 'hello'],
  ['null', () => null],
  ['nothing', () => undefined],
];

describe('chat.send validation', () => {
  const pipe = createValidationPipe();
  const viaPipe = (value: unknown) =>
    pipe.transform(value, { type: 'body', metatype: SendMessageDto, data: undefined });

  it.each(cases)('answers %s exactly as the validation pipe does', async (_, make) => {
    const pipeOutcome = await outcome(() => viaPipe(make()));
    expect(await outcome(() => parseSendMessage(make()))).toEqual(pipeOutcome);
  });

  it('takes the common valid message without class-validator', async () => {
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      await parseSendMessage({ ...valid, replyTo: reply });
      await parseSendMessage({ ...valid });
      expect(spy).not.toHaveBeenCalled();
      await expect(parseSendMessage({ ...valid, roomId: 'x' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        extra: { field: 'roomId' },
      });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
