import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { InputError } from './errors.ts';
import { translate } from './messages.ts';

const configError = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof InputError) return Object.fromEntries(Object.entries(e.fields).map(([k, f]) => [k, translate(f.key, f.params, 'en')]));
    throw e;
  }
  throw new Error('no config error');
};

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', mode: 'production', monitoring: { enabled: false, senderPort: 10051 } });
    expect(c.zabbix).toBeUndefined();
  });

  it('reads the Zabbix server settings: API URL and token, webhook secret, pull interval (default 60 s)', () => {
    const c = loadConfig({
      KIBAN_ZABBIX_URL: 'https://zabbix.pref.example.lg.jp/zabbix/api_jsonrpc.php',
      KIBAN_ZABBIX_TOKEN: 'a'.repeat(64),
      KIBAN_ZABBIX_WEBHOOK_SECRET: 'a-shared-secret-of-32-characters',
    });
    expect(c.zabbix).toEqual({
      api: { url: 'https://zabbix.pref.example.lg.jp/zabbix/api_jsonrpc.php', token: 'a'.repeat(64) },
      pullSeconds: 60,
      webhookSecret: 'a-shared-secret-of-32-characters',
    });
    expect(loadConfig({ KIBAN_ZABBIX_URL: 'http://zbx/', KIBAN_ZABBIX_TOKEN: 't', KIBAN_ZABBIX_PULL_SECONDS: '15' }).zabbix).toEqual({
      api: { url: 'http://zbx/', token: 't' },
      pullSeconds: 15,
      webhookSecret: undefined,
    });
    // Webhook only (no API): the route is mounted, nothing is pulled.
    expect(loadConfig({ KIBAN_ZABBIX_WEBHOOK_SECRET: '0123456789abcdef' }).zabbix).toEqual({ api: undefined, pullSeconds: 60, webhookSecret: '0123456789abcdef' });
    // Empty variables count as unset.
    expect(loadConfig({ KIBAN_ZABBIX_URL: '', KIBAN_ZABBIX_TOKEN: '', KIBAN_ZABBIX_WEBHOOK_SECRET: '' }).zabbix).toBeUndefined();
  });

  it('refuses a webhook secret shorter than 16 characters with a message naming the setting', () => {
    const fields = configError({ KIBAN_ZABBIX_WEBHOOK_SECRET: 'short-secret' });
    expect(Object.keys(fields)).toEqual(['KIBAN_ZABBIX_WEBHOOK_SECRET']);
    expect(fields.KIBAN_ZABBIX_WEBHOOK_SECRET).toMatch(/at least 16 characters/);
    expect(loadConfig({ KIBAN_ZABBIX_WEBHOOK_SECRET: 'x'.repeat(16) }).zabbix?.webhookSecret).toBe('x'.repeat(16));
  });

  it('refuses half an API configuration, a URL that is not http(s) and an absurd pull interval', () => {
    expect(configError({ KIBAN_ZABBIX_URL: 'http://zbx/api_jsonrpc.php' })).toEqual({ KIBAN_ZABBIX_TOKEN: 'required with KIBAN_ZABBIX_URL' });
    expect(configError({ KIBAN_ZABBIX_TOKEN: 'abc' })).toEqual({ KIBAN_ZABBIX_URL: 'required with KIBAN_ZABBIX_TOKEN' });
    expect(Object.keys(configError({ KIBAN_ZABBIX_URL: 'ftp://zbx/', KIBAN_ZABBIX_TOKEN: 't' }))).toEqual(['KIBAN_ZABBIX_URL']);
    expect(Object.keys(configError({ KIBAN_ZABBIX_URL: 'http://zbx/', KIBAN_ZABBIX_TOKEN: 't', KIBAN_ZABBIX_PULL_SECONDS: '0' }))).toEqual(['KIBAN_ZABBIX_PULL_SECONDS']);
    expect(Object.keys(configError({ KIBAN_ZABBIX_PULL_SECONDS: 'often' }))).toEqual(['KIBAN_ZABBIX_PULL_SECONDS']);
  });
});
