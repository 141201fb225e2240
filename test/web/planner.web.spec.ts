import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PlannedContactDetailDto } from '@/modules/planner/dto/planned-contact.dto';
import { startApp, TestApp } from '@test/support/test-app';
import {
  ensureWebBuild,
  launchBrowser,
  missingKeys,
  screenshot,
  signIn,
  VIEWPORT,
} from '@test/web/support/browser';
import { World } from '@test/web/support/world';
import { addDays, dayOf, weekStart, zonedToInstant } from '@web/pages/planner/zoned';

type Person = Awaited<ReturnType<World['user']>>;

/** The server plans in Moscow; the browser sits in New York: times must follow the server. */
const SERVER_ZONE = 'Europe/Moscow';
const BROWSER_ZONE = 'America/New_York';

describe('planner in Chromium (browser)', () => {
  let app: TestApp;
  let browser: Browser;
  let world: World;
  const contexts: BrowserContext[] = [];

  async function at(user: Person, path: string, language: 'en' | 'ru' = 'en'): Promise<Page> {
    const context = await browser.newContext({
      viewport: VIEWPORT,
      locale: language === 'ru' ? 'ru-RU' : 'en-US',
      timezoneId: BROWSER_ZONE,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await signIn(page, app.url, user.username, user.password, path);
    return page;
  }

  async function planFor(token: string, body: Record<string, unknown>) {
    const res = await app.http
      .post('/api/planned-contacts')
      .set('authorization', `Bearer ${token}`)
      .send(body)
      .expect(201);
    return res.body as { id: string };
  }

  async function reasonId(label: string): Promise<string> {
    const admin = `Bearer ${world.adminToken}`;
    const list = await app.http.get('/api/planner/reasons').set('authorization', admin);
    const found = (list.body as { id: string; label: string }[]).find((r) => r.label === label);
    if (found) return found.id;
    const created = await app.http
      .post('/api/planner/reasons')
      .set('authorization', admin)
      .send({ label })
      .expect(201);
    return created.body.id as string;
  }

  beforeAll(async () => {
    ensureWebBuild();
    app = await startApp({ DEFAULT_TIME_ZONE: SERVER_ZONE });
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

  it('plans from the keyboard, drags to postpone with a reason, marks done; overdue stand out', async () => {
    const agent = await world.user(['agent'], 'Sam Sales');
    const clientName = `Northwind ${agent.username.slice(-6)}`;
    const clientId = await world.client(clientName, 'Olga Buyer', '+12015550131', agent.id);
    const token = await world.token(agent);
    const late = await planFor(token, {
      kind: 'call',
      subject: 'Call about the unpaid invoice',
      clientId,
      startsAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    });
    const label = 'client asked to call later';
    await reasonId(label);
    const tomorrow = addDays(dayOf(Date.now(), SERVER_ZONE), 1);

    const page = await at(agent, '/planner');
    // The overdue list: red, with the late call.
    const overdue = page.getByRole('list', { name: 'Overdue' });
    const lateItem = overdue.getByRole('button', { name: /Call about the unpaid invoice/ });
    await lateItem.waitFor();
    await page.getByText(`Times in ${SERVER_ZONE}`).waitFor();

    // N opens the form with the subject focused; Enter saves.
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    const subject = dialog.getByRole('textbox', { name: 'Subject' });
    await subject.waitFor();
    expect(await subject.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type('Offer the annual contract');
    await dialog.getByLabel('Date').fill(tomorrow);
    await dialog.getByLabel('Time').fill('10:00');
    await dialog.getByRole('textbox', { name: 'Client' }).fill(clientName.slice(0, 12));
    await dialog.getByRole('button', { name: new RegExp(clientName) }).click();
    await dialog.getByRole('textbox', { name: 'Subject' }).focus();
    await screenshot(page, 'planner-new');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    // It lands on tomorrow's column at 10:00 Moscow time, whatever the browser's zone.
    const column = page.getByRole('gridcell', { name: /^Plans of / }).filter({
      has: page.getByRole('button', { name: /Offer the annual contract/ }),
    });
    const item = column.getByRole('button', { name: /Offer the annual contract/ });
    await column.getByRole('button', { name: /^10:00 Offer the annual contract/ }).waitFor();
    await page.waitForURL(/\/planner\/[0-9a-f-]{36}$/);
    const planId = page.url().split('/').pop()!;
    const api = (id: string) =>
      app.http
        .get(`/api/planned-contacts/${id}`)
        .set('authorization', `Bearer ${token}`)
        .expect(200)
        .then((r) => r.body as PlannedContactDetailDto);
    expect((await api(planId)).startsAt).toBe(
      zonedToInstant(tomorrow, '10:00', SERVER_ZONE).toISOString(),
    );
    expect((await api(planId)).clientId).toBe(clientId);

    // The detail: the chain of contacts with the client, and "call now" explains it is not set up.
    const detail = page.getByRole('region', { name: /Offer the annual contract/ });
    const chain = detail.getByRole('list', { name: 'Chain of contacts with the client' });
    await chain.getByText('Call about the unpaid invoice').waitFor();
    await chain.getByText('Offer the annual contract').waitFor();
    await detail
      .getByText('Calling through the PBX is not set up here: dial +12015550131 yourself.')
      .waitFor();
    expect(await detail.getByRole('button', { name: 'Call now' }).count()).toBe(0);
    await screenshot(page, 'planner');

    // Drag it to 14:00: the reschedule dialog asks for a reason first.
    // Hour rows are 48 px from 08:00; the drop snaps to the quarter hour under the item's top.
    const box = (await column.boundingBox())!;
    await item.dragTo(column, { targetPosition: { x: box.width / 2, y: (14 - 8) * 48 + 14 } });
    const move = page.getByRole('dialog', { name: /Reschedule: Offer the annual contract/ });
    await move.waitFor();
    expect(await move.getByLabel('Time').inputValue()).toBe('14:00');
    expect(await move.getByLabel('Date').inputValue()).toBe(tomorrow);
    await move.getByRole('button', { name: 'Reschedule' }).click();
    await move.getByText('Give a reason: pick one or write it.').waitFor();
    await move.getByLabel('Reason').selectOption({ label });
    await screenshot(page, 'planner-postpone');
    await move.getByRole('button', { name: 'Reschedule' }).click();
    await move.waitFor({ state: 'detached' });
    await column.getByRole('button', { name: /^14:00 Offer the annual contract/ }).waitFor();
    const moved = await api(planId);
    expect(moved).toMatchObject({
      status: 'postponed',
      postponeCount: 1,
      startsAt: zonedToInstant(tomorrow, '14:00', SERVER_ZONE).toISOString(),
    });
    expect(moved.history.map((h) => [h.action, h.reason])).toEqual([
      ['created', null],
      ['postponed', label],
    ]);
    await detail.getByRole('list', { name: 'History' }).getByText(label).waitFor();

    // Done, with the outcome.
    await detail.getByRole('button', { name: 'Done' }).click();
    await detail.getByLabel('Outcome (how it went)').fill('Agreed; contract goes out Monday');
    await detail.getByRole('button', { name: 'Mark done' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Done: Offer the annual contract.' })
      .waitFor();
    await item.getByText('done', { exact: true }).waitFor();
    const done = await api(planId);
    expect(done.status).toBe('done');
    expect(done.history.at(-1)).toMatchObject({
      action: 'done',
      note: 'Agreed; contract goes out Monday',
    });

    // The overdue one, failed with a reason of one's own, leaves the overdue list.
    await lateItem.click();
    const lateDetail = page.getByRole('region', { name: /Call about the unpaid invoice/ });
    await lateDetail.getByText('overdue', { exact: true }).waitFor();
    await lateDetail.getByRole('button', { name: 'Failed' }).click();
    await lateDetail.getByRole('button', { name: 'Failed' }).click();
    await lateDetail.getByText('Give a reason: pick one or write it.').waitFor();
    await lateDetail.getByLabel('Or in your own words').fill('number is out of service');
    await lateDetail.getByRole('button', { name: 'Failed' }).click();
    await page.getByText('Nothing overdue.').waitFor();
    expect((await api(late.id)).status).toBe('failed');
  });

  it("a supervisor sees a person's plan and everyone's, in Russian", async () => {
    const agent = await world.user(['agent'], 'Вера Продажи');
    const supervisor = await world.user(['supervisor'], 'Павел Руководитель');
    const clientId = await world.client(
      `ООО Ромашка ${agent.username.slice(-6)}`,
      'Ирина',
      '+12015550132',
      agent.id,
    );
    const token = await world.token(agent);
    const today = dayOf(Date.now(), SERVER_ZONE);
    await planFor(token, {
      kind: 'call',
      subject: 'Просроченный звонок по счёту',
      clientId,
      startsAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    });
    for (const [kind, subject, day, time] of [
      ['meeting', 'Встреча в офисе клиента', addDays(today, 1), '11:00'],
      ['call', 'Позвонить после встречи', addDays(today, 1), '13:30'],
      ['task', 'Отправить договор', addDays(today, 2), '10:00'],
    ] as const) {
      await planFor(token, {
        kind,
        subject,
        clientId,
        startsAt: zonedToInstant(day, time, SERVER_ZONE).toISOString(),
      });
    }

    const page = await at(supervisor, '/planner', 'ru');
    await page.getByRole('group', { name: 'Вид' }).getByRole('button', { name: 'Неделя' }).click();
    await page.getByLabel('Чей план').selectOption({ label: 'Вера Продажи' });
    const calendar = page.getByRole('grid', { name: 'Календарь' });
    const overdue = page.getByRole('list', { name: 'Просрочено' });
    await overdue.getByRole('button', { name: /Просроченный звонок по счёту/ }).waitFor();
    // Tomorrow may fall in next week: step there when it does.
    if (weekStart(addDays(today, 1)) !== weekStart(today)) {
      await page.getByRole('button', { name: 'Вперёд' }).click();
    }
    const meeting = calendar.getByRole('button', { name: /Встреча в офисе клиента/ });
    await calendar.getByRole('button', { name: /^11:00 Встреча в офисе клиента/ }).waitFor();
    await calendar.getByRole('button', { name: /Позвонить после встречи/ }).waitFor();
    await meeting.click();
    const detail = page.getByRole('region', { name: /Встреча в офисе клиента/ });
    await detail.getByText('Вера Продажи', { exact: true }).waitFor();
    await detail
      .getByRole('list', { name: 'Цепочка контактов с клиентом' })
      .getByText('Просроченный звонок по счёту')
      .waitFor();
    await screenshot(page, 'planner-ru');

    // Everyone: the agent's plans carry her name.
    await page.getByLabel('Чей план').selectOption({ label: 'Все' });
    await meeting.getByText('Встреча · Вера Продажи').waitFor();

    // An agent has no choice of whose plan: only their own.
    const own = await at(agent, '/planner', 'ru');
    await own
      .getByRole('list', { name: 'Просрочено' })
      .getByRole('button', { name: /Просроченный звонок по счёту/ })
      .waitFor();
    expect(await own.getByLabel('Чей план').count()).toBe(0);
  });

  it("plans a contact from a request's current stage: the plan names the stage", async () => {
    const agent = await world.user(['agent'], 'Rick Requests');
    const clientId = await world.client(
      `Contoso ${agent.username.slice(-6)}`,
      'Ann',
      '+12015550133',
      agent.id,
    );
    const queue = await world.queue('Contracts', [agent]);
    const token = await world.token(agent);
    const request = await app.http
      .post('/api/requests')
      .set('authorization', `Bearer ${world.adminToken}`)
      .send({
        channel: 'email',
        subject: 'Renew the contract',
        queue,
        clientId,
        assigneeId: agent.id,
      })
      .expect(201);
    const detail = await app.http
      .get(`/api/requests/${request.body.id}`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    const current = (detail.body.stages as { id: string; doneAt: string | null }[]).find(
      (s) => s.doneAt === null,
    )!;

    const page = await at(agent, `/requests/${request.body.id}`);
    await page.getByRole('link', { name: 'Plan a contact in this stage' }).click();
    const dialog = page.getByRole('dialog', { name: 'Plan a contact in the request stage' });
    const subject = dialog.getByRole('textbox', { name: 'Subject' });
    expect(await subject.inputValue()).toBe('Renew the contract');
    await dialog.getByText(/^Contoso /).waitFor();
    await subject.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.waitForURL(/\/planner\/[0-9a-f-]{36}$/);
    const plan = await app.http
      .get(`/api/planned-contacts/${page.url().split('/').pop()}`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(plan.body).toMatchObject({
      followsRequestStageId: current.id,
      followsRequestId: request.body.id,
      clientId,
      origin: 'request',
    });
  });
});
