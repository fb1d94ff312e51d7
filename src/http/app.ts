import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { auditRoutes } from '../audit/routes.ts';
import { cmdbRoutes, cmdbSearcher, createCmdbService } from '../cmdb/index.ts';
import { createRvtoolsImport, rvtoolsRoutes } from '../cmdb/rvtools/index.ts';
import { type Db, pingDatabase } from '../db/connection.ts';
import { configureFiles } from '../files/index.ts';
import { createAuthService, type DirectoryAuthenticator } from '../iam/auth.ts';
import { iamRoutes } from '../iam/routes.ts';
import { createIamService } from '../iam/service.ts';
import { createIncidentService, incidentRoutes } from '../incidents/index.ts';
import { notifyRoutes } from '../notify/index.ts';
import { createProblemService, problemRoutes } from '../problems/index.ts';
import { releaseRoutes } from '../changes/release-routes.ts';
import { createMonitoringService, monitoringRoutes } from '../monitoring/index.ts';
import { changeRoutes, createChangeService } from '../changes/index.ts';
import { changeTaskRoutes } from '../changes/task-routes.ts';
import { documentRoutes } from '../documents/index.ts';
import { createServiceLevelService, serviceLevelRoutes } from '../servicelevels/index.ts';
import { meetingRoutes } from '../meetings/index.ts';
import { createReportService, reportRoutes } from '../reports/index.ts';
import { createHalfYearService, halfYearRoutes } from '../reports/halfyear.ts';
import { operationRoutes } from '../operations/index.ts';
import { createPortalService, portalRoutes } from '../portal/index.ts';
import { createWorkbench, workbenchRoutes } from '../workbench/index.ts';
import { mountZabbixWebhook } from '../monitoring/zabbix-server/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { type Config, loadConfig } from '../kernel/config.ts';
import { errorHandler, notFoundBody } from './errors.ts';
import { registerBoundaryHooks } from './boundary.ts';
import { registerSessionHooks } from './session.ts';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface AppDeps {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  clock: Clock;
  config: Pick<Config, 'session' | 'secureCookies' | 'trustProxy' | 'logLevel'> &
    Partial<Pick<Config, 'zabbix' | 'platformName' | 'businessHours' | 'mail' | 'files' | 'releases' | 'serviceLevels' | 'operations'>>;
  directory?: DirectoryAuthenticator;
  /** Serve the built web UI (off in API tests). */
  serveWeb?: boolean;
  /** Login attempts per client address and minute, on top of the per-account lockout (default 20). */
  loginRatePerMinute?: number;
  logger?: boolean;
}

/**
 * The composition root: builds each module's services from plain dependencies and mounts its routes.
 * Modules never import each other's routes; they meet here.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger === false ? false : { level: deps.config.logLevel },
    bodyLimit: 256 * 1024,
    trustProxy: deps.config.trustProxy,
    // Our own request ids are not needed; pino's default is fine.
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // The API speaks JSON only: anything else is 415, not a string handed to the validators.
  app.removeContentTypeParser('text/plain');

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Kiban API', description: 'Kiban (基盤) operations-management API', version: '0.1.0' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  configureFiles(deps.config.files); // the upload limit every module's upload path applies (KIBAN_FILE_MAX_MIB)
  const iam = createIamService({ db: deps.db, clock: deps.clock });
  const auth = createAuthService({
    db: deps.db,
    clock: deps.clock,
    iam,
    policy: { idleMinutes: deps.config.session.idleMinutes, absoluteHours: deps.config.session.absoluteHours },
    directory: deps.directory,
  });
  registerSessionHooks(app, auth);
  // NUL and control characters in any text: 400 naming the field, before the schemas (boundary.ts).
  registerBoundaryHooks(app);

  app.get('/api/health', { config: { public: true }, schema: { tags: ['system'] } }, async (_req, reply) => {
    try {
      const latencyMs = await pingDatabase(deps.db);
      return { status: 'ok', db: { kind: deps.dbKind, ok: true, latencyMs } };
    } catch {
      return reply.status(503).send({ status: 'degraded', db: { kind: deps.dbKind, ok: false } });
    }
  });
  iamRoutes(app, { iam, auth, secureCookies: deps.config.secureCookies, loginRatePerMinute: deps.loginRatePerMinute });
  auditRoutes(app, { db: deps.db });
  notifyRoutes(app, { db: deps.db });
  cmdbRoutes(app, { cmdb: createCmdbService({ db: deps.db, clock: deps.clock }) });
  await rvtoolsRoutes(app, { rvtools: createRvtoolsImport({ db: deps.db, clock: deps.clock, cmdb: createCmdbService({ db: deps.db, clock: deps.clock }) }) });
  // Mail names as N prints them, from config: incident mails 【第三期サーバ仮想基盤障害発生】 (KIBAN_MAIL_PLATFORM_NAME),
  // every other mail 【第三期サーバ仮想化統合基盤】 (KIBAN_PLATFORM_NAME) — the problem's 予防保守情報 report too.
  // Not configured (tests): the config's own defaults, so the names live in one place (src/kernel/config.ts).
  const names = deps.config.platformName && deps.config.mail?.platformName ? null : loadConfig({});
  const platformName = deps.config.platformName ?? names!.platformName;
  const incidentPlatformName = deps.config.mail?.platformName ?? names!.mail.platformName;
  incidentRoutes(app, { incidents: createIncidentService({ db: deps.db, clock: deps.clock, platformName: incidentPlatformName }) });
  problemRoutes(app, { problems: createProblemService({ db: deps.db, clock: deps.clock, platformName }) });
  monitoringRoutes(app, { monitoring: createMonitoringService({ db: deps.db, clock: deps.clock }) });
  await documentRoutes(app, { db: deps.db, clock: deps.clock, platformName: deps.config.platformName }); // ドキュメント一覧 and its revisions (DOC-1/2), a change's documents
  await meetingRoutes(app, { db: deps.db, clock: deps.clock, platformName: deps.config.platformName }); // 会議体: meetings, minutes, decisions, action items (ORG-6)
  changeRoutes(app, { changes: createChangeService({ db: deps.db, clock: deps.clock }) }); // 変更管理台帳 and the change process (CHG-1)
  changeTaskRoutes(app, { db: deps.db, clock: deps.clock }); // the change checklist and the scale-up/out policy (CHG-5/6/8)
  await releaseRoutes(app, {
    db: deps.db,
    clock: deps.clock,
    platformName: deps.config.platformName,
    approvalLeadBusinessDays: deps.config.releases?.approvalLeadBusinessDays,
    overrunCeilingHours: deps.config.releases?.overrunCeilingHours,
  }); // リリース作業, maintenance days, 変更スケジュール (CHG-2/3/7, CAL-4)
  serviceLevelRoutes(app, {
    serviceLevels: createServiceLevelService({ db: deps.db, clock: deps.clock, firstResponseMinutes: deps.config.serviceLevels?.firstResponseMinutes }),
  }); // 稼働率・品質指標・品質目標・サービスメニュー (SLM-3/4/5/8)
  reportRoutes(app, { reports: createReportService({ db: deps.db, clock: deps.clock }) }); // 月次報告 (SLM-6)
  halfYearRoutes(app, { halfYear: createHalfYearService({ db: deps.db, clock: deps.clock }) }); // 半期報告 (SLM-7)
  await portalRoutes(app, { portal: createPortalService({ db: deps.db, clock: deps.clock }) }); // owners' portal: templates, OS allow-list, 統合計画書 (OPS-3/4/7)
  operationRoutes(app, { db: deps.db, clock: deps.clock, businessHours: deps.config.businessHours, restoreDueBusinessDays: deps.config.operations?.restoreDueBusinessDays }); // オペレーション一覧 and its changes (OPS-1), restore requests (BAK-5), licences (OPS-8)
  // The workbench reads every process defined on the kernel (their modules are imported above) and
  // searches the CMDB's CIs through the one searcher it is handed here.
  workbenchRoutes(app, { workbench: createWorkbench({ db: deps.db, clock: deps.clock, searchers: [cmdbSearcher] }) });

  // Zabbix's webhook media type (KIBAN_ZABBIX_WEBHOOK_SECRET): public route, checked by its shared secret.
  const zabbixSecret = deps.config.zabbix?.webhookSecret;
  if (zabbixSecret) {
    mountZabbixWebhook(app, {
      db: deps.db,
      clock: deps.clock,
      secret: zabbixSecret,
      businessHours: deps.config.businessHours,
      platformName: deps.config.platformName,
      incidentPlatformName: deps.config.mail?.platformName,
    });
  }

  const webDist = deps.serveWeb !== false && existsSync(WEB_DIST) ? WEB_DIST : undefined;
  if (webDist) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      // The build writes .br/.gz beside each asset (web/vite.config.ts); sent when the browser accepts them.
      preCompressed: true,
      // Hashed asset names never change content: cached for a year. index.html is asked for again every time.
      setHeaders: (reply, path) => reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }
  app.setNotFoundHandler((req, reply) => {
    // A missing /assets/ file (a page from before a new build asking for its old chunk) is a 404, never the page as JS.
    if (req.url.startsWith('/api/') || req.url.startsWith('/assets/') || !webDist || req.method !== 'GET') {
      return reply.status(404).send(notFoundBody(req));
    }
    // Client-side routes of the single-page app.
    return reply.sendFile('index.html');
  });
  return app;
}
