import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@kanjian/shared';
import type { Request } from 'express';
import { AppError } from '../common/errors';
import { AuthService } from './auth.service';
import type { Principal } from './principal';

export interface AuthRequirement {
  /** Which kinds of principal may call: devices/services ('feed') and/or people ('user'). */
  kinds: ('feed' | 'user')[];
  /** For users: the roles allowed; all when omitted. */
  roles?: Role[];
  /** For feed tokens: require scope `all` (services such as the simulator or a gateway). */
  feedScopeAll?: boolean;
}

export const AUTH_KEY = 'kj:auth';
export const Auth = (req: AuthRequirement) => SetMetadata(AUTH_KEY, req);

export type AuthedRequest = Request & { principal: Principal };

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
}

/** Every route is closed unless it says `@Auth(...)` or `@Auth({kinds: []})` for public ones. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const need = this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (need && need.kinds.length === 0) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const p = await this.auth.authenticate(bearer(req.headers.authorization));
    const kinds = need?.kinds ?? ['user'];
    if (!kinds.includes(p.kind)) throw new AppError('auth/forbidden', `this endpoint is not for ${p.kind} tokens`);
    if (p.kind === 'user' && need?.roles && !need.roles.includes(p.role)) {
      throw new AppError('auth/forbidden', `role ${p.role} may not do this`);
    }
    if (p.kind === 'feed' && need?.feedScopeAll && p.scope !== 'all') {
      throw new AppError('auth/out_of_scope', `feed token scope ${p.scope} does not cover this endpoint`);
    }
    req.principal = p;
    return true;
  }
}
