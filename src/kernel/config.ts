import { z } from 'zod';
import { InputError } from './errors.ts';

/** An empty variable counts as unset (`KIBAN_ZABBIX_URL=` in a unit file). */
const unset = <T extends z.ZodType>(t: T) => z.preprocess((v) => (v === '' ? undefined : v), t);

/**
 * Deployment configuration, read once from the environment at start. Everything a site may want to
 * change without code lives here; the defaults are the seed documents' proposals (N = Nagasaki).
 */
const schema = z.object({
  KIBAN_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  KIBAN_HOST: z.string().default('0.0.0.0'),
  KIBAN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  KIBAN_MODE: z.enum(['demo', 'production']).default('production'),
  KIBAN_PLATFORM_NAME: z.string().default('第三期サーバ仮想化統合基盤'),
  KIBAN_BUSINESS_OPEN: z.string().default('09:00'),
  KIBAN_BUSINESS_CLOSE: z.string().default('17:45'),
  KIBAN_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  KIBAN_SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(10),
  /** Set when served behind TLS (or a TLS-terminating proxy): cookies get the Secure flag. */
  KIBAN_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  KIBAN_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  KIBAN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KIBAN_DEMO_PASSWORD: z.string().min(12).optional(),
  /** The platform's name as N's mail subjects print it: 【第三期サーバ仮想基盤障害発生】. */
  KIBAN_MAIL_PLATFORM_NAME: z.string().default('第三期サーバ仮想基盤'),
  KIBAN_MAIL_FROM: z.string().default('kiban@localhost'),
  /** Directory login for people whose account source is 'ldap' (search-then-bind). */
  KIBAN_LDAP_URL: z
    .string()
    .regex(/^ldaps?:\/\//)
    .optional(),
  KIBAN_LDAP_BASE_DN: z.string().optional(),
  KIBAN_LDAP_LOGIN_ATTRIBUTE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*$/)
    .default('uid'),
  KIBAN_LDAP_BIND_DN: z.string().optional(),
  KIBAN_LDAP_BIND_PASSWORD: z.string().optional(),
  KIBAN_SMTP_HOST: z.string().default('127.0.0.1'),
  KIBAN_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  KIBAN_SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  KIBAN_SMTP_USER: z.string().optional(),
  KIBAN_SMTP_PASSWORD: z.string().optional(),
  /** Run the monitoring engine and the sender listener in the server process (MON). */
  KIBAN_MONITORING: z.enum(['on', 'off']).default('off'),
  KIBAN_SENDER_PORT: z.coerce.number().int().min(0).max(65535).default(10051),
  /** M §3.3 (5): 'continue' = monitoring continues during planned stops (計画停止 needs no suppression). */
  KIBAN_MONITORING_PLANNED_STOP: z.enum(['suppress', 'continue']).default('suppress'),
  /** A site's own Zabbix server (6.0+): its API (problems pulled, suppressions as maintenances) and webhook. */
  KIBAN_ZABBIX_URL: unset(
    z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL of the Zabbix frontend or its api_jsonrpc.php')
      .optional(),
  ),
  KIBAN_ZABBIX_TOKEN: unset(z.string().min(1).optional()),
  KIBAN_ZABBIX_WEBHOOK_SECRET: unset(
    z.string().min(16, 'the webhook secret must have at least 16 characters (Zabbix sends it in the X-Kiban-Webhook-Secret header)').max(256).optional(),
  ),
  KIBAN_ZABBIX_PULL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  /** Largest uploadable file (documents, release evidence), in MiB. */
  KIBAN_FILE_MAX_MIB: z.coerce.number().int().min(1).max(1024).default(20),
  /** CHG-2: the supervisor approves a release plan this many business days before the maintenance day. */
  KIBAN_RELEASE_APPROVAL_LEAD_DAYS: z.coerce.number().int().min(0).max(30).default(3),
  /** A release past its planned end keeps its suppression until it ends, at most this many hours past the planned end. */
  KIBAN_RELEASE_OVERRUN_HOURS: z.coerce.number().min(0).max(72).default(6),
  /** BAK-5: a restore request is due this many business days after it is received (N sets no deadline; src/operations/restores.ts). */
  KIBAN_RESTORE_DUE_BUSINESS_DAYS: z.coerce.number().int().min(1).max(30).default(2),
  /** Several processes on one PostgreSQL: 'api' serves HTTP only, 'worker' runs the background jobs only, 'all' both. */
  KIBAN_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** A background job's run is held this long without renewal; a killed process's run is taken over after it. */
  KIBAN_JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  /** SLM-5 / N §3.1.3.4: a KPI worsening this many months in a row opens an improvement problem. */
  KIBAN_SLM_WORSENING_MONTHS: z.coerce.number().int().min(2).max(12).default(3),
  /** SLM-4 監視運用: the first response (一次対応着手) is on time within this many minutes of detection. */
  KIBAN_SLM_FIRST_RESPONSE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  mode: 'demo' | 'production';
  platformName: string;
  businessHours: { open: string; close: string };
  session: { idleMinutes: number; absoluteHours: number };
  secureCookies: 'auto' | 'true' | 'false';
  trustProxy: boolean;
  logLevel: string;
  demoPassword: string | undefined;
  ldap: { url: string; baseDn: string; loginAttribute: string; bindDn?: string; bindPassword?: string } | undefined;
  mail: {
    platformName: string;
    from: string;
    smtp: { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined };
  };
  monitoring: { enabled: boolean; senderPort: number; plannedStopKeepsMonitoring: boolean };
  /** A site's Zabbix server; undefined when none of KIBAN_ZABBIX_URL / _TOKEN / _WEBHOOK_SECRET is set. */
  zabbix:
    | {
        /** URL + API token: problems are pulled every `pullSeconds`, suppressions become maintenances. */
        api: { url: string; token: string } | undefined;
        pullSeconds: number;
        /** When set, POST /api/monitoring/zabbix/webhook takes the webhook media type's calls. */
        webhookSecret: string | undefined;
      }
    | undefined;
  /** Uploads (src/files): the largest file accepted. */
  files: { maxBytes: number };
  /** Releases (src/changes): the approval lead time in business days. */
  releases: { approvalLeadBusinessDays: number; overrunCeilingHours: number };
  serviceLevels: { worseningMonths: number; firstResponseMinutes: number };
  /** Operations (src/operations): a restore request's deadline in business days after receipt. */
  operations: { restoreDueBusinessDays: number };
  /** What this process runs (KIBAN_ROLE) and the background jobs' lease (src/worker/runs.ts). */
  process: { role: 'all' | 'api' | 'worker'; jobLeaseMs: number };
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), { key: 'error.config_value', params: { detail: i.message } }]));
    throw new InputError('error.config', {}, fields);
  }
  const e = parsed.data;
  // The API needs both halves: a URL without a token (or the reverse) is a mistake, not "off".
  const half = e.KIBAN_ZABBIX_URL && !e.KIBAN_ZABBIX_TOKEN ? 'KIBAN_ZABBIX_TOKEN' : !e.KIBAN_ZABBIX_URL && e.KIBAN_ZABBIX_TOKEN ? 'KIBAN_ZABBIX_URL' : null;
  if (half) {
    const other = half === 'KIBAN_ZABBIX_URL' ? 'KIBAN_ZABBIX_TOKEN' : 'KIBAN_ZABBIX_URL';
    throw new InputError('error.config', {}, { [half]: { key: 'error.config_value', params: { detail: `required with ${other}` } } });
  }
  return {
    port: e.KIBAN_PORT,
    host: e.KIBAN_HOST,
    dataDir: e.KIBAN_DATA_DIR,
    databaseUrl: e.DATABASE_URL || undefined,
    mode: e.KIBAN_MODE,
    platformName: e.KIBAN_PLATFORM_NAME,
    businessHours: { open: e.KIBAN_BUSINESS_OPEN, close: e.KIBAN_BUSINESS_CLOSE },
    session: { idleMinutes: e.KIBAN_SESSION_IDLE_MINUTES, absoluteHours: e.KIBAN_SESSION_ABSOLUTE_HOURS },
    secureCookies: e.KIBAN_SECURE_COOKIES,
    trustProxy: e.KIBAN_TRUST_PROXY === 'true',
    logLevel: e.KIBAN_LOG_LEVEL,
    demoPassword: e.KIBAN_DEMO_PASSWORD,
    ldap: e.KIBAN_LDAP_URL
      ? {
          url: e.KIBAN_LDAP_URL,
          baseDn: e.KIBAN_LDAP_BASE_DN ?? '',
          loginAttribute: e.KIBAN_LDAP_LOGIN_ATTRIBUTE,
          bindDn: e.KIBAN_LDAP_BIND_DN || undefined,
          bindPassword: e.KIBAN_LDAP_BIND_PASSWORD || undefined,
        }
      : undefined,
    mail: {
      platformName: e.KIBAN_MAIL_PLATFORM_NAME,
      from: e.KIBAN_MAIL_FROM,
      smtp: {
        host: e.KIBAN_SMTP_HOST,
        port: e.KIBAN_SMTP_PORT,
        secure: e.KIBAN_SMTP_SECURE === 'true',
        user: e.KIBAN_SMTP_USER || undefined,
        password: e.KIBAN_SMTP_PASSWORD || undefined,
      },
    },
    monitoring: {
      enabled: e.KIBAN_MONITORING === 'on',
      senderPort: e.KIBAN_SENDER_PORT,
      plannedStopKeepsMonitoring: e.KIBAN_MONITORING_PLANNED_STOP === 'continue',
    },
    zabbix:
      e.KIBAN_ZABBIX_URL || e.KIBAN_ZABBIX_WEBHOOK_SECRET
        ? {
            api: e.KIBAN_ZABBIX_URL && e.KIBAN_ZABBIX_TOKEN ? { url: e.KIBAN_ZABBIX_URL, token: e.KIBAN_ZABBIX_TOKEN } : undefined,
            pullSeconds: e.KIBAN_ZABBIX_PULL_SECONDS,
            webhookSecret: e.KIBAN_ZABBIX_WEBHOOK_SECRET,
          }
        : undefined,
    files: { maxBytes: e.KIBAN_FILE_MAX_MIB * 1024 * 1024 },
    releases: { approvalLeadBusinessDays: e.KIBAN_RELEASE_APPROVAL_LEAD_DAYS, overrunCeilingHours: e.KIBAN_RELEASE_OVERRUN_HOURS },
    serviceLevels: { worseningMonths: e.KIBAN_SLM_WORSENING_MONTHS, firstResponseMinutes: e.KIBAN_SLM_FIRST_RESPONSE_MINUTES },
    operations: { restoreDueBusinessDays: e.KIBAN_RESTORE_DUE_BUSINESS_DAYS },
    process: { role: e.KIBAN_ROLE, jobLeaseMs: e.KIBAN_JOB_LEASE_SECONDS * 1000 },
  };
}
