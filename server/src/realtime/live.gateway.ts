import { Logger } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  MessageBody,
  ConnectedSocket,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  type ClientToServerEvents,
  LIVE_NAMESPACE,
  RoomNameSchema,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@kanjian/shared';
import type { Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { userMayJoin, type UserPrincipal } from '../auth/principal';
import { MetricsService } from '../common/metrics.service';
import { ReferenceCache } from '../network/reference-cache.service';
import { LivePublisher, type LiveNamespace } from './live-publisher';

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { user: UserPrincipal }>;

/** Wallboards connect here with a user token; a socket joins only the rooms its user's role covers. */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, cors: { origin: true, credentials: true } })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly log = new Logger(LiveGateway.name);

  constructor(
    private readonly auth: AuthService,
    private readonly ref: ReferenceCache,
    private readonly publisher: LivePublisher,
    private readonly metrics: MetricsService,
  ) {}

  afterInit(ns: LiveNamespace) {
    this.publisher.attach(ns);
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: string } | undefined)?.token;
      this.auth.authenticate(token).then(
        (p) => {
          if (p.kind !== 'user') return next(new Error('auth/forbidden: wallboards connect with a user login'));
          (socket as LiveSocket).data.user = p;
          next();
        },
        (e: Error) => next(new Error(`auth/invalid_token: ${e.message}`)),
      );
    });
  }

  handleConnection() {
    this.metrics.sockets.inc();
  }

  handleDisconnect() {
    this.metrics.sockets.dec();
  }

  @SubscribeMessage('subscribe.v1')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: { room?: unknown }): Promise<SubscribeAck> {
    const parsed = RoomNameSchema.safeParse(body?.room);
    if (!parsed.success) return { ok: false, code: 'request/invalid', message: `room: ${parsed.error.issues[0]?.message}` };
    const room = parsed.data;
    const user = socket.data.user;
    if (!userMayJoin(user, room, this.ref)) {
      this.log.warn(`user ${user.username} (${user.role}:${user.scopeId}) refused room ${room}`);
      return { ok: false, code: 'auth/out_of_scope', message: `${user.role} user may not join ${room}` };
    }
    await socket.join(room);
    return { ok: true, snapshot: await this.publisher.snapshot(room) };
  }

  @SubscribeMessage('unsubscribe.v1')
  async unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: { room?: unknown }) {
    if (typeof body?.room === 'string') await socket.leave(body.room);
    return { ok: true };
  }
}
