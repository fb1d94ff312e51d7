import { Client, EqualityFilter, InvalidCredentialsError } from 'ldapts';
import type { DirectoryAuthenticator } from './auth.ts';

/**
 * Directory login (LDAP / Active Directory) for people whose account source is 'ldap'. Kiban still
 * keeps the person, their roles and department; the directory only proves the password.
 * Search-then-bind: find the entry with the service account (or anonymously), then bind as it.
 */
export interface LdapConfig {
  url: string;
  /** Where people are searched, e.g. ou=people,dc=pref,dc=lg,dc=jp */
  baseDn: string;
  /** Attribute that holds the Kiban login ID: uid (OpenLDAP) or sAMAccountName (AD). */
  loginAttribute: string;
  bindDn?: string;
  bindPassword?: string;
  timeoutMs?: number;
}

export function createLdapAuthenticator(cfg: LdapConfig): DirectoryAuthenticator {
  const client = () => new Client({ url: cfg.url, timeout: cfg.timeoutMs ?? 5000, connectTimeout: cfg.timeoutMs ?? 5000 });
  return {
    async authenticate(login: string, password: string): Promise<boolean> {
      // An empty password would be an "unauthenticated bind" that many servers accept: never.
      if (!password || !login) return false;
      const search = client();
      let dn: string | undefined;
      try {
        if (cfg.bindDn) await search.bind(cfg.bindDn, cfg.bindPassword ?? '');
        const { searchEntries } = await search.search(cfg.baseDn, {
          scope: 'sub',
          // A filter object, not string concatenation: the login cannot inject filter syntax.
          filter: new EqualityFilter({ attribute: cfg.loginAttribute, value: login }),
          attributes: ['dn'],
          sizeLimit: 2,
        });
        if (searchEntries.length !== 1) return false;
        dn = searchEntries[0]!.dn;
      } finally {
        await search.unbind().catch(() => {});
      }
      const user = client();
      try {
        await user.bind(dn, password);
        return true;
      } catch (e) {
        if (e instanceof InvalidCredentialsError) return false;
        throw e;
      } finally {
        await user.unbind().catch(() => {});
      }
    },
  };
}
