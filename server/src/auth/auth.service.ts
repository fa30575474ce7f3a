import { Inject, Injectable } from '@nestjs/common';
import type { UserInfo } from '@kanjian/shared';
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { AuthRepository } from './auth.repository';
import type { FeedPrincipal, Principal, UserPrincipal } from './principal';
import { verifyPassword } from './secrets';

const FEED_CACHE_MS = 30_000;

interface JwtClaims {
  sub: string;
  usr: string;
  role: UserPrincipal['role'];
  scope: string | null;
  person: string | null;
}

@Injectable()
export class AuthService {
  /** Feed tokens are checked on every ingest request: cache the lookup (a revoked token stops within 30 s). */
  private readonly feedCache = new Map<string, { p: FeedPrincipal | null; until: number }>();
  /**
   * The signing key as a KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to read it as
   * a public key on every verify, which showed in profiles when 2,000 screens reconnect at once.
   */
  private readonly jwtKey: KeyObject;

  constructor(
    private readonly repo: AuthRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.jwtKey = createSecretKey(Buffer.from(config.KJ_JWT_SECRET, 'utf8'));
  }

  async login(username: string, password: string) {
    const u = await this.repo.findUser(username);
    if (!u || u.disabled || !(await verifyPassword(password, u.password_hash))) {
      throw new AppError('auth/bad_credentials', 'unknown user or wrong password');
    }
    const claims: JwtClaims = { sub: String(u.id), usr: u.username, role: u.role, scope: u.scope_id, person: u.person_id };
    const token = jwt.sign(claims, this.jwtKey, { expiresIn: this.config.KJ_JWT_TTL_S, algorithm: 'HS256' });
    const user: UserInfo = { username: u.username, displayName: u.display_name, role: u.role, scopeId: u.scope_id, personId: u.person_id };
    return { token, expiresAt: new Date(Date.now() + this.config.KJ_JWT_TTL_S * 1000).toISOString(), user };
  }

  /** Resolves a bearer token, feed or user; throws 401 with the reason. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new AppError('auth/missing_token', 'missing bearer token');
    if (token.startsWith('kjf_')) {
      const p = await this.feed(token);
      if (!p) throw new AppError('auth/invalid_token', 'unknown or revoked feed token');
      return p;
    }
    try {
      const c = jwt.verify(token, this.jwtKey, { algorithms: ['HS256'] }) as JwtClaims;
      return { kind: 'user', userId: c.sub, username: c.usr, role: c.role, scopeId: c.scope, personId: c.person };
    } catch (e) {
      throw new AppError('auth/invalid_token', `invalid token: ${(e as Error).message}`);
    }
  }

  private async feed(token: string): Promise<FeedPrincipal | null> {
    const hit = this.feedCache.get(token);
    if (hit && hit.until > Date.now()) return hit.p;
    const row = await this.repo.findFeedToken(token);
    const p: FeedPrincipal | null = row ? { kind: 'feed', tokenId: String(row.id), name: row.name, scope: row.scope } : null;
    if (this.feedCache.size > 10_000) this.feedCache.clear();
    this.feedCache.set(token, { p, until: Date.now() + (p ? FEED_CACHE_MS : 2_000) });
    return p;
  }
}
