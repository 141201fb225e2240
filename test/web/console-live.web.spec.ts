import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WorkerModule } from '@workers/worker.module';
import { randomUsPhone } from '@test/factories/directory.factory';
import { startApp, TestApp } from '@test/support/test-app';
import {
  ensureWebBuild,
  launchBrowser,
  missingKeys,
  newPage,
  screenshot,
  signIn,
} from '@test/web/support/browser';
import { World } from '@test/web/support/world';

/** Long enough to outlast a reconnect on a busy machine: the card must still be ringing. */
const OFFER_SECONDS = 90;
/** The server's zone, far from the browser's, so a time shown in the wrong one cannot match. */
const SERVER_ZONE = 'Asia/Kamchatka';
const BROWSER_ZONE = 'America/New_York';

type Person = Awaited<ReturnType<World['user']>>;

/** The console across connection trouble, its keyboard shortcuts, and times in the server's zone. */
describe('web console: reconnects, shortcuts and time zone (browser)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let world: World;
  let line: string;
  const contexts: BrowserContext[] = [];

  async function agentAt(
    name: string,
  ): Promise<{ page: Page; context: BrowserContext; user: Person }> {
    const user = await world.user(['agent'], name);
    const { context, page } = await newPage(browser, 'en', BROWSER_ZONE);
    contexts.push(context);
    await signIn(page, app.url, user.username, user.password);
    await page.getByRole('button', { name: 'Available' }).click();
    await page.getByRole('button', { name: 'Available', pressed: true }).waitFor();
    return { page, context, user };
  }

  /** The connection lamp in the top bar. */
  function lamp(page: Page) {
    return page
      .getByRole('banner')
      .getByRole('status')
      .filter({ hasText: /^(Live|Reconnecting…|Connecting…|Offline)$/ });
  }

  /** Waits until the server has an offer ringing at `user` (their live state says so). */
  async function offeredTo(user: Person): Promise<void> {
    const token = await world.token(user);
    for (;;) {
      const res = await app.http
        .get('/api/me/status')
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      if (res.body.state === 'offered') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    ensureWebBuild();
    app = await startApp({
      OFFER_TIMEOUT_CALL_SECONDS: String(OFFER_SECONDS),
      DEFAULT_TIME_ZONE: SERVER_ZONE,
      // The shortcut test's agent takes the next call right after declining one.
      DECLINE_COOLDOWN_SECONDS: '0',
    });
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    browser = await launchBrowser();
    world = await World.create(app);
    line = await world.line();
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

  it('an offer that rang while the socket was down is shown when it is back, again after a reload, and can be accepted', async () => {
    const { page, context, user } = await agentAt('Nina Reconnect');
    const queue = await world.queue('Blip', [user]);
    await lamp(page).getByText('Live').waitFor();

    await context.setOffline(true);
    await lamp(page).getByText('Reconnecting…').waitFor();
    const phone = randomUsPhone().e164;
    await world.callArrives(line, queue, phone);
    // The live `offer` event went to a room with no socket in it.
    await offeredTo(user);
    expect(await page.getByRole('region', { name: 'Incoming call' }).count()).toBe(0);

    await context.setOffline(false);
    await lamp(page).getByText('Live').waitFor();
    const card = page.getByRole('region', { name: 'Incoming call' });
    await card.getByText(phone).waitFor();
    await screenshot(page, 'console-offer-after-reconnect');

    // A reload starts from nothing: the ringing offer is asked for again, shown once.
    await page.reload();
    await card.getByText(phone).waitFor();
    expect(await page.getByRole('region', { name: 'Incoming call' }).count()).toBe(1);

    await card.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('region', { name: 'Current call' }).waitFor();
    await card.waitFor({ state: 'detached' });
  });

  it('the lamp shows the outage; a notification sent meanwhile arrives by the replay, once, with its time in the server’s zone', async () => {
    const boss = await world.user(['supervisor'], 'Sofia Supervisor');
    const { page, context, user } = await agentAt('Oleg Outage');
    await lamp(page).getByText('Live').waitFor();

    await context.setOffline(true);
    await lamp(page).getByText('Reconnecting…').waitFor();
    await page.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
    await screenshot(page, 'console-reconnecting');
    const text = `Meeting moved, note ${user.id.slice(0, 8)}`;
    await app.http
      .post('/api/broadcasts')
      .set('authorization', `Bearer ${await world.token(boss)}`)
      .send({ text, roles: ['agent'] })
      .expect(201);

    await context.setOffline(false);
    await lamp(page).getByText('Live').waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Connection lost' })
      .waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Notifications: 1 unread' }).click();
    const inbox = page.getByRole('list', { name: 'Unread' });
    const item = inbox.getByRole('listitem').filter({ hasText: text });
    await item.waitFor();
    expect(await item.count()).toBe(1);

    // The time shown is the server's zone's, not the computer's (New York is 16 hours apart).
    const createdAt = await item.locator('time').getAttribute('datetime');
    expect(createdAt).not.toBeNull();
    const clock = (zone: string) =>
      new Intl.DateTimeFormat('en-US', { timeStyle: 'short', timeZone: zone })
        .format(new Date(createdAt!))
        .replace(/\s/g, ' ');
    const shown = (await item.innerText()).replace(/\s/g, ' ');
    expect(shown).toContain(clock(SERVER_ZONE));
    expect(shown).not.toContain(clock(BROWSER_ZONE));
    const me = await app.http
      .get('/api/me')
      .set('authorization', `Bearer ${await world.token(user)}`)
      .expect(200);
    expect(me.body.timeZone).toBe(SERVER_ZONE);
  });

  it('Alt+A accepts and Alt+X declines the ringing offer wherever the focus is', async () => {
    const { page, user } = await agentAt('Kira Keys');
    // Two queues: the declined call keeps waiting at the head of its own (not offered to Kira again).
    const queue = await world.queue('Keys', [user]);
    const other = await world.queue('Keys too', [user]);
    const card = page.getByRole('region', { name: 'Incoming call' });

    const declined = randomUsPhone().e164;
    await world.callArrives(line, queue, declined);
    await card.getByText(declined).waitFor();
    expect(
      await card.getByRole('button', { name: 'Decline' }).getAttribute('aria-keyshortcuts'),
    ).toBe('Alt+X');
    // Focus on the language picker, far from the card.
    await page.getByRole('combobox', { name: 'Language' }).focus();
    await page.keyboard.press('Alt+X');
    await card.waitFor({ state: 'detached' });
    const token = await world.token(user);
    const afterDecline = await app.http
      .get('/api/me/status')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(afterDecline.body.state).not.toBe('busy');

    const accepted = randomUsPhone().e164;
    await world.callArrives(line, other, accepted);
    await card.getByText(accepted).waitFor();
    expect(
      await card.getByRole('button', { name: 'Accept' }).getAttribute('aria-keyshortcuts'),
    ).toBe('Alt+A');
    await page.keyboard.press('Alt+A');
    await page.getByRole('region', { name: 'Current call' }).getByText(accepted).waitFor();
    await card.waitFor({ state: 'detached' });
    const afterAccept = await app.http
      .get('/api/me/status')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(afterAccept.body.state).toBe('busy');
  });
});
