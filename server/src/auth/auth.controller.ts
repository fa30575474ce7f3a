import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { LoginRequestSchema, type UserInfo } from '@kanjian/shared';
import { parseBody } from '../common/validation';
import { Auth, type AuthedRequest } from './auth.guard';
import { AuthService } from './auth.service';

@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Auth({ kinds: [] })
  login(@Body() body: unknown) {
    const { username, password } = parseBody(LoginRequestSchema, body);
    return this.auth.login(username, password);
  }

  @Get('me')
  @Auth({ kinds: ['user'] })
  me(@Req() req: AuthedRequest): UserInfo | { kind: string } {
    const p = req.principal;
    if (p.kind !== 'user') return { kind: p.kind };
    return { username: p.username, displayName: p.username, role: p.role, scopeId: p.scopeId, personId: p.personId };
  }
}
