import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import { createEgress, type Egress } from '../egress.ts';
import type { Checks } from '../model.ts';
import { monitoringItems, monitoringTargets } from '../schema.ts';
import { createSmtpTransport } from '../../notify/transport.ts';
import { type MailCatcher, startMailCatcher } from './catcher.ts';
import { simulatedChecks } from './checks.ts';
import { type SimTarget, type Simulator, type SimulatorOptions, startSimulator } from './simulator.ts';

/**
 * What a demo start runs beside Kiban (issue 13 item 4): the simulator of the demo estate on loopback,
 * the monitoring egress that maps the estate's fictional addresses to it and refuses everything
 * outside 127.0.0.0/8, the checks that go through that egress, and the mail catcher the outbox
 * delivers to. Kiban's monitoring settings and CMDB are read, never changed.
 */
export interface DemoLive {
  simulator: Simulator;
  egress: Egress;
  checks: Checks;
  catcher: MailCatcher;
  /** Where the outbox sends in demo mode: the catcher. */
  smtp: { host: string; port: number; secure: false; ignoreTLS: true };
  stop(): Promise<void>;
}

/** The monitored targets and their items, as the simulator needs them. */
export async function simulatedEstate(db: Db): Promise<SimTarget[]> {
  const rows = await db
    .select({ target: monitoringTargets, item: monitoringItems })
    .from(monitoringTargets)
    .leftJoin(monitoringItems, eq(monitoringItems.targetId, monitoringTargets.id))
    .orderBy(asc(monitoringTargets.name), asc(monitoringItems.key));
  const out = new Map<string, SimTarget>();
  for (const { target: t, item: i } of rows) {
    let s = out.get(t.id);
    if (!s) {
      s = { name: t.name, address: t.address, hostName: t.hostName, agentPort: t.agentPort, items: [], faultable: t.ciType === 'vm' };
      out.set(t.id, s);
    }
    if (i) s.items.push({ type: i.type, key: i.key, params: i.params, businessHoursOnly: i.businessHoursOnly, collect: i.collect, enabled: i.enabled });
  }
  return [...out.values()];
}

export async function startDemoLive(deps: {
  db: Db;
  clock: Clock;
  log?: (line: string) => void;
  seed?: number;
  faults?: SimulatorOptions['faults'];
  catcherNow?: () => Date;
}): Promise<DemoLive> {
  const simulator = await startSimulator({ clock: deps.clock, targets: await simulatedEstate(deps.db), seed: deps.seed, faults: deps.faults });
  let catcher: MailCatcher;
  try {
    catcher = await startMailCatcher({ now: deps.catcherNow ?? (() => deps.clock.now()) });
  } catch (e) {
    await simulator.close();
    throw e;
  }
  const egress = createEgress({ loopbackOnly: true, resolve: (h, p) => simulator.resolve(h, p), log: deps.log });
  return {
    simulator,
    egress,
    checks: simulatedChecks(egress),
    catcher,
    smtp: { host: catcher.host, port: catcher.port, secure: false, ignoreTLS: true },
    async stop() {
      await simulator.close();
      await catcher.close();
    },
  };
}

/**
 * What a demo start changes in the background jobs, and nothing else: monitoring on (against the
 * simulator, through the egress), mail to the catcher. Outside demo mode the start does not call this.
 */
export function demoWorkerOptions<C extends { monitoring?: { enabled: boolean; senderPort: number; plannedStopKeepsMonitoring: boolean } }>(
  live: DemoLive,
  config: C,
) {
  const monitoring = { senderPort: 0, plannedStopKeepsMonitoring: false, ...config.monitoring, enabled: true };
  return { config: { ...config, monitoring }, monitoringChecks: live.checks, transport: createSmtpTransport(live.smtp) };
}
