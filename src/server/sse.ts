import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
}

/** Seconds between comments that keep proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Turns the reply into a server-sent event stream. Returns `send` (one event, JSON data) and `end`; `onClose`
 * runs once when the client goes away or the stream is ended.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, onClose: () => void): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': stream open\n\n');
  let closed = false;
  const timer = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  timer.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    onClose();
  };
  request.raw.on('close', close);
  return {
    send(event: string, data: unknown): void {
      if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end(): void {
      if (raw.writableEnded) return;
      close();
      raw.end();
    },
  };
}

/**
 * The streams opened through the returned function end when `app` starts closing: a page following a job would
 * otherwise hold the server's close open for as long as the job runs.
 */
export function eventStreamsOf(app: FastifyInstance): (request: FastifyRequest, reply: FastifyReply, onClose: () => void) => EventStream {
  const open = new Set<EventStream>();
  app.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end();
  });
  return (request, reply, onClose) => {
    const stream: EventStream = openEventStream(request, reply, () => {
      open.delete(stream);
      onClose();
    });
    open.add(stream);
    return stream;
  };
}
