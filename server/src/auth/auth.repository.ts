import { Injectable } from '@nestjs/common';
import type { Role } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { hashFeedToken, hashPassword, newFeedToken } from './secrets';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  scope_id: string | null;
  person_id: string | null;
  disabled: boolean;
}

/** Users and feed tokens; only hashes of their secrets are stored. */
@Injectable()
export class AuthRepository {
  constructor(private readonly ds: DataSource) {}

  async findUser(username: string): Promise<UserRow | null> {
    const rows: UserRow[] = await this.ds.query(`SELECT * FROM users WHERE username = $1`, [username]);
    return rows[0] ?? null;
  }

  async upsertUser(u: { username: string; displayName: string; password: string; role: Role; scopeId: string | null; personId?: string | null }) {
    const hash = await hashPassword(u.password);
    await this.ds.query(
      `INSERT INTO users (username, display_name, password_hash, role, scope_id, person_id) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
         role = EXCLUDED.role, scope_id = EXCLUDED.scope_id, person_id = EXCLUDED.person_id, disabled = false`,
      [u.username, u.displayName, hash, u.role, u.role === 'hq' ? null : u.scopeId, u.personId ?? null],
    );
  }

  /** Creates a token and returns it in clear, once; the database keeps only its hash. */
  async createFeedToken(name: string, scope: string): Promise<string> {
    const token = newFeedToken();
    await this.ds.query(`INSERT INTO feed_tokens (name, token_hash, scope) VALUES ($1, $2, $3)`, [name, hashFeedToken(token), scope]);
    return token;
  }

  async findFeedToken(token: string): Promise<{ id: string; name: string; scope: string } | null> {
    const rows = await this.ds.query(`SELECT id, name, scope FROM feed_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hashFeedToken(token)]);
    return rows[0] ?? null;
  }

  async revokeFeedToken(name: string): Promise<number> {
    const r = await this.ds.query(`UPDATE feed_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id`, [name]);
    return (r as unknown[][])[0]?.length ?? 0;
  }
}
