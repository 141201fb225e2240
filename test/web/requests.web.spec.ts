import type { Browser, BrowserContext, Page } from 'playwright-core';
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

type Person = Awaited<ReturnType<World['user']>>;

describe('requests in Chromium (browser)', () => {
  let app: TestApp;
  let browser: Browser;
  let world: World;
  const contexts: BrowserContext[] = [];

  async function at(user: Person, path: string, language: 'en' | 'ru' = 'en'): Promise<Page> {
    const { context, page } = await newPage(browser, language);
    contexts.push(context);
    await signIn(page, app.url, user.username, user.password, path);
    return page;
  }

  /** A queue with the three-stage template, its members, and two requests for `agent`. */
  async function officeWith(agent: Person, receptionist: Person, queueName: string) {
    const queue = await world.queue(queueName, [agent]);
    const admin = `Bearer ${world.adminToken}`;
    const queues = await app.http.get('/api/queues?limit=200').set('authorization', admin);
    const queueId = (queues.body.items as { id: string; code: string }[]).find(
      (q) => q.code === queue,
    )!.id;
    await app.http
      .put(`/api/queues/${queueId}/request-stages`)
      .set('authorization', admin)
      .send({
        stages: [
          { stage: 'triage', durationMinutes: 60 },
          { stage: 'in_work', durationMinutes: 240 },
          { stage: 'closing' },
        ],
      })
      .expect(200);
    const token = `Bearer ${await world.token(receptionist)}`;
    const create = async (subject: string) => {
      const res = await app.http
        .post('/api/requests')
        .set('authorization', token)
        .send({ channel: 'email', subject, queue, assigneeId: agent.id, priority: 3 })
        .expect(201);
      return res.body as { id: string; number: number };
    };
    const late = await create('Invoice 42 is wrong');
    const fresh = await create('New contract draft');
    // Its current stage was due an hour ago: overdue.
    await app.http
      .patch(`/api/requests/${late.id}/stage`)
      .set('authorization', token)
      .send({ dueAt: new Date(Date.now() - 3600_000).toISOString() })
      .expect(200);
    return { queue, late, fresh };
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

  it('lists my requests with stages, assignees and due times, overdue highlighted; advances a stage', async () => {
    const agent = await world.user(['agent'], 'Nina Accountant');
    const receptionist = await world.user(['receptionist'], 'Rita Reception');
    const { late, fresh } = await officeWith(agent, receptionist, 'Accounting');

    const page = await at(agent, '/requests');
    const table = page.getByRole('table', { name: 'Open requests' });
    const lateRow = table.getByRole('row').filter({ hasText: 'Invoice 42 is wrong' });
    await lateRow.getByText('overdue').waitFor();
    expect(await lateRow.getAttribute('class')).toContain('req-overdue');
    const freshRow = table.getByRole('row').filter({ hasText: 'New contract draft' });
    await freshRow.getByText('triage').waitFor();
    await freshRow.getByText('Nina Accountant').waitFor();
    expect(await freshRow.getByText('overdue').count()).toBe(0);
    // Overdue first.
    expect(await table.getByRole('row').nth(1).textContent()).toContain(`#${late.number}`);

    await freshRow.getByRole('link', { name: 'New contract draft' }).click();
    await page.waitForURL(new RegExp(`/requests/${fresh.id}$`));
    const detail = page.getByRole('region', { name: `#${fresh.number} New contract draft` });
    const stages = detail.getByRole('list', { name: 'Stages' });
    await stages.getByText('in_work').waitFor();
    await page.getByLabel('Note on the finished stage').fill('Checked the terms');
    await screenshot(page, 'requests');
    await page.getByRole('button', { name: 'Finish stage, start the next' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Moved on to the stage “in_work”.' })
      .waitFor();
    await stages.getByText('Checked the terms').waitFor();
    await freshRow.getByText('in_work').waitFor();
  });

  it('registers a request (the form the console links to), with field errors beside the field; Russian too', async () => {
    const agent = await world.user(['agent'], 'Нина Бухгалтер');
    const receptionist = await world.user(['receptionist'], 'Рита Секретарь');
    const { queue } = await officeWith(agent, receptionist, 'Бухгалтерия');

    const page = await at(receptionist, `/requests/new?queue=${queue}`);
    await page.getByRole('button', { name: 'Register request' }).click();
    const subject = page.getByRole('textbox', { name: 'Subject' });
    await page.locator('#err-subject').waitFor();
    expect(await subject.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'requests-new');
    await subject.fill('Call back about the delivery');
    await page.getByLabel('First stage goes to').selectOption({ label: 'Нина Бухгалтер' });
    await page.getByRole('button', { name: 'Register request' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Call back about the delivery/ }).waitFor();

    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('tab', { name: 'Моей очереди' }).click();
    await page.getByRole('combobox', { name: 'Очередь' }).selectOption({ label: 'Бухгалтерия' });
    await page.getByRole('table', { name: 'Открытые заявки' }).getByText('просрочена').waitFor();
    await screenshot(page, 'requests-ru');
    expect(await missingKeys(page)).toEqual([]);
  });
});
