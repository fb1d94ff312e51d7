import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createSmtpTransport, type MailTransport } from './transport.ts';

/** A mail as it arrived at the test SMTP server, parsed back with mailparser. */
export interface ReceivedMail {
  messageId: string | undefined;
  subject: string | undefined;
  text: string | undefined;
  to: string[];
  cc: string[];
  envelopeTo: string[];
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** A nodemailer SMTP transport pointed at this server. */
  transport(): MailTransport;
  /** Stops listening (an outage): deliveries fail with a connection error until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  countByMessageId(): Map<string, number>;
}

function addresses(a: ParsedMail['to']): string[] {
  if (!a) return [];
  return (Array.isArray(a) ? a : [a]).flatMap((x) => x.value.map((v) => v.address ?? ''));
}

/**
 * A real SMTP server on loopback (smtp-server), for tests: no mocks between the outbox worker and the
 * wire. `rejectRecipients` get a permanent 550 at RCPT TO.
 */
export async function startTestSmtpServer(opts: { rejectRecipients?: string[]; /** Waited before each 250 reply (a slow relay). */ delayMs?: () => number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const reject = new Set((opts.rejectRecipients ?? []).map((r) => r.toLowerCase()));
  let server: SMTPServer | undefined;
  let port = 0;

  const make = () =>
    new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      closeTimeout: 100,
      onRcptTo(address, _session, cb) {
        if (reject.has(address.address.toLowerCase())) {
          const e = new Error('5.1.1 mailbox unavailable') as Error & { responseCode: number };
          e.responseCode = 550;
          return cb(e);
        }
        cb();
      },
      onData(stream, session, cb) {
        // The 250 reply (and so the sender's success) comes only after the mail is parsed and kept.
        simpleParser(stream)
          .then(async (parsed) => {
            const wait = opts.delayMs?.() ?? 0;
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            received.push({
              messageId: parsed.messageId,
              subject: parsed.subject,
              text: parsed.text,
              to: addresses(parsed.to),
              cc: addresses(parsed.cc),
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              parsed,
            });
            cb();
          })
          .catch((e: Error) => cb(e));
      },
    });

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const s = make();
      s.on('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.server.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await start();

  return {
    get port() {
      return port;
    },
    received,
    transport: () => createSmtpTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }),
    stop: () =>
      new Promise<void>((resolve) => {
        const s = server;
        server = undefined;
        if (!s) return resolve();
        s.close(() => resolve());
      }),
    start,
    countByMessageId() {
      const m = new Map<string, number>();
      for (const r of received) m.set(r.messageId ?? '', (m.get(r.messageId ?? '') ?? 0) + 1);
      return m;
    },
  };
}
