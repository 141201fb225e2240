import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { connectSocket, startApp, TestApp } from '@test/support/test-app';
import {
  ensureWebBuild,
  launchBrowser,
  missingKeys,
  newPage,
  screenshot,
  signIn,
} from '@test/web/support/browser';
import { World } from '@test/web/support/world';

type Person = Awaited<ReturnType<World['user']>>;

describe('chat in Chromium (browser)', () => {
  let app: TestApp;
  let browser: Browser;
  let world: World;
  const contexts: BrowserContext[] = [];

  async function at(
    user: Person,
    path: string,
    language: 'en' | 'ru' = 'en',
  ): Promise<{ page: Page; context: BrowserContext }> {
    const { context, page } = await newPage(browser, language);
    contexts.push(context);
    await signIn(page, app.url, user.username, user.password, path);
    return { page, context };
  }

  /** Opens (creating if need be) the direct room with `other` from the chat page. */
  async function openDirect(page: Page, other: Person): Promise<void> {
    await page
      .getByLabel('Chat with a colleague')
      .selectOption({ label: `${other.displayName} (@${other.username})` });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await page.getByRole('region', { name: other.displayName }).waitFor();
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  beforeAll(async () => {
    ensureWebBuild();
    app = await startApp();
    browser = await launchBrowser();
    world = await World.create(app);
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) {
      expect(await Promise.all(context.pages().map(missingKeys)).then((k) => k.flat())).toEqual([]);
      await context.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('two colleagues chat: unread counts, typing, a mention, edit and delete, seen on both sides', async () => {
    const anna = await world.user(['agent'], 'Anna Smirnova');
    const boris = await world.user(['receptionist'], 'Boris Orlov');
    const { page: a } = await at(anna, '/chat');
    const { page: b } = await at(boris, '/chat');

    await openDirect(a, boris);
    await say(a, 'The Acme invoice is ready');
    const aLog = a.getByRole('log', { name: 'Messages' });
    await aLog.getByText('The Acme invoice is ready').waitFor();
    // Confirmed by the acknowledgement: nothing left "sending".
    await a.getByText('Sending…').waitFor({ state: 'detached' });

    // Boris has not opened the room: it shows one unread message, with Anna's presence dot.
    const room = b.getByRole('link', { name: /Anna Smirnova/ });
    await room.getByLabel('1 unread').waitFor();
    await room.getByRole('img', { name: 'online' }).waitFor();
    await room.click();
    const bLog = b.getByRole('log', { name: 'Messages' });
    await bLog.getByText('The Acme invoice is ready').waitFor();
    await room.getByLabel('1 unread').waitFor({ state: 'detached' });

    // Typing shows on the other side while Anna types.
    await a.getByRole('textbox', { name: 'Message' }).fill('Boris, can you');
    await b.getByText('Anna Smirnova is typing…').waitFor();
    await say(a, `@${boris.username} please call them back`);
    const mention = bLog.locator('mark.mention-me', { hasText: `@${boris.username}` });
    await mention.waitFor();
    await b.getByText('Anna Smirnova is typing…').waitFor({ state: 'detached' });

    // Boris answers while Anna is elsewhere: her room list counts it.
    await a.getByRole('link', { name: 'Notifications', exact: true }).click();
    await say(b, 'On it');
    await a.getByRole('link', { name: 'Chat', exact: true }).click();
    const fromBoris = a.getByRole('link', { name: /Boris Orlov/ });
    await fromBoris.getByLabel('1 unread').waitFor();
    await fromBoris.click();
    await aLog.getByText('On it').waitFor();

    // Edit and delete her own messages: Boris sees both.
    const first = aLog.getByRole('listitem').filter({ hasText: 'The Acme invoice is ready' });
    await first.getByRole('button', { name: 'Edit message' }).click();
    await a.getByRole('textbox', { name: 'Edit the message' }).fill('The Acme invoice is sent');
    await a.getByRole('button', { name: 'Save' }).click();
    const edited = bLog.getByRole('listitem').filter({ hasText: 'The Acme invoice is sent' });
    await edited.getByText('(edited)').waitFor();
    await screenshot(b, 'chat');
    const second = aLog.getByRole('listitem').filter({ hasText: 'please call them back' });
    await second.getByRole('button', { name: 'Delete message' }).click();
    await second.getByRole('button', { name: 'Delete for everyone' }).click();
    await bLog.getByText('Message deleted').waitFor();
    expect(await bLog.getByText('please call them back').count()).toBe(0);
    // Boris cannot edit Anna's messages.
    expect(await bLog.getByRole('button', { name: 'Edit message' }).count()).toBe(1);
  });

  it('a message sent while the recipient is offline appears exactly once when it is back; one sent offline goes out on reconnect', async () => {
    const vera = await world.user(['agent'], 'Vera Lebedeva');
    const gleb = await world.user(['agent'], 'Gleb Popov');
    const { page: v } = await at(vera, '/chat');
    const { page: g, context: gContext } = await at(gleb, '/chat');
    await openDirect(v, gleb);
    await say(v, 'Before the outage');
    await g.getByRole('link', { name: /Vera Lebedeva/ }).click();
    const gLog = g.getByRole('log', { name: 'Messages' });
    await gLog.getByText('Before the outage').waitFor();

    await gContext.setOffline(true);
    await g.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
    await say(v, 'Sent while you were offline');
    await v.getByText('Sending…').waitFor({ state: 'detached' });
    await gContext.setOffline(false);
    await gLog.getByText('Sent while you were offline').waitFor();
    await g
      .getByRole('alert')
      .filter({ hasText: 'Connection lost' })
      .waitFor({ state: 'detached' });
    // Both the replay and the history re-read after reconnecting carried it: shown once.
    await say(v, 'After the outage');
    await gLog.getByText('After the outage').waitFor();
    expect(await gLog.getByText('Sent while you were offline').count()).toBe(1);
    expect(await gLog.getByText('Before the outage').count()).toBe(1);

    // Gleb writes while offline: it waits, then goes out with the same clientMsgId, once.
    await gContext.setOffline(true);
    await g.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
    await say(g, 'Typed during the outage');
    await gLog.getByText('Waiting for the connection').waitFor();
    await screenshot(g, 'chat-offline');
    await gContext.setOffline(false);
    await gLog.getByText('Waiting for the connection').waitFor({ state: 'detached' });
    const vLog = v.getByRole('log', { name: 'Messages' });
    await vLog.getByText('Typed during the outage').waitFor();
    await say(g, 'And one more');
    await vLog.getByText('And one more').waitFor();
    expect(await vLog.getByText('Typed during the outage').count()).toBe(1);
    expect(await gLog.getByText('Typed during the outage').count()).toBe(1);
  });

  it('loads older messages on scroll and opens a room by deep link, in Russian without missing keys', async () => {
    const olga = await world.user(['supervisor'], 'Ольга Котова');
    const ivan = await world.user(['agent'], 'Иван Петров');
    const token = await world.token(olga);
    const room = await app.http
      .post('/api/chat/rooms')
      .set('authorization', `Bearer ${token}`)
      .send({ kind: 'direct', memberIds: [ivan.id] })
      .expect(201);
    const roomId = room.body.id as string;
    const sender = connectSocket(app.url, { token });
    try {
      await new Promise<void>((resolve) => sender.on('connect', () => resolve()));
      for (let i = 1; i <= 70; i++) {
        const message = { roomId, clientMsgId: `history-${i}`, text: `Сообщение номер ${i}` };
        let ack = (await sender.emitWithAck('chat.send', message)) as Ack;
        // The per-socket rate limit (20/s, bursts of 40): wait and send the same message again.
        while (!ack.ok && ack.error.code === 'RATE_LIMITED') {
          await new Promise((resolve) => setTimeout(resolve, 200));
          ack = (await sender.emitWithAck('chat.send', message)) as Ack;
        }
        expect(ack.ok).toBe(true);
      }
    } finally {
      sender.disconnect();
    }

    const { page } = await at(ivan, `/chat/${roomId}`, 'ru');
    const log = page.getByRole('log', { name: 'Сообщения' });
    await log.getByText('Сообщение номер 70', { exact: true }).waitFor();
    expect(await log.getByText('Сообщение номер 1', { exact: true }).count()).toBe(0);
    await screenshot(page, 'chat-ru');
    // Scrolling to the top loads the older page; the start of the history is then shown.
    await scrollToTop(log);
    await log.getByText('Сообщение номер 1', { exact: true }).waitFor();
    await page.getByText('Это начало разговора.').waitFor();
    expect(await log.getByRole('listitem').count()).toBe(70);

    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    expect(await missingKeys(page)).toEqual([]);
  });
});

type Ack = { ok: true } | { ok: false; error: { code: string } };

async function scrollToTop(log: Locator): Promise<void> {
  await log.evaluate((el) => {
    (el as unknown as { parentElement: { scrollTop: number } }).parentElement.scrollTop = 0;
  });
}
