import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';

/** |actual − expected| / expected, the tolerance published tables are quoted to. */
const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.abs(expected);

describe('Erlang calculators (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let supervisor: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    app = await startApp();
    admin = await adminToken(app);
    [supervisor, agent] = await Promise.all([
      createUser(app, ['supervisor']),
      createUser(app, ['agent']),
    ]);
  });
  afterAll(() => app.close());

  const get = (path: string, token = supervisor.token) =>
    app.http.get(path).set('authorization', `Bearer ${token}`);

  describe('Erlang B', () => {
    it('matches the published table: A = 10 E on 10 lines blocks 21.45823 %', async () => {
      const res = await get('/api/erlang/b?traffic=10&lines=10').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['blocking', 'lines', 'traffic']);
      expect(res.body).toMatchObject({ traffic: 10, lines: 10 });
      expect(res.body.blocking).toBeCloseTo(0.2145823, 6);
    });

    it('no lines block everything, no traffic blocks nothing', async () => {
      expect((await get('/api/erlang/b?traffic=3&lines=0').expect(200)).body.blocking).toBe(1);
      expect((await get('/api/erlang/b?traffic=0&lines=5').expect(200)).body.blocking).toBe(0);
    });

    it('lines-needed is the smallest N reaching the target: N meets it, N − 1 does not', async () => {
      const res = await get('/api/erlang/lines-needed?traffic=10&blocking=0.01').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['blocking', 'lines', 'target', 'traffic']);
      expect(res.body).toMatchObject({ traffic: 10, target: 0.01, lines: 18 });
      const lines = res.body.lines as number;

      const atN = await get(`/api/erlang/b?traffic=10&lines=${lines}`).expect(200);
      const belowN = await get(`/api/erlang/b?traffic=10&lines=${lines - 1}`).expect(200);
      expect(res.body.blocking).toBe(atN.body.blocking);
      expect(atN.body.blocking).toBeLessThanOrEqual(0.01);
      expect(belowN.body.blocking).toBeGreaterThan(0.01);
    });

    it('lines-needed defaults the target blocking to 1 %', async () => {
      const res = await get('/api/erlang/lines-needed?traffic=10').expect(200);
      expect(res.body).toMatchObject({ target: 0.01, lines: 18 });
    });
  });

  describe('Erlang C', () => {
    it('matches the published table: A = 10 E, N = 11 → P(wait) 0.682118', async () => {
      const res = await get('/api/erlang/c?traffic=10&agents=11&aht=180').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(
        ['agents', 'aht', 'asa', 'occupancy', 'pWait', 'serviceLevel', 'target', 'traffic'].sort(),
      );
      expect(res.body).toMatchObject({ traffic: 10, agents: 11, aht: 180, target: 20 });
      const { pWait, asa, serviceLevel, occupancy } = res.body as Record<string, number>;
      expect(relativeError(pWait, 0.682118)).toBeLessThanOrEqual(1e-6);
      // ASA = C·AHT/(N−A), SL(T) = 1 − C·e^(−(N−A)·T/AHT), fractions and seconds, not percentages.
      expect(asa).toBeCloseTo((pWait * 180) / 1, 9);
      expect(serviceLevel).toBeCloseTo(1 - pWait * Math.exp((-1 * 20) / 180), 12);
      expect(occupancy).toBeCloseTo(10 / 11, 12);
    });

    it('uses the given service-level threshold', async () => {
      const res = await get('/api/erlang/c?traffic=10&agents=12&aht=180&target=60').expect(200);
      expect(res.body.target).toBe(60);
      expect(res.body.serviceLevel).toBeCloseTo(
        1 - (res.body.pWait as number) * Math.exp((-2 * 60) / 180),
        12,
      );
    });

    it('agents that cannot keep up: everyone waits, nobody within T, ASA unbounded (null)', async () => {
      const res = await get('/api/erlang/c?traffic=10&agents=10&aht=180').expect(200);
      expect(res.body).toMatchObject({ pWait: 1, serviceLevel: 0, asa: null, occupancy: 1 });
    });

    it('agents-needed is the smallest N reaching the target: N meets it, N − 1 does not', async () => {
      const res = await get(
        '/api/erlang/agents-needed?traffic=10&aht=180&target=20&level=0.8',
      ).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'agents',
          'aht',
          'asa',
          'level',
          'occupancy',
          'pWait',
          'serviceLevel',
          'target',
          'traffic',
        ].sort(),
      );
      expect(res.body).toMatchObject({ traffic: 10, aht: 180, target: 20, level: 0.8 });
      const agents = res.body.agents as number;

      const atN = await get(`/api/erlang/c?traffic=10&agents=${agents}&aht=180`).expect(200);
      const belowN = await get(`/api/erlang/c?traffic=10&agents=${agents - 1}&aht=180`).expect(200);
      expect(atN.body.serviceLevel).toBeGreaterThanOrEqual(0.8);
      expect(belowN.body.serviceLevel).toBeLessThan(0.8);
      for (const key of ['pWait', 'serviceLevel', 'asa', 'occupancy']) {
        expect(res.body[key]).toBeCloseTo(atN.body[key] as number, 12);
      }
    });

    it('agents-needed defaults to 80 % in 20 s', async () => {
      const explicit = await get(
        '/api/erlang/agents-needed?traffic=10&aht=180&target=20&level=0.8',
      ).expect(200);
      const defaulted = await get('/api/erlang/agents-needed?traffic=10&aht=180').expect(200);
      expect(defaulted.body).toEqual(explicit.body);
    });

    it('agents-needed respects the maximum occupancy even when the service level is met', async () => {
      const loose = await get('/api/erlang/agents-needed?traffic=10&aht=180&level=0.5').expect(200);
      const res = await get(
        '/api/erlang/agents-needed?traffic=10&aht=180&level=0.5&maxOccupancy=0.7',
      ).expect(200);
      // 10 / 0.7 = 14.3, so 15 agents; the service level alone would need fewer.
      expect(loose.body.agents).toBeLessThan(15);
      expect(res.body.agents).toBe(15);
      expect(res.body.occupancy).toBeLessThanOrEqual(0.7);
      expect(10 / (res.body.agents - 1)).toBeGreaterThan(0.7);
    });
  });

  describe('bad input', () => {
    it.each([
      ['negative traffic', '/api/erlang/b?traffic=-1&lines=10', 'traffic'],
      ['non-numeric traffic', '/api/erlang/b?traffic=abc&lines=10', 'traffic'],
      ['blank traffic', '/api/erlang/b?traffic=&lines=10', 'traffic'],
      ['hex traffic', '/api/erlang/b?traffic=0x10&lines=10', 'traffic'],
      ['NaN traffic', '/api/erlang/c?traffic=NaN&agents=11&aht=180', 'traffic'],
      ['infinite traffic', '/api/erlang/c?traffic=Infinity&agents=11&aht=180', 'traffic'],
      ['traffic over the cap', '/api/erlang/b?traffic=100001&lines=10', 'traffic'],
      ['missing lines', '/api/erlang/b?traffic=10', 'lines'],
      ['missing traffic', '/api/erlang/lines-needed?blocking=0.01', 'traffic'],
      ['fractional lines', '/api/erlang/b?traffic=10&lines=1.5', 'lines'],
      ['lines over the cap', '/api/erlang/b?traffic=10&lines=100001', 'lines'],
      ['repeated lines', '/api/erlang/b?traffic=10&lines=5&lines=6', 'lines'],
      ['blocking of 1', '/api/erlang/lines-needed?traffic=10&blocking=1', 'blocking'],
      ['blocking of 0', '/api/erlang/lines-needed?traffic=10&blocking=0', 'blocking'],
      ['zero agents', '/api/erlang/c?traffic=10&agents=0&aht=180', 'agents'],
      ['negative agents', '/api/erlang/c?traffic=10&agents=-3&aht=180', 'agents'],
      ['missing aht', '/api/erlang/c?traffic=10&agents=11', 'aht'],
      ['zero aht', '/api/erlang/agents-needed?traffic=10&aht=0', 'aht'],
      ['negative threshold', '/api/erlang/c?traffic=10&agents=11&aht=180&target=-5', 'target'],
      ['level above 1', '/api/erlang/agents-needed?traffic=10&aht=180&level=1.2', 'level'],
      ['level as a percentage', '/api/erlang/agents-needed?traffic=10&aht=180&level=80', 'level'],
      [
        'maxOccupancy of 0',
        '/api/erlang/agents-needed?traffic=10&aht=180&maxOccupancy=0',
        'maxOccupancy',
      ],
      ['unknown argument', '/api/erlang/b?traffic=10&lines=10&erlangs=3', 'erlangs'],
    ])('%s → 400 VALIDATION_FAILED naming the field', async (_case, path, field) => {
      const res = await get(path).expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    });

    it('a question needing more than 100000 servers → 400 INVALID_ARGUMENT, not a 500', async () => {
      const lines = await get('/api/erlang/lines-needed?traffic=100000&blocking=0.001').expect(400);
      expect(lines.body.error.code).toBe('INVALID_ARGUMENT');
      const agents = await get(
        '/api/erlang/agents-needed?traffic=100000&aht=180&maxOccupancy=0.5',
      ).expect(400);
      expect(agents.body.error.code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('access', () => {
    it('admins may use the calculators', async () => {
      await get('/api/erlang/b?traffic=10&lines=10', admin).expect(200);
    });

    it('an agent → 403 FORBIDDEN', async () => {
      for (const path of [
        '/api/erlang/b?traffic=10&lines=10',
        '/api/erlang/lines-needed?traffic=10',
        '/api/erlang/c?traffic=10&agents=11&aht=180',
        '/api/erlang/agents-needed?traffic=10&aht=180',
      ]) {
        const res = await get(path, agent.token).expect(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    });

    it('no token → 401 UNAUTHENTICATED', async () => {
      const res = await app.http.get('/api/erlang/c?traffic=10&agents=11&aht=180').expect(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    });
  });
});
