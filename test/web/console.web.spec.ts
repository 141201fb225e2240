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

/** Offers ring long enough for a test to see the card, short enough for the timeout test. */
const OFFER_SECONDS = 8;

describe('web console in Chromium (browser)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let world: World;
  let line: string;
  const contexts: BrowserContext[] = [];

  async function open(language: 'en' | 'ru' = 'en'): Promise<Page> {
    const { context, page } = await newPage(browser, language);
    contexts.push(context);
    return page;
  }

  async function agentAt(
    name: string,
  ): Promise<{ page: Page; user: Awaited<ReturnType<World['user']>> }> {
    const user = await world.user(['agent'], name);
    const page = await open();
    await signIn(page, app.url, user.username, user.password);
    await page.getByRole('button', { name: 'Available' }).click();
    await page.getByRole('button', { name: 'Available', pressed: true }).waitFor();
    return { page, user };
  }

  beforeAll(async () => {
    ensureWebBuild();
    app = await startApp({
      OFFER_TIMEOUT_CALL_SECONDS: String(OFFER_SECONDS),
      LOGIN_ATTEMPTS_PER_MINUTE: '5',
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

  it('serves the console at / and deep links, with long-cached assets; /api misses stay JSON', async () => {
    const index = await app.http.get('/console').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(asset).toBeDefined();
    const js = await app.http.get(asset!).expect(200);
    expect(js.headers['cache-control']).toContain('immutable');
    await app.http.get('/assets/gone-123.js').expect(404);
    const api = await app.http.get('/api/no-such-route').expect(404);
    expect(api.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('a telephony call rings at the agent with the dossier; Accept shows it answered by them on the board', async () => {
    const curator = await world.user(['agent'], 'Olga Curator');
    const phone = randomUsPhone();
    await world.client('Acme Logistics', 'Ivan Petrov', phone.e164, curator.id);
    const { page: agent, user } = await agentAt('Anna Smirnova');
    const queue = await world.queue('Sales', [user]);
    const receptionist = await world.user(['receptionist'], 'Rita Reception');
    const board = await open();
    await signIn(board, app.url, receptionist.username, receptionist.password);
    await board.waitForURL(/\/board$/);

    const externalId = await world.callArrives(line, queue, phone.e164);

    const card = agent.getByRole('region', { name: 'Incoming call' });
    await card.waitFor();
    await expectText(card, 'Acme Logistics');
    await expectText(card, 'Ivan Petrov');
    await expectText(card, 'Olga Curator');
    await expectText(card, phone.e164);
    await expectText(card, 'Sales');
    await expectText(card, 'Office manager');
    expect(await agent.title()).toContain('Incoming call');
    await screenshot(agent, 'console-offer');

    await agent.getByRole('button', { name: 'Accept' }).click();
    await agent.getByRole('region', { name: 'Current call' }).waitFor();
    await card.waitFor({ state: 'detached' });

    const inProgress = board.getByRole('list', { name: 'In progress' });
    await expectText(inProgress, 'Answered by Anna Smirnova');
    await expectText(inProgress, 'Acme Logistics');
    const lamps = board.getByRole('list', { name: 'Staff' });
    await expectText(lamps.getByRole('listitem').filter({ hasText: 'Anna Smirnova' }), 'On a call');
    await screenshot(board, 'board');
    await screenshot(agent, 'console-call');

    // From the call they are on, the agent plans a call back: the planner's form opens, following
    // the call, for the client, and Enter saves it.
    await agent.getByRole('link', { name: 'Plan a call back' }).click();
    const form = agent.getByRole('dialog', { name: 'Plan a call back' });
    const subject = form.getByRole('textbox', { name: 'Subject' });
    await subject.waitFor();
    expect(await subject.inputValue()).toBe('Call back Acme Logistics');
    await subject.press('Enter');
    await form.waitFor({ state: 'detached' });
    await agent.waitForURL(/\/planner\/[0-9a-f-]{36}$/);
    const admin = (path: string) =>
      app.http
        .get(path)
        .set('authorization', `Bearer ${world.adminToken}`)
        .expect(200)
        .then((r) => r.body as Record<string, unknown>);
    const plan = await admin(`/api/planned-contacts/${agent.url().split('/').pop()}`);
    expect(plan).toMatchObject({ kind: 'call', assigneeId: user.id, status: 'planned' });
    const followed = await admin(`/api/calls/${plan.followsCallId as string}`);
    expect(followed.externalId).toBe(externalId);
    expect(plan.clientId).toBe(followed.clientId);
  });

  it('a declined offer, then an unanswered one, moves to the next agent’s page', async () => {
    const first = await agentAt('Boris First');
    const second = await agentAt('Vera Second');
    const queue = await world.queue('Support', [first.user, second.user]);
    await world.callArrives(line, queue, randomUsPhone().e164);

    const ringing = await Promise.race(
      [first, second].map((a) =>
        a.page
          .getByRole('region', { name: 'Incoming call' })
          .waitFor()
          .then(() => a),
      ),
    );
    const other = ringing === first ? second : first;
    await ringing.page.getByRole('button', { name: 'Decline' }).click();
    const next = other.page.getByRole('region', { name: 'Incoming call' });
    await next.waitFor();
    await ringing.page
      .getByRole('region', { name: 'Incoming call' })
      .waitFor({ state: 'detached' });

    // Nobody answers: the offer expires and the caller is offered on; the page says why.
    await next.waitFor({ state: 'detached', timeout: (OFFER_SECONDS + 10) * 1000 });
    await expectText(
      other.page.getByRole('status').filter({ hasText: 'expired' }),
      'The offer expired',
    );
  });

  it('registers a call by hand with a look-up preview, assigns it, and marks an unfinished one called back', async () => {
    const curator = await world.user(['supervisor'], 'Sergey Curator');
    const phone = randomUsPhone();
    await world.client('Northwind Trading', 'Maria Ivanova', phone.e164, curator.id);
    const helper = await agentAt('Gleb Helper');
    await world.queue('Front desk', []);
    const missed = randomUsPhone();
    await world.abandonedCall(line, missed.e164);
    const receptionist = await world.user(['receptionist'], 'Rita Reception');
    const board = await open();
    await signIn(board, app.url, receptionist.username, receptionist.password);

    await board.getByLabel('Caller number').fill(phone.national);
    await expectText(board.getByRole('status', { name: 'Who is calling' }), 'Northwind Trading');
    await expectText(board.getByRole('status', { name: 'Who is calling' }), 'Maria Ivanova');
    await board.getByRole('combobox', { name: /^Queue/ }).selectOption({ label: 'Front desk' });
    await board.getByLabel('Topic').fill('Delivery date');
    await screenshot(board, 'board-register');
    await board.getByRole('button', { name: 'Register call' }).click();
    await expectText(board.getByRole('status').filter({ hasText: 'registered' }), 'registered');

    // Test files share one database, so other calls may wait before it: the newest is last.
    const waiting = board.getByRole('list', { name: 'Waiting calls' });
    await board.locator('.waiting-pane').focus();
    await board.keyboard.press('End');
    await expectText(waiting, 'Northwind Trading');
    const assignTo = board.getByRole('combobox', {
      name: `Assign the call from ${phone.e164} to`,
    });
    // The free people are listed once the select is reached, as a receptionist's click or Tab does.
    await assignTo.focus();
    await assignTo.selectOption({ label: 'Gleb Helper' });
    await waiting
      .getByRole('listitem')
      .filter({ hasText: 'Northwind Trading' })
      .getByRole('button', { name: 'Assign' })
      .click();
    await helper.page.getByRole('region', { name: 'Incoming call' }).waitFor();
    await expectText(waiting, 'Ringing at Gleb Helper');

    // Test files share one database, so the list is long: find the caller by a few digits.
    await board
      .getByRole('searchbox', { name: 'Find a number to call back' })
      .fill(missed.national.slice(-8));
    const unfinished = board.getByRole('list', { name: 'To call back' });
    await expectText(unfinished, missed.e164);
    await board.getByRole('button', { name: `Called back ${missed.e164}` }).click();
    await board
      .getByRole('button', { name: `Called back ${missed.e164}` })
      .waitFor({ state: 'detached' });
  });

  it('a long waiting list scrolls in its own pane: only visible rows are drawn, every call is reachable', async () => {
    // Nobody is in this queue, so every call waits.
    const queue = await world.queue('Overflow', []);
    const callers = Array.from({ length: 30 }, () => randomUsPhone());
    for (const phone of callers) await world.callArrives(line, queue, phone.e164);
    const receptionist = await world.user(['receptionist'], 'Rita Reception');
    const board = await open();
    await signIn(board, app.url, receptionist.username, receptionist.password);
    // Oldest first, after whatever other tests left waiting in the shared database.
    const waiting = board.getByRole('list', { name: 'Waiting calls' });
    const rows = waiting.getByRole('listitem');
    await rows.first().waitFor();
    const total = Number(await rows.first().getAttribute('aria-setsize'));
    expect(total).toBeGreaterThanOrEqual(callers.length);
    expect(await rows.count()).toBeLessThan(total);
    const newest = callers[callers.length - 1].e164;
    expect(await waiting.getByText(newest).count()).toBe(0);

    // From the keyboard: the pane takes focus and End scrolls it to the newest call.
    await board.locator('.waiting-pane').focus();
    await board.keyboard.press('End');
    await expectText(waiting, newest);
    const last = waiting.getByRole('listitem').filter({ hasText: newest });
    expect(await last.getAttribute('aria-posinset')).toBe(String(total));
  });

  it('sign-in says what went wrong: wrong password, too many attempts, an expired session (and returns there)', async () => {
    const receptionist = await world.user(['receptionist'], 'Rita Reception');
    const page = await open();
    await page.goto(`${app.url}/board`);
    await page.waitForURL(/\/sign-in\?next=%2Fboard/);
    await screenshot(page, 'sign-in');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Username').fill(receptionist.username);
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectText(page.getByRole('alert'), 'Wrong username or password.');
    }
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'Too many attempts');

    // A token the server no longer accepts: back to sign-in, told why, and back to the page after.
    const other = await world.user(['receptionist'], 'Rita Reception');
    const again = await open();
    await signIn(again, app.url, other.username, other.password);
    await again.goto(`${app.url}/console`);
    await again.evaluate(() => {
      // Runs in the page; the test's own compiler has no DOM types.
      const store = (globalThis as unknown as { sessionStorage: BrowserStorage }).sessionStorage;
      const saved = JSON.parse(store.getItem('switchboard.session')!) as object;
      store.setItem('switchboard.session', JSON.stringify({ ...saved, token: 'expired.token' }));
    });
    await again.reload();
    await again.waitForURL(/\/sign-in\?reason=expired/);
    await expectText(
      again.getByRole('status').filter({ hasText: 'expired' }),
      'Your session has expired',
    );
    await again.getByLabel('Username').fill(other.username);
    await again.getByLabel('Password').fill(other.password);
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.waitForURL(/\/console$/);
  });

  it('an agent cannot reach the board: redirected to their own page, and the API refuses', async () => {
    const { page, user } = await agentAt('Pavel Agent');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
      'My calls',
      'Requests',
      'Planner',
      'Chat',
      'Notifications',
    ]);
    await page.goto(`${app.url}/board`);
    await page.waitForURL(/\/console$/);
    await expectText(page.getByRole('alert'), 'not available for your role');
    const token = await world.token(user);
    const refused = await app.http
      .get('/api/staff/presence')
      .set('authorization', `Bearer ${token}`)
      .expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });

  it('renders the board and the console in Russian and English without missing keys', async () => {
    const receptionist = await world.user(['receptionist', 'supervisor'], 'Рита Секретарь');
    const page = await open('ru');
    await signIn(page, app.url, receptionist.username, receptionist.password);
    await page.getByRole('heading', { name: 'Ожидающие звонки' }).waitFor();
    await page.getByRole('heading', { name: 'Сотрудники' }).waitFor();
    await screenshot(page, 'board-ru');
    await page.getByRole('link', { name: 'Мои звонки' }).click();
    await page.getByRole('heading', { name: 'Мой статус' }).waitFor();
    await page.getByRole('button', { name: 'На месте' }).click();
    await page.getByRole('button', { name: 'На месте', pressed: true }).waitFor();
    await screenshot(page, 'console-ru');
    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('heading', { name: 'My status' }).waitFor();
    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await page.getByRole('heading', { name: 'Waiting calls' }).waitFor();
    expect(await missingKeys(page)).toEqual([]);
  });
});

/** Waits (Playwright's own polling) until the locator's text contains `text`. */
async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

interface BrowserStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
