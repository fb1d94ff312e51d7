import type { AddressInfo } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The demo's mail catcher: an SMTP server on 127.0.0.1 that the outbox delivers to in demo mode.
 * It keeps the newest `keep` mails in memory (a demo restart starts empty) for the /demo/mail
 * screen; nothing is relayed anywhere.
 */
export interface CaughtMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
}

export interface MailCatcher {
  readonly host: string;
  readonly port: number;
  /** Newest first. */
  mails(): CaughtMail[];
  close(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  a ? (Array.isArray(a) ? a : [a]).flatMap((x) => x.value.map((v) => v.address ?? '')).filter(Boolean) : [];

export async function startMailCatcher(opts: { port?: number; keep?: number; now?: () => Date } = {}): Promise<MailCatcher> {
  const keep = opts.keep ?? 500;
  const now = opts.now ?? (() => new Date());
  const caught: CaughtMail[] = [];
  let seq = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    banner: 'Kiban demo mail catcher (nothing is relayed)',
    size: 2 * 1024 * 1024,
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          caught.unshift({
            id: ++seq,
            receivedAt: now().toISOString(),
            from: addresses(m.from)[0] ?? '',
            to: addresses(m.to),
            cc: addresses(m.cc),
            subject: m.subject ?? '',
            text: m.text ?? '',
          });
          if (caught.length > keep) caught.length = keep;
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  const host = '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host,
    port,
    mails: () => caught.slice(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
