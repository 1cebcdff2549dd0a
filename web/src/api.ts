/** The server's JSON and SSE routes, with the API key (when the server asks for one) on every request. */

const KEY = 'osteon.apiKey';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = localStorage.getItem(KEY);
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra;
}

export function setApiKey(key: string): void {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

async function check(response: Response): Promise<Response> {
  if (response.ok) return response;
  let code = 'HTTP_' + response.status;
  let message = `The server answered ${response.status} ${response.statusText}.`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } | string; message?: string };
    const error = typeof body.error === 'object' ? body.error : { code: body.error, message: body.message };
    code = error?.code ?? code;
    message = error?.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 401 || response.status === 403) window.dispatchEvent(new CustomEvent('osteon:unauthorised'));
  throw new ApiError(response.status, code, message);
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  return (await check(await fetch(path, init))).json() as Promise<T>;
}

/** Sends a file as the raw request body (uploads, predictions). */
export async function sendFile<T>(path: string, file: Blob): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: headers({ 'content-type': 'application/octet-stream' }), body: file });
  return (await check(response)).json() as Promise<T>;
}

export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  const response = await fetch(path, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  return (await check(response)).blob();
}

export async function getText(path: string): Promise<string> {
  return (await check(await fetch(path, { headers: headers() }))).text();
}

/** An image route as an <img> source: the URL itself, or a blob URL when a key must go in a header. */
export async function imageSource(path: string): Promise<string> {
  if (!localStorage.getItem(KEY)) return path;
  return URL.createObjectURL(await (await check(await fetch(path, { headers: headers() }))).blob());
}

/**
 * Follows a server-sent event stream with fetch (EventSource cannot send the API key). Calls `onEvent` per event
 * until the stream ends or `signal` aborts.
 */
export async function followEvents(path: string, onEvent: (type: string, data: unknown) => void, signal: AbortSignal): Promise<void> {
  const response = await check(await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal }));
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(type, JSON.parse(data.join('\n')));
    }
  }
}
