import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { passwordHasher } from '@/modules/auth/password-hasher';
import { SessionRevocation } from '@/modules/auth/session-revocation.service';
import type { SessionRevokedReason } from '@/modules/auth/sessions.events';
import { User } from '@/modules/staff/entities/user.entity';
import { CreateUserDto, UpdateUserDto } from '@/modules/staff/dto/user.dto';
import { PageQueryDto } from '@/common/pagination/page.dto';
import type { Role, UserRole } from '@/common/auth/roles';

/**
 * What an update does to the person's open sessions, the strongest first: deactivation and a new
 * password end them (the token version moves on); new roles only close the sockets, whose rooms
 * were chosen by the old roles (requests already read the roles from the account).
 */
export function sessionChange(
  before: { active: boolean; roles: readonly UserRole[] },
  input: UpdateUserDto,
): { reason: SessionRevokedReason; bumpTokenVersion: boolean } | null {
  if (input.active === false && before.active) {
    return { reason: 'deactivated', bumpTokenVersion: true };
  }
  if (input.password !== undefined) return { reason: 'password_changed', bumpTokenVersion: true };
  if (
    input.roles !== undefined &&
    (input.roles.length !== before.roles.length ||
      input.roles.some((role) => !before.roles.includes(role)))
  ) {
    return { reason: 'roles_changed', bumpTokenVersion: false };
  }
  return null;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly sessions: SessionRevocation,
  ) {}

  async create(input: CreateUserDto): Promise<User> {
    const user = this.em.create(User, {
      username: input.username.toLowerCase(),
      displayName: input.displayName,
      passwordHash: await passwordHasher.hash(input.password),
      roles: input.roles,
      extension: input.extension ?? null,
    });
    await this.em.flush();
    return user;
  }

  /** Ids of the active people holding a role, e.g. the supervisors an alert goes to. */
  async activeIdsWithRole(role: Role): Promise<string[]> {
    const users = await this.em
      .fork()
      .find(User, { roles: { $contains: [role] }, active: true }, { fields: ['id'] });
    return users.map((u) => u.id);
  }

  /** Every active user by display name: the people directory any colleague may read. */
  async activePeople(): Promise<Pick<User, 'id' | 'username' | 'displayName' | 'roles'>[]> {
    return this.em.find(
      User,
      { active: true },
      { fields: ['id', 'username', 'displayName', 'roles'], orderBy: { displayName: 'asc' } },
    );
  }

  async get(id: string): Promise<User> {
    const user = await this.em.findOne(User, { id });
    if (!user) throw AppError.notFound('User', id);
    return user;
  }

  async list(query: PageQueryDto): Promise<[User[], number]> {
    return this.em.findAndCount(
      User,
      {},
      { orderBy: { username: 'asc' }, limit: query.limit, offset: query.offset },
    );
  }

  async update(id: string, input: UpdateUserDto): Promise<User> {
    const user = await this.get(id);
    const change = sessionChange(user, input);
    if (input.displayName !== undefined) user.displayName = input.displayName;
    if (input.roles !== undefined) user.roles = input.roles;
    if (input.extension !== undefined) user.extension = input.extension;
    if (input.active !== undefined) user.active = input.active;
    if (input.password !== undefined) user.passwordHash = await passwordHasher.hash(input.password);
    if (change?.bumpTokenVersion) user.tokenVersion += 1;
    await this.em.flush();
    await this.sessions.accountChanged(user.id, change?.reason ?? null);
    return user;
  }

  /** "Sign out everywhere": every token issued so far is refused and open sockets are closed. */
  async revokeSessions(id: string): Promise<void> {
    const user = await this.get(id);
    user.tokenVersion += 1;
    await this.em.flush();
    await this.sessions.accountChanged(user.id, 'signed_out');
  }

  /**
   * On an empty database the first admin comes from ADMIN_USERNAME / ADMIN_PASSWORD. Several
   * processes may race here; the unique username makes all but one insert fail harmlessly.
   */
  async ensureBootstrapAdmin(): Promise<void> {
    const em = this.em.fork();
    if ((await em.count(User, {})) > 0) return;
    const admin = this.config.auth.bootstrapAdmin;
    if (!admin) {
      this.logger.warn(
        'No users yet: set ADMIN_USERNAME and ADMIN_PASSWORD and restart to create the first admin',
      );
      return;
    }
    try {
      em.create(User, {
        username: admin.username.toLowerCase(),
        displayName: 'Administrator',
        passwordHash: await passwordHasher.hash(admin.password),
        roles: ['admin'],
      });
      await em.flush();
      this.logger.log(`created the first admin '${admin.username}'`);
    } catch (err) {
      if (!(err instanceof Error && /unique|duplicate/i.test(err.message))) throw err;
    }
  }
}
