/**
 * The `kiban` command: thin verbs over module services. Exit codes: 0 done, 1 failure (e.g. a broken
 * audit chain, database unreachable), 2 bad input or refused (the message names what is wrong).
 */
import { randomBytes } from 'node:crypto';
import { Command, CommanderError } from 'commander';
import { eq } from 'drizzle-orm';
import { verifyAuditChain } from '../audit/index.ts';
import { BusinessCalendar, registerCalendarCommands } from '../calendar/index.ts';
import { openConfigured } from '../db/datadir.ts';
import { systemActor } from '../iam/actor.ts';
import { ROLES, type Role } from '../iam/roles.ts';
import { departments } from '../iam/schema.ts';
import { createIamService } from '../iam/service.ts';
import { systemClock } from '../kernel/clock.ts';
import { loadConfig } from '../kernel/config.ts';
import { ZodError } from 'zod';
import { zodFields } from '../http/errors.ts';
import { DomainError, fieldError } from '../kernel/errors.ts';
import { type Lang, translate } from '../kernel/messages.ts';

const lang: Lang = /^en/i.test(process.env.KIBAN_LANG ?? process.env.LANG ?? '') ? 'en' : 'ja';
const out = (line: string) => process.stdout.write(`${line}\n`);

class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Opens the configured database, migrated, runs `fn`, and always closes (releasing the data-dir lock). */
async function withDatabase<T>(purpose: string, fn: (d: Awaited<ReturnType<typeof openConfigured>>) => Promise<T>): Promise<T> {
  const database = await openConfigured(loadConfig(), purpose);
  try {
    await database.migrate();
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function buildProgram(): Command {
  const program = new Command('kiban')
    .description('Kiban (基盤): operations management for a shared server-virtualization platform')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('start')
    .description('Start the web UI and API / サーバを起動（既定: http://localhost:8080）')
    .option('--demo', 'demo mode: load the demo organisation into a new database / デモモード')
    .option('-p, --port <port>', 'port (KIBAN_PORT)')
    .option('--api-only', 'serve HTTP only, no background jobs (KIBAN_ROLE=api) / API のみ')
    .option('--worker-only', 'background jobs only, no HTTP (KIBAN_ROLE=worker) / バックグラウンド処理のみ')
    .action(async (opts: { demo?: boolean; port?: string; apiOnly?: boolean; workerOnly?: boolean }) => {
      const env = { ...process.env };
      if (opts.demo) env.KIBAN_MODE = 'demo';
      if (opts.port) env.KIBAN_PORT = opts.port;
      if (opts.apiOnly && opts.workerOnly) throw new Error('--api-only and --worker-only exclude each other / 同時には指定できません');
      if (opts.apiOnly) env.KIBAN_ROLE = 'api';
      if (opts.workerOnly) env.KIBAN_ROLE = 'worker';
      // Loaded on demand: the other commands start faster without the whole web app.
      const { startServer } = await import('../http/server.ts');
      const server = await startServer(loadConfig(env), out);
      const stop = async (signal: string) => {
        out(`${signal}: stopping …`);
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });

  program
    .command('migrate')
    .description('Apply database migrations / データベースのマイグレーションを適用')
    .action(async () => {
      await withDatabase('kiban migrate', async (d) => out(`Migrations applied: ${d.where}`));
    });

  const user = program.command('user').description('People and accounts / 利用者');
  user
    .command('add')
    .description('Create a person with a local account; prints a generated password once / 利用者を作成')
    .argument('<login>', 'login ID / ログインID')
    .requiredOption('-n, --name <displayName>', 'display name / 氏名')
    .option('--admin', 'give the system administrator role / システム管理者')
    .option('-r, --role <role...>', `roles (${ROLES.join(', ')})`)
    .option('-d, --department <code>', 'department code / 所属コード')
    .option('-e, --email <address>', 'mail address / メールアドレス')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .option('--ldap', 'log in with the directory (LDAP) password; no local password / ディレクトリ認証')
    .action(async (login: string, opts: { name: string; admin?: boolean; role?: string[]; department?: string; email?: string; passwordStdin?: boolean; ldap?: boolean }) => {
      const password = opts.ldap ? undefined : opts.passwordStdin ? await readStdin() : randomBytes(15).toString('base64url');
      const roles = [...(opts.role ?? []), ...(opts.admin ? ['admin'] : [])] as Role[];
      await withDatabase('kiban user add', async (d) => {
        let departmentId: string | undefined;
        if (opts.department) {
          const [dept] = await d.db.select({ id: departments.id }).from(departments).where(eq(departments.code, opts.department));
          if (!dept) throw fieldError('department', 'cli.unknown_department', { code: opts.department });
          departmentId = dept.id;
        }
        const iam = createIamService({ db: d.db, clock: systemClock });
        const p = await iam.createPerson(systemActor('kiban user add'), {
          login,
          displayName: opts.name,
          email: opts.email ?? null,
          departmentId: departmentId ?? null,
          password,
          authSource: opts.ldap ? 'ldap' : 'local',
          roles,
        });
        out(`Created ${p.login} (${roles.join(', ') || 'no role'}).`);
        if (password && !opts.passwordStdin) out(`Password (shown once) / 初期パスワード（この表示は一度だけです）: ${password}`);
      });
    });

  const demo = program.command('demo').description('Demo data / デモデータ');
  demo
    .command('load')
    .description('Load the demo organisation into a new (empty) database / デモデータを読み込む')
    .option('--scale <n>', 'multiply the estate for benchmarks', '1')
    .action(async (opts: { scale: string }) => {
      const scale = Number(opts.scale);
      if (!Number.isInteger(scale) || scale < 1 || scale > 100) throw fieldError('scale', 'cli.bad_scale');
      await withDatabase('kiban demo load', async (d) => {
        const { loadDemo } = await import('../demo/index.ts');
        const { summary } = await loadDemo(d.db, systemClock, { password: loadConfig().demoPassword, scale });
        out(summary);
      });
    });

  const docs = program.command('documents').description('Document register / ドキュメント一覧');
  docs
    .command('seed')
    .description('Load N §3.6.3.1’s documents into the register; rows already there are left alone / 管理対象ドキュメントを登録')
    .action(async () => {
      await withDatabase('kiban documents seed', async (d) => {
        const { seedDocumentRegister } = await import('../documents/index.ts');
        const { inTx } = await import('../db/tx.ts');
        const { added } = await inTx(d.db, (t) => seedDocumentRegister(t, systemClock, systemActor('kiban documents seed')));
        out(added.length ? `Added ${added.length} documents / ${added.length} 件を登録: ${added.join(', ')}` : 'Nothing to add (already registered) / 登録済みです');
      });
    });

  const opsCmd = program.command('operations').description('Operations list / オペレーション一覧');
  opsCmd
    .command('seed')
    .description('Load N’s standard operations into オペレーション一覧; entries already there are left alone / 標準オペレーションを登録')
    .action(async () => {
      await withDatabase('kiban operations seed', async (d) => {
        const { seedOperations } = await import('../operations/index.ts');
        const { inTx } = await import('../db/tx.ts');
        const { added } = await inTx(d.db, (t) => seedOperations(t, systemClock, systemActor('kiban operations seed')));
        out(added.length ? `Added ${added.length} operations / ${added.length} 件を登録: ${added.join(', ')}` : 'Nothing to add (already registered) / 登録済みです');
      });
    });

  const auditCmd = program.command('audit').description('Audit log / 監査ログ');
  auditCmd
    .command('verify')
    .description('Verify the hash chain of the audit log; reports the first broken link / 監査ログの改ざん検査')
    .action(async () => {
      const r = await withDatabase('kiban audit verify', (d) => verifyAuditChain(d.db));
      if (r.ok) {
        out(`OK: ${r.checked} audit records verified, chain intact / 監査ログ ${r.checked} 件、改ざんなし`);
        return;
      }
      throw new ExitError(
        `BROKEN: audit record ${r.brokenAt} (${r.reason}); ${r.checked} records before it are intact / 監査ログ ${r.brokenAt} 番で連鎖が切れています`,
        1,
      );
    });

  const config = (() => {
    try {
      return loadConfig();
    } catch {
      return undefined;
    }
  })();
  registerCalendarCommands(program, {
    calendar: new BusinessCalendar(config?.businessHours ?? {}),
    out,
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ExitError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof DomainError) {
      process.stderr.write(`${translate(e.key, e.params, lang)}\n`);
      for (const [field, f] of Object.entries(e.fields)) process.stderr.write(`  ${field}: ${translate(f.key, f.params, lang)}\n`);
      return 2;
    }
    if (e instanceof ZodError) {
      process.stderr.write(`${translate('error.invalid_input', {}, lang)}\n`);
      for (const [field, f] of Object.entries(zodFields(e.issues))) process.stderr.write(`  ${field}: ${translate(f.key, f.params, lang)}\n`);
      return 2;
    }
    const err = e as Error & { cause?: Error };
    process.stderr.write(`kiban: ${err.message}${err.cause ? ` (${err.cause.message})` : ''}\n`);
    return 1;
  }
}
