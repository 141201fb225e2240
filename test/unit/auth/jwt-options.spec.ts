import { JwtService } from '@nestjs/jwt';
import * as jsonwebtoken from 'jsonwebtoken';
import { loadConfig } from '@/config/app-config';
import { jwtOptions } from '@/modules/auth/jwt-options';

describe('access token signing', () => {
  const secret = 'a-test-secret-of-enough-length-0123456789';
  const jwt = new JwtService(jwtOptions(loadConfig({ JWT_SECRET: secret })));

  it('verifies what it signed, as HS256 with the configured secret', async () => {
    const token = await jwt.signAsync({ sub: 'u1' }, { expiresIn: 60 });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    // The same secret as a plain string (how other services would check it) accepts it too.
    expect(jsonwebtoken.verify(token, secret)).toMatchObject({ sub: 'u1' });
    await expect(jwt.verifyAsync(token)).resolves.toMatchObject({ sub: 'u1' });
  });

  it('refuses a token signed with another secret, another algorithm or none', async () => {
    const other = jsonwebtoken.sign({ sub: 'u1' }, 'another-secret', { algorithm: 'HS256' });
    const hs512 = jsonwebtoken.sign({ sub: 'u1' }, secret, { algorithm: 'HS512' });
    const none = jsonwebtoken.sign({ sub: 'u1' }, '', { algorithm: 'none' });
    await expect(jwt.verifyAsync(other)).rejects.toThrow(/invalid signature/);
    await expect(jwt.verifyAsync(hs512)).rejects.toThrow(/invalid algorithm/);
    await expect(jwt.verifyAsync(none)).rejects.toThrow(/jwt signature is required/);
  });
});
