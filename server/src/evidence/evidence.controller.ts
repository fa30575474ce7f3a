import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { readBody } from '../common/body';
import { AppError } from '../common/errors';
import { Auth, bearer } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';

const TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'video/mp4': 'mp4' };
const MIME: Record<string, string> = Object.fromEntries(Object.entries(TYPES).map(([m, e]) => [e, m]));
const MAX_BYTES = 32 * 1024 * 1024;

/** Evidence files (snapshots, photos, clips), stored by content hash so an upload retried is stored once. */
@Controller('api/v1/evidence')
export class EvidenceController {
  private readonly dir: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
  ) {
    this.dir = resolve(config.KJ_EVIDENCE_DIR);
  }

  @Post()
  @HttpCode(200)
  @Auth({ kinds: ['feed', 'user'] })
  async upload(@Req() req: Request) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const ext = TYPES[type];
    if (!ext) throw new AppError('request/unsupported_media_type', `content-type must be one of ${Object.keys(TYPES).join(', ')}`);
    const body = await readBody(req, MAX_BYTES);
    if (body.length === 0) throw new AppError('request/invalid', 'empty evidence body');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const name = `${sha256}.${ext}`;
    const path = join(this.dir, name);
    const exists = await stat(path).then(() => true, () => false);
    if (!exists) {
      await mkdir(this.dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, path);
    }
    return { uri: `/api/v1/evidence/${name}`, sha256 };
  }

  /** Screens show evidence in <img>, which cannot send a header: a user token may come as ?token=. */
  @Get(':name')
  @Auth({ kinds: [] })
  async get(@Param('name') name: string, @Query('token') qtoken: string | undefined, @Req() req: Request, @Res() res: Response) {
    await this.auth.authenticate(bearer(req.headers.authorization) ?? qtoken);
    const m = /^([a-f0-9]{64})\.(jpg|png|mp4)$/.exec(name);
    if (!m) throw new AppError('request/invalid', 'evidence name must be <sha256>.<jpg|png|mp4>');
    const path = join(this.dir, name);
    const st = await stat(path).catch(() => null);
    if (!st) throw new AppError('resource/not_found', `no evidence ${name}`);
    res.setHeader('content-type', MIME[m[2]!]!);
    res.setHeader('content-length', String(st.size));
    res.setHeader('cache-control', 'private, max-age=31536000, immutable');
    createReadStream(path).pipe(res);
  }
}
