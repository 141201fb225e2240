import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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

/** Generous ceilings for things that arrive by polling or ticks; nothing here asserts a time. */
const SLOW = { timeout: 30_000 };

describe('wallboard, reports and administration in Chromium (browser)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let world: World;
  let line: string;
  const contexts: BrowserContext[] = [];

  async function open(
    language: 'en' | 'ru' = 'en',
    viewport?: { width: number; height: number },
  ): Promise<Page> {
    const { context, page } = await newPage(browser, language);
    if (viewport) await page.setViewportSize(viewport);
    contexts.push(context);
    return page;
  }
  const as = (token: string) => ({
    get: (path: string) => app.http.get(path).set('authorization', `Bearer ${token}`),
  });
  async function signedIn(
    roles: string[],
    name: string,
    path: string,
    language: 'en' | 'ru' = 'en',
  ) {
    const user = await world.user(roles, name);
    const page = await open(language);
    // The shared signIn waits for the one navigation landmark: these pages add a second one.
    await signIn(page, app.url, user.username, user.password);
    if (path !== '/') await page.goto(`${app.url}${path}`);
    return { page, user, token: await world.token(user) };
  }
  function telephony(key: string, events: object[]) {
    return app.http.post('/api/telephony/events').set('x-api-key', key).send(events);
  }
  const now = (ms = 0) => new Date(Date.now() + ms).toISOString();

  beforeAll(async () => {
    ensureWebBuild();
    // Ticks and rollups often, so the pages see changes soon (the worker reads the same env).
    process.env.STATS_LIVE_INTERVAL_MS = '1000';
    process.env.STATS_RECOMPUTE_EVERY_MS = '1000';
    app = await startApp();
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

  it('a queue tile shows a telephony call waiting, lowers it on the answer, and matches GET /api/stats/queues', async () => {
    const extension = `5${Math.floor(Math.random() * 1e6)}`;
    const answerer = await world.user(['agent'], 'Irina Answer');
    await app.http
      .patch(`/api/users/${answerer.id}`)
      .set('authorization', `Bearer ${world.adminToken}`)
      .send({ extension })
      .expect(200);
    const queue = await world.queue('Claims desk', []);
    const { page, token } = await signedIn(['supervisor'], 'Svetlana Supervisor', '/wallboard');
    const tile = page.getByRole('article', { name: 'Claims desk' });
    await tile.waitFor(SLOW);
    await expectMetric(tile, 'Waiting', '0');

    const from = randomUsPhone().e164;
    const callId = await world.callArrives(line, queue, from);
    await expectMetric(tile, 'Waiting', '1');
    await expectMetric(tile, 'Offered', '1');
    const answered = await telephony(world.apiKey, [
      {
        id: `${callId}-3`,
        callId,
        type: 'answered',
        at: now(),
        line,
        from,
        queue,
        agent: extension,
      },
    ]).expect(200);
    expect(answered.body.results[0].status).toBe('accepted');
    await expectMetric(tile, 'Waiting', '0');
    await expectMetric(tile, 'Answered', '1');

    // The tile's day against the rollup report for the same day, once the rollups caught up.
    const live = (await as(token).get('/api/stats/live').expect(200)).body as {
      timeZone: string;
      todayFrom: string;
      queues: { queueCode: string; queueId: string }[];
    };
    const queueId = live.queues.find((q) => q.queueCode === queue)!.queueId;
    const reportRow = async () => {
      const res = await as(token)
        .get('/api/stats/queues')
        .query({
          from: live.todayFrom,
          to: new Date(Date.parse(live.todayFrom) + 24 * 3600_000).toISOString(),
          tz: live.timeZone,
          bucket: '1d',
          queueId,
        })
        .expect(200);
      return res.body.rows[0] as
        | { offered: number; answered: number; abandoned: number; serviceLevel: number | null }
        | undefined;
    };
    let row = await reportRow();
    for (let i = 0; i < 60 && row?.answered !== 1; i++) {
      await page.waitForTimeout(500);
      row = await reportRow();
    }
    const shown = {
      offered: await metric(tile, 'Offered'),
      answered: await metric(tile, 'Answered'),
      abandoned: await metric(tile, 'Hung up'),
      sl: await metric(tile, 'SL today (20 s)'),
    };
    expect(shown).toEqual({
      offered: String(row!.offered),
      answered: String(row!.answered),
      abandoned: String(row!.abandoned),
      sl: row!.serviceLevel === null ? '—' : `${Math.round(row!.serviceLevel * 100)} %`,
    });
    await page.getByRole('table', { name: 'Staff' }).waitFor();
  });

  it("the staff table's occupancy today is the staff report's figure for today", async () => {
    const agent = await agentAt('Olga Occupancy');
    const extension = `6${Math.floor(Math.random() * 1e6)}`;
    await app.http
      .patch(`/api/users/${agent.user.id}`)
      .set('authorization', `Bearer ${world.adminToken}`)
      .send({ extension })
      .expect(200);
    const queue = await world.queue('Occupancy desk', []);
    const from = randomUsPhone().e164;
    const callId = await world.callArrives(line, queue, from);
    const event = (n: number, type: string) => ({
      id: `${callId}-${n}`,
      callId,
      type,
      at: now(),
      line,
      from,
      queue,
      agent: extension,
    });
    await telephony(world.apiKey, [event(3, 'answered')]).expect(200);
    await agent.page.waitForTimeout(1500);
    await telephony(world.apiKey, [event(4, 'ended')]).expect(200);
    // On a break the time available stops growing, so the figure holds still while compared.
    await app.http
      .put('/api/me/status')
      .set('authorization', `Bearer ${await world.token(agent.user)}`)
      .send({ status: 'break', reason: 'lunch' })
      .expect(200);

    const { page, token } = await signedIn(['supervisor'], 'Sofia Staff', '/');
    const live = (await as(token).get('/api/stats/live').expect(200)).body as {
      timeZone: string;
      todayFrom: string;
    };
    const report = async () => {
      const res = await as(token)
        .get('/api/stats/staff')
        .query({
          from: live.todayFrom,
          to: new Date(Date.parse(live.todayFrom) + 24 * 3600_000).toISOString(),
          tz: live.timeZone,
          bucket: '1d',
          staffId: agent.user.id,
        })
        .expect(200);
      const row = (res.body.rows as { answered: number; occupancy: number | null }[])[0];
      return row?.answered === 1 && row.occupancy !== null ? row.occupancy : null;
    };
    // The rollups catch up with the call, then the figure stays put.
    let figure = await report();
    for (let i = 0, last = NaN; i < 60 && (figure === null || figure !== last); i++) {
      last = figure ?? NaN;
      await page.waitForTimeout(500);
      figure = await report();
    }
    expect(figure).not.toBeNull();

    await page.goto(`${app.url}/wallboard`);
    const row = page
      .getByRole('table', { name: 'Staff' })
      .getByRole('row', { name: new RegExp(agent.user.displayName) });
    await row.waitFor(SLOW);
    const occupancy = row.getByRole('cell').nth(3);
    await occupancy.filter({ hasNotText: '—' }).waitFor(SLOW);
    expect(await occupancy.textContent()).toBe(`${(figure! * 100).toFixed(0)} %`);
    expect(await report()).toBe(figure);
    // The README's picture: a tile per queue and someone in the (virtualised) staff table.
    await page.getByRole('button', { name: 'Answered today' }).click();
    await row.waitFor(SLOW);
    await screenshot(page, 'wallboard');
  });

  it('TV mode fits 12 queues on 1920×1080; the Russian board has no missing words', async () => {
    const names = [
      'Sales',
      'Support',
      'Billing',
      'Claims',
      'Renewals',
      'VIP line',
      'Returns',
      'Delivery',
      'Partners',
      'Tech L2',
      'Complaints',
      'Retention',
    ];
    // Test files share one database, so the board holds other files' queues too: this screen
    // shows its own thirteen, chosen in the address as a TV's bookmark would.
    const codes: string[] = [];
    for (const name of names) codes.push(await world.queue(name, []));
    const overflow = await world.queue('Overflow', []);
    codes.push(overflow);
    await world.callArrives(line, overflow, randomUsPhone().e164);
    const supervisor = await world.user(['supervisor'], 'Tatiana TV');
    const page = await open('en', { width: 1920, height: 1080 });
    const screen = `/wallboard?queues=${codes.join(',')}`;
    await signIn(page, app.url, supervisor.username, supervisor.password, screen);
    await page.getByRole('article', { name: 'Retention' }).waitFor(SLOW);
    const tiles = page.getByRole('list', { name: 'Queues', exact: true }).getByRole('article');
    expect(await tiles.count()).toBe(13);

    // The picker takes a queue off this screen and the address keeps the choice.
    await page.getByText('13 of', { exact: false }).click();
    await page.getByRole('checkbox', { name: 'Complaints' }).uncheck();
    await page.getByRole('article', { name: 'Complaints' }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('queues')!.split(',')).toHaveLength(12);
    await page.getByRole('checkbox', { name: 'Complaints' }).check();
    await page.getByRole('article', { name: 'Complaints' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'TV mode' }).click();
    await page.getByRole('button', { name: 'Leave TV mode' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    const last = await page.getByRole('article', { name: 'Retention' }).boundingBox();
    expect(last!.y + last!.height).toBeLessThanOrEqual(1080);
    expect(await tileLayoutFaults(page)).toEqual([]);
    await screenshot(page, 'wallboard-tv');

    // Tile headers stay on one line in both languages at a laptop's and a TV's width.
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 1080 });
      expect(await tileLayoutFaults(page)).toEqual([]);
    }
    await page.getByRole('button', { name: 'Leave TV mode' }).click();
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 1080 });
      expect(await tileLayoutFaults(page)).toEqual([]);
    }

    const ru = await open('ru');
    await signIn(ru, app.url, supervisor.username, supervisor.password, screen);
    await ru.getByRole('heading', { name: 'Табло' }).waitFor();
    await ru.getByRole('article', { name: 'Sales' }).first().waitFor(SLOW);
    await ru.getByRole('article', { name: 'Retention' }).waitFor(SLOW);
    for (const width of [1280, 1920]) {
      await ru.setViewportSize({ width, height: 1080 });
      expect(await tileLayoutFaults(ru)).toEqual([]);
    }
    await ru.setViewportSize({ width: 1280, height: 800 });
    await screenshot(ru, 'wallboard-ru');
    await ru.getByRole('button', { name: 'Режим ТВ' }).click();
    await ru.getByRole('button', { name: 'Выйти из режима ТВ' }).waitFor();
    for (const width of [1280, 1920]) {
      await ru.setViewportSize({ width, height: 1080 });
      expect(await tileLayoutFaults(ru)).toEqual([]);
    }
    await screenshot(ru, 'wallboard-tv-ru');
    // Last: the widest figures still fit, in both languages and modes.
    for (const width of [1280, 1920]) {
      await ru.setViewportSize({ width, height: 1080 });
      expect(await tileLayoutFaults(ru, true)).toEqual([]);
      await page.setViewportSize({ width, height: 1080 });
      expect(await tileLayoutFaults(page, true)).toEqual([]);
    }
  });

  it("a supervisor messages a queue's members from its tile and sees their acknowledgements live", async () => {
    const member = await world.user(['agent'], 'Marta Member');
    const outsider = await world.user(['agent'], 'Oleg Outsider');
    const code = await world.queue('Escalations', [member]);
    const agentPage = await open();
    await signIn(agentPage, app.url, member.username, member.password, '/chat');
    const { page, token } = await signedIn(
      ['supervisor'],
      'Sergey Sender',
      `/wallboard?queues=${code}`,
    );
    const tile = page.getByRole('article', { name: 'Escalations' });
    await tile.waitFor(SLOW);
    await tile.getByRole('button', { name: 'Message the members of Escalations' }).click();
    const dialog = page.getByRole('dialog', { name: 'Message to the members of Escalations' });
    await dialog
      .getByRole('textbox', { name: 'Message' })
      .fill('Escalations: system outage, use the paper form.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expectText(dialog, '0 of 1 acknowledged');
    await screenshot(page, 'wallboard-broadcast');

    const ack = agentPage.getByRole('dialog', { name: /please confirm/ });
    await ack.getByText('system outage, use the paper form').waitFor(SLOW);
    await ack.getByRole('button', { name: 'I have read it' }).click();
    // The dialog's list refreshes by itself.
    await expectText(dialog, '1 of 1 acknowledged');
    await dialog.getByRole('listitem').filter({ hasText: member.username }).waitFor();

    const outsiderInbox = await as(await world.token(outsider))
      .get('/api/notifications')
      .expect(200);
    expect(
      (outsiderInbox.body.items as { kind: string; body: string }[]).filter(
        (n) => n.kind === 'broadcast' && n.body.includes('system outage'),
      ),
    ).toEqual([]);
    const sent = await as(token).get('/api/notifications').expect(200);
    expect(sent.status).toBe(200);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('a report downloads as exactly the CSV the REST API answers', async () => {
    const { page, token } = await signedIn(['supervisor'], 'Roman Reports', '/reports/queues');
    await page.getByRole('heading', { name: 'Queues', exact: true }).waitFor();
    const day = await page.getByLabel('From').inputValue();
    const tz = await page.getByLabel('Time zone').inputValue();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const next = new Date(`${day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    const rest = await as(token)
      .get('/api/stats/queues')
      .set('accept', 'text/csv')
      .query({
        from: `${day}T00:00:00`,
        to: `${next.toISOString().slice(0, 10)}T00:00:00`,
        tz,
        bucket: '1h',
      })
      .expect(200);
    expect(csv).toBe(rest.text);
    expect(csv.split('\n')[0]).toContain('bucketStart');
    await page.getByRole('link', { name: 'Line load' }).click();
    await page.getByRole('img', { name: 'Line load' }).waitFor(SLOW);
    await screenshot(page, 'reports');
    await page.getByRole('link', { name: 'Planning' }).click();
    await page.getByText(/lines: .* of calls blocked/).waitFor();
    await screenshot(page, 'reports-planning');

    // Staff: occupancy per person next to the time available (someone signed in is listed).
    const agent = await agentAt('Vera Occupied');
    await page.goto(`${app.url}/reports/staff`);
    const staff = page.getByRole('table', { name: 'Staff' });
    await staff.getByRole('columnheader', { name: 'Occupancy' }).waitFor();
    const row = staff.getByRole('row', { name: new RegExp(agent.user.displayName) });
    await row.waitFor(SLOW);
    expect(await row.getByRole('cell').last().textContent()).toBe('0 %');
    await screenshot(page, 'reports-staff');
  });

  it('an admin builds a queue with two members, maps an unknown queue code to it, and calls are offered there', async () => {
    const first = await agentAt('Pyotr First');
    const second = await agentAt('Nina Second');
    const { page } = await signedIn(['admin'], 'Alla Admin', '/admin/queues');
    const code = `q-${randomBytes(3).toString('hex')}`;
    const create = page.getByRole('region', { name: 'New queue' });
    await create.getByLabel('Code (as telephony sends it)').fill(code);
    await create.getByLabel('Name').fill('Insurance');
    await create.getByLabel('SL threshold, s').fill('15');
    await create.getByRole('button', { name: 'Create queue' }).click();
    const editor = page.getByRole('region', { name: 'Queue Insurance' });
    await editor.waitFor();
    for (const agent of [first, second]) {
      await editor.getByLabel('Add a person (type a name)').fill(agent.user.displayName);
      await editor.getByRole('button', { name: 'Add', exact: true }).click();
      await editor
        .getByRole('button', { name: `Remove ${agent.user.displayName} from the queue` })
        .waitFor();
    }
    await editor.getByLabel(`Skill of ${second.user.displayName}`).selectOption('8');
    await screenshot(page, 'admin-queues');

    await world.callArrives(line, code, randomUsPhone().e164);
    const offered = await Promise.race(
      [first, second].map((a) =>
        a.page
          .getByRole('region', { name: 'Incoming call' })
          .waitFor(SLOW)
          .then(() => a),
      ),
    );
    await offered.page.getByRole('button', { name: 'Accept' }).click();
    await offered.page.getByRole('region', { name: 'Current call' }).waitFor();
    const other = offered === first ? second : first;

    // A PBX that knows the queue by another code: unknown until mapped, then routed like the queue.
    const pbxCode = `SALES-${randomBytes(3).toString('hex').toUpperCase()}`;
    await world.callArrives(line, pbxCode, randomUsPhone().e164);
    await page.getByRole('link', { name: 'Unmapped codes' }).click();
    await page.getByRole('row', { name: new RegExp(pbxCode) }).waitFor(SLOW);
    await page.getByLabel(`Map ${pbxCode} to`).selectOption({ label: `Insurance (${code})` });
    await screenshot(page, 'admin-codes');
    await page.getByRole('button', { name: `Map ${pbxCode}` }).click();
    await expectText(page.getByRole('status'), 'now means Insurance');
    // Line and queue codes match without case, so the mapping is kept in lower case.
    await page
      .getByRole('table', { name: 'Mappings' })
      .getByRole('row', { name: new RegExp(pbxCode, 'i') })
      .waitFor();

    const next = await world.callArrives(line, pbxCode, randomUsPhone().e164);
    // The one still free gets it.
    await expectText(other.page.getByRole('region', { name: 'Incoming call' }), 'Insurance');
    // The routing timeline explains it.
    await page.getByRole('link', { name: 'Routing explained' }).click();
    await page.getByLabel('Telephony call id or internal id').fill(next);
    await page.getByRole('button', { name: 'Show decisions' }).click();
    await page.getByRole('list', { name: 'Routing decisions' }).waitFor(SLOW);
    await screenshot(page, 'admin-routing');
  });

  it('a key revoked on the admin page is refused on the next telephony post', async () => {
    const { page } = await signedIn(['admin'], 'Kirill Keys', '/admin/api-keys');
    await page
      .getByRole('region', { name: 'New key' })
      .getByLabel('Name')
      .fill('Asterisk office 2');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByLabel('New API key').textContent())!.trim();
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await screenshot(page, 'admin-keys');
    const event = (n: number) => ({
      id: `key-${n}-${randomBytes(3).toString('hex')}`,
      callId: `key-${randomBytes(3).toString('hex')}`,
      type: 'arrived',
      at: now(),
      line,
      from: randomUsPhone().e164,
    });
    await telephony(key, [event(1)]).expect(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke Asterisk office 2' }).click();
    await expectText(page.getByRole('status'), 'Key Asterisk office 2 revoked');
    const refused = await telephony(key, [event(2)]).expect(401);
    expect(refused.body.error.code).toBe('INVALID_API_KEY');
  });

  it('an agent and a receptionist are sent away from these pages, and the API refuses them', async () => {
    for (const role of ['agent', 'receptionist']) {
      const { page, token } = await signedIn([role], `Only ${role}`, '/');
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).not.toEqual(
        expect.arrayContaining(['Wallboard', 'Reports', 'Admin']),
      );
      for (const path of ['/wallboard', '/reports/queues', '/admin/users', '/admin/codes']) {
        await page.goto(`${app.url}${path}`);
        await expectText(page.getByRole('alert'), 'not available for your role');
        expect(new URL(page.url()).pathname).not.toBe(path);
      }
      for (const path of ['/api/stats/live', '/api/telephony/unmapped-codes', '/api/api-keys']) {
        const res = await as(token).get(path).expect(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
  });

  async function agentAt(name: string) {
    const user = await world.user(['agent'], name);
    const page = await open();
    await signIn(page, app.url, user.username, user.password);
    await page.getByRole('button', { name: 'Available' }).click();
    await page.getByRole('button', { name: 'Available', pressed: true }).waitFor();
    return { page, user };
  }
});

/** The figure under a tile's label (`<dt>label</dt><dd>value</dd>`). */
function metricCell(tile: Locator, label: string): Locator {
  return tile
    .locator('dt', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) })
    .locator('xpath=following-sibling::dd[1]');
}

async function metric(tile: Locator, label: string): Promise<string> {
  return ((await metricCell(tile, label).textContent()) ?? '').trim();
}

/** Waits (Playwright's polling, generous ceiling) until the tile shows `value` under `label`. */
async function expectMetric(tile: Locator, label: string, value: string): Promise<void> {
  await metricCell(tile, label)
    .filter({ hasText: new RegExp(`^${value}$`) })
    .waitFor({ timeout: 30_000 });
}

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 30_000 });
}

/**
 * What is wrong with the tiles' layout: a label under a big figure that wraps to a second line,
 * a header on two lines, or a row of figures wider than its tile. With `worstCase` the figures
 * are first overwritten with the widest ones a busy day brings ("88", "59:59", "100 %"); React no
 * longer updates those cells, so this is the page's last check.
 */
async function tileLayoutFaults(page: Page, worstCase = false): Promise<string[]> {
  return page.evaluate(`(${TILE_LAYOUT_FAULTS})(${worstCase})`);
}

/** Runs in the page (the test build has no DOM types, so it is kept as source). */
const TILE_LAYOUT_FAULTS = `(worst) => {
  const faults = [];
  for (const tile of document.querySelectorAll('.tile')) {
    const name = tile.getAttribute('aria-label');
    const main = tile.querySelector('.tile-main');
    if (worst)
      main.querySelectorAll('dd').forEach((dd, i) => {
        dd.textContent = ['88', '59:59', '100 %'][i] ?? dd.textContent;
      });
    for (const dt of main.querySelectorAll('dt')) {
      const lineHeight = parseFloat(getComputedStyle(dt).fontSize) * 1.4;
      if (dt.getBoundingClientRect().height > lineHeight * 1.5)
        faults.push(name + ': "' + dt.textContent + '" wraps');
    }
    if (main.scrollWidth > main.clientWidth + 1) faults.push(name + ': figures overflow');
    const head = tile.querySelector('.tile-head');
    const tallest = Math.max(...[...head.children].map((c) => c.getBoundingClientRect().height));
    if (head.getBoundingClientRect().height > tallest * 1.5) faults.push(name + ': header wraps');
  }
  return faults;
}`;
