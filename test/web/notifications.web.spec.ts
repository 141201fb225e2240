import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WorkerModule } from '@workers/worker.module';
import { randomUsPhone } from '@test/factories/directory.factory';
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

describe('notifications in Chromium (browser)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let world: World;
  const contexts: BrowserContext[] = [];

  async function at(user: Person, path: string, language: 'en' | 'ru' = 'en'): Promise<Page> {
    const { context, page } = await newPage(browser, language);
    contexts.push(context);
    await signIn(page, app.url, user.username, user.password, path);
    return page;
  }

  async function broadcast(from: Person, body: object): Promise<string> {
    const res = await app.http
      .post('/api/broadcasts')
      .set('authorization', `Bearer ${await world.token(from)}`)
      .send(body)
      .expect(201);
    return res.body.id as string;
  }

  beforeAll(async () => {
    ensureWebBuild();
    app = await startApp({ OFFER_TIMEOUT_CALL_SECONDS: '60' });
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
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
    await worker?.close();
    await app?.close();
  });

  it('a broadcast needing acknowledgement blocks the page until acknowledged, also after a reload', async () => {
    const boss = await world.user(['supervisor'], 'Sofia Supervisor');
    const agent = await world.user(['agent'], 'Pavel Agent');
    const page = await at(agent, '/chat');

    const id = await broadcast(boss, {
      text: 'Fire drill at 15:00: leave by the east stairs.',
      requireAck: true,
      roles: ['agent'],
    });
    const dialog = page.getByRole('dialog', { name: /please confirm/ });
    await dialog.getByText('Fire drill at 15:00').waitFor();
    // A modal dialog: the rest of the page is inert until it is answered.
    expect(await dialog.evaluate((el) => (el as unknown as Matcher).matches(':modal'))).toBe(true);
    await page.keyboard.press('Escape');
    await screenshot(page, 'notifications-ack');
    await page.reload();
    await dialog.getByText('Fire drill at 15:00').waitFor();

    await dialog.getByRole('button', { name: 'I have read it' }).click();
    await dialog.waitFor({ state: 'detached' });
    const state = await app.http
      .get(`/api/broadcasts/${id}`)
      .set('authorization', `Bearer ${await world.token(boss)}`)
      .expect(200);
    expect(
      (state.body.recipients as { userId: string; ackedAt: string | null }[]).find(
        (r) => r.userId === agent.id,
      )?.ackedAt,
    ).not.toBeNull();
    await page.reload();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('a muted kind shows no toast, an offer always does; the bell counts, the inbox lists and archives', async () => {
    const colleague = await world.user(['receptionist'], 'Rita Reception');
    const agent = await world.user(['agent'], 'Mark Agent');
    const line = await world.line();
    const queue = await world.queue('Sales', [agent]);

    const page = await at(agent, '/notifications/settings');
    const mentions = page.getByRole('checkbox', { name: 'Mention in chat' });
    await mentions.uncheck();
    const offers = page.getByRole('checkbox', { name: 'Offers of calls and requests' });
    expect(await offers.isDisabled()).toBe(true);
    expect(await offers.isChecked()).toBe(true);
    await page.getByText('always on').waitFor();
    await page.getByText('Critical announcements always reach you').waitFor();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await screenshot(page, 'notifications-settings');

    // A mention of a muted kind: the chat message arrives, no toast and nothing in the bell.
    const token = await world.token(colleague);
    const room = await app.http
      .post('/api/chat/rooms')
      .set('authorization', `Bearer ${token}`)
      .send({ kind: 'direct', memberIds: [agent.id] })
      .expect(201);
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await sendChat(app.url, token, room.body.id as string, `@${agent.username} are you there?`);
    await page
      .getByRole('link', { name: /Rita Reception/ })
      .getByLabel('1 unread')
      .waitFor();

    // Available, and a call rings while the agent is on the chat page: the offer toast shows.
    const me = await world.token(agent);
    await app.http
      .put('/api/me/status')
      .set('authorization', `Bearer ${me}`)
      .send({ status: 'available' })
      .expect(200);
    const phone = randomUsPhone();
    await world.callArrives(line, queue, phone.e164);
    const offerToast = page.getByRole('alert', { name: 'Incoming offer' });
    await offerToast.getByText(phone.e164).waitFor();
    expect(await page.getByRole('status', { name: 'New notification' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Notifications: 0 unread' }).count()).toBe(1);
    await offerToast.getByRole('link', { name: 'Answer on my console' }).click();
    await page.getByRole('region', { name: 'Incoming call' }).waitFor();
    await page.getByRole('button', { name: 'Decline' }).click();

    // An unmuted kind: a toast, the bell counts it, the inbox lists it; archive it.
    const boss = await world.user(['supervisor'], 'Sofia Supervisor');
    await broadcast(boss, {
      text: 'The printer on floor 2 is fixed.',
      roles: ['agent'],
    });
    const toast = page.getByRole('status', { name: 'New notification' });
    await toast.getByText('The printer on floor 2 is fixed.').waitFor();
    await page.getByRole('link', { name: 'Notifications: 1 unread' }).click();
    await screenshot(page, 'notifications');
    const inbox = page.getByRole('list', { name: 'Unread' });
    await inbox.getByText('The printer on floor 2 is fixed.').waitFor();
    await page.getByRole('button', { name: /^Mark read:/ }).click();
    await page.getByRole('link', { name: 'Notifications: 0 unread' }).waitFor();
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('button', { name: /^Archive:/ }).click();
    await page.getByRole('tab', { name: 'Archived' }).click();
    await page
      .getByRole('list', { name: 'Archived' })
      .getByText('The printer on floor 2 is fixed.')
      .waitFor();
    expect(await page.getByText('are you there?').count()).toBe(0);
  });

  it('renders the inbox and settings in Russian without missing keys', async () => {
    const user = await world.user(['receptionist'], 'Рита Секретарь');
    const page = await at(user, '/notifications', 'ru');
    await page.getByRole('heading', { name: 'Уведомления' }).waitFor();
    await page.getByRole('link', { name: 'Настройки' }).click();
    await page.getByRole('heading', { name: 'Настройки уведомлений' }).waitFor();
    await page.getByRole('checkbox', { name: 'Предложения звонков и заявок' }).waitFor();
    await screenshot(page, 'notifications-ru');
    expect(await missingKeys(page)).toEqual([]);
  });
});

async function sendChat(url: string, token: string, roomId: string, text: string): Promise<void> {
  const socket = connectSocket(url, { token });
  try {
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const ack = (await socket.emitWithAck('chat.send', {
      roomId,
      clientMsgId: `t-${Date.now()}`,
      text,
    })) as { ok: boolean };
    expect(ack.ok).toBe(true);
  } finally {
    socket.disconnect();
  }
}

/** In the page: the test's own compiler has no DOM types. */
interface Matcher {
  matches(selector: string): boolean;
}
