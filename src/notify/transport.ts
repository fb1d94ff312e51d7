import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';

/** What the outbox worker needs from a transport; nodemailer's Transporter is one. */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<unknown>;
  close?(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** Refuse to send in clear text when the server does not offer STARTTLS. */
  requireTLS?: boolean;
  /** Skip STARTTLS even if offered (a loopback relay, tests). */
  ignoreTLS?: boolean;
}

/**
 * A nodemailer SMTP transport with bounded timeouts, so an unreachable relay fails the attempt in
 * seconds and the outbox retries later, instead of one delivery hanging the worker.
 */
export function createSmtpTransport(s: SmtpSettings): MailTransport {
  return nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: s.requireTLS ?? false,
    ignoreTLS: s.ignoreTLS ?? false,
    auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
}
