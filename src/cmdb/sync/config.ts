/**
 * Where the vCenter sync connects (CMDB-6/7), read from the environment like the rest of Kiban's
 * deployment settings (src/kernel/config.ts):
 *
 * | variable                  | meaning                                                             |
 * |---------------------------|---------------------------------------------------------------------|
 * | KIBAN_VCENTER_URL         | e.g. `https://vcenter.pref.example.lg.jp/sdk` (unset = no sync)      |
 * | KIBAN_VCENTER_USER        | a read-only SSO user is enough for sync and follow                  |
 * | KIBAN_VCENTER_PASSWORD    | its password                                                        |
 * | KIBAN_VCENTER_INSECURE    | `true` accepts any certificate (lab and simulator only)             |
 * | KIBAN_VCENTER_CA_FILE     | PEM file of the CA (or the self-signed certificate) to trust        |
 * | KIBAN_VCENTER_SITE_ID     | default 設置場所 for datacenters with no site of the same name/code  |
 * | KIBAN_VCENTER_CI_ID       | the vCenter's own CI (管理サーバ, kind vcenter), recorded on VMs     |
 *
 * Without KIBAN_VCENTER_INSECURE or KIBAN_VCENTER_CA_FILE the system's CA store is used.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../../kernel/clock.ts';
import { InputError } from '../../kernel/errors.ts';
import { VsphereClient } from '../vsphere/index.ts';
import './messages.ts';

export interface VcenterConfig {
  url: string;
  username: string;
  password: string;
  insecure: boolean;
  ca?: string;
  siteId?: string;
  vcenterId?: string;
}

const env = z.object({
  KIBAN_VCENTER_URL: z.url({ protocol: /^https?$/ }).optional(),
  KIBAN_VCENTER_USER: z.string().min(1).optional(),
  KIBAN_VCENTER_PASSWORD: z.string().min(1).optional(),
  KIBAN_VCENTER_INSECURE: z.enum(['true', 'false']).default('false'),
  KIBAN_VCENTER_CA_FILE: z.string().min(1).optional(),
  KIBAN_VCENTER_SITE_ID: z.uuid().optional(),
  KIBAN_VCENTER_CI_ID: z.uuid().optional(),
});

/** The vCenter settings, or null when KIBAN_VCENTER_URL is not set (the sync is off). */
export function loadVcenterConfig(vars: Record<string, string | undefined> = process.env): VcenterConfig | null {
  const cleaned = Object.fromEntries(Object.entries(vars).filter(([k, v]) => k.startsWith('KIBAN_VCENTER_') && v !== ''));
  const parsed = env.safeParse(cleaned);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), { key: 'error.config_value', params: { detail: i.message } }]));
    throw new InputError('error.config', {}, fields);
  }
  const e = parsed.data;
  if (!e.KIBAN_VCENTER_URL) return null;
  const missing = [!e.KIBAN_VCENTER_USER && 'KIBAN_VCENTER_USER', !e.KIBAN_VCENTER_PASSWORD && 'KIBAN_VCENTER_PASSWORD'].filter(Boolean);
  if (missing.length) throw new InputError('vcenter.config_incomplete', { missing: missing.join(', ') });
  return {
    url: e.KIBAN_VCENTER_URL,
    username: e.KIBAN_VCENTER_USER as string,
    password: e.KIBAN_VCENTER_PASSWORD as string,
    insecure: e.KIBAN_VCENTER_INSECURE === 'true',
    ca: e.KIBAN_VCENTER_CA_FILE ? readFileSync(e.KIBAN_VCENTER_CA_FILE, 'utf8') : undefined,
    siteId: e.KIBAN_VCENTER_SITE_ID,
    vcenterId: e.KIBAN_VCENTER_CI_ID,
  };
}

/** A client factory for createVcenterSync: each call logs in afresh (keep-alive on). */
export function vcenterConnector(config: VcenterConfig, clock?: Clock): () => Promise<VsphereClient> {
  return () =>
    VsphereClient.connect({
      url: config.url,
      username: config.username,
      password: config.password,
      ...(config.insecure ? { insecure: true } : config.ca ? { ca: config.ca } : {}),
      clock,
    });
}
