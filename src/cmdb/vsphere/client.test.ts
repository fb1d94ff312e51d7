import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeepAliveScheduler, VsphereClient, type VsphereClientOptions } from './client.ts';
import { InvalidLoginError, VsphereError } from './errors.ts';
import { startVcsim, type Vcsim } from './testing.ts';
import { el, refEl } from './xml.ts';

let sim: Vcsim;
const clients: VsphereClient[] = [];

function options(overrides: Partial<VsphereClientOptions> = {}): VsphereClientOptions {
  return {
    url: sim.sdkUrl,
    username: sim.username,
    password: sim.password,
    ca: sim.certificatePem,
    keepAlive: false,
    ...overrides,
  };
}

async function connect(overrides: Partial<VsphereClientOptions> = {}): Promise<VsphereClient> {
  const client = await VsphereClient.connect(options(overrides));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  sim = await startVcsim();
}, 240_000); // the first Go build of the simulator takes a minute or more

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  if (sim) expect(await sim.stop()).toBe(0); // a clean exit: stdin closed, temp datastores removed
});

describe('logging in to vCenter', () => {
  it('opens a session with the right credentials and reads what vCenter this is', async () => {
    const client = await connect();
    expect(client.session?.key).toMatch(/\S/);
    expect(client.session?.userName).toBe(sim.username);
    expect(client.serviceContent.about.apiType).toBe('VirtualCenter');
    expect(client.serviceContent.about.fullName).toContain('vCenter');
    expect((await client.currentTime()).getTime()).not.toBeNaN();
  });

  it('refuses a wrong password with an InvalidLoginError', async () => {
    const attempt = VsphereClient.connect(options({ password: `${sim.password}-wrong` }));
    await expect(attempt).rejects.toBeInstanceOf(InvalidLoginError);
    await expect(VsphereClient.connect(options({ username: 'nobody' }))).rejects.toMatchObject({ code: 'invalid_login', faultType: 'InvalidLogin' });
  });

  it('refuses a password with characters that need escaping only if it is wrong', async () => {
    // The XML must carry the password verbatim: a mangled one would be rejected the same way.
    await expect(VsphereClient.connect(options({ password: `<&>"' パス` }))).rejects.toBeInstanceOf(InvalidLoginError);
  });

  it('does not trust the self-signed certificate unless told to', async () => {
    const untrusted = VsphereClient.connect(options({ ca: undefined }));
    await expect(untrusted).rejects.toMatchObject({ code: 'tls' });
    const insecure = await connect({ ca: undefined, insecure: true });
    expect(insecure.session).not.toBeNull();
  });

  it('says the server is unreachable when nothing listens', async () => {
    const attempt = VsphereClient.connect(options({ url: 'https://127.0.0.1:1/sdk' }));
    await expect(attempt).rejects.toMatchObject({ code: 'connection' });
  });

  it('logs out, after which the old session is no longer active', async () => {
    const admin = await connect();
    const client = new VsphereClient(options());
    const session = await client.login();
    expect(await admin.sessionIsActive(session.key, sim.username)).toBe(true);
    await client.close();
    expect(client.session).toBeNull();
    expect(await admin.sessionIsActive(session.key, sim.username)).toBe(false);
  });
});

describe('reading the inventory', () => {
  it('finds exactly the datacenters, clusters, hosts, datastores, pools and VMs the simulator built', async () => {
    const inv = await (await connect()).inventory();
    expect(Object.keys(inv.datacenters)).toHaveLength(sim.counts.datacenter);
    expect(Object.keys(inv.clusters)).toHaveLength(sim.counts.cluster);
    expect(Object.keys(inv.hosts)).toHaveLength(sim.counts.host);
    expect(Object.keys(inv.datastores)).toHaveLength(sim.counts.datastore);
    expect(Object.keys(inv.resourcePools)).toHaveLength(sim.counts.resourcePool);
    expect(Object.keys(inv.vms)).toHaveLength(sim.counts.vm);
    expect(inv.about.apiType).toBe('VirtualCenter');
  });

  it('links every record to records that exist, with the hardware figures filled in', async () => {
    const inv = await (await connect()).inventory();
    for (const cluster of Object.values(inv.clusters)) {
      expect(inv.datacenters[cluster.datacenter ?? '']).toBeDefined();
      expect(cluster.hosts.length).toBeGreaterThan(0);
      expect(cluster.numHosts).toBe(cluster.hosts.length);
      for (const h of cluster.hosts) expect(inv.hosts[h]?.cluster).toBe(cluster.moref);
    }
    const clustered = Object.values(inv.hosts).filter((h) => h.cluster !== null);
    expect(clustered).toHaveLength(Object.values(inv.clusters).reduce((n, c) => n + c.hosts.length, 0));
    for (const host of Object.values(inv.hosts)) {
      expect(inv.datacenters[host.datacenter ?? '']).toBeDefined();
      expect(host.name).toMatch(/\S/);
      expect(host.cpuCores).toBeGreaterThan(0);
      expect(host.memoryBytes).toBeGreaterThan(0);
      expect(host.connectionState).toBe('connected');
      expect(host.powerState).toBe('poweredOn');
      expect(host.productFullName).toContain('ESX');
      for (const ds of host.datastores) expect(inv.datastores[ds]).toBeDefined();
    }
    for (const ds of Object.values(inv.datastores)) {
      expect(inv.datacenters[ds.datacenter ?? '']).toBeDefined();
      expect(ds.capacityBytes).toBeGreaterThan(0);
      expect(ds.freeSpaceBytes).not.toBeNull();
    }
    const instanceUuids = new Set<string>();
    for (const vm of Object.values(inv.vms)) {
      const host = inv.hosts[vm.host ?? ''];
      expect(host).toBeDefined();
      expect(vm.cluster).toBe(host?.cluster);
      expect(vm.datacenter).toBe(host?.datacenter);
      expect(inv.resourcePools[vm.resourcePool ?? '']).toBeDefined();
      expect(vm.instanceUuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(vm.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(vm.numCpu).toBeGreaterThan(0);
      expect(vm.memoryMB).toBeGreaterThan(0);
      expect(vm.guestFullName).toMatch(/\S/);
      expect(vm.powerState).toBe('poweredOn');
      expect(vm.template).toBe(false);
      for (const ds of vm.datastores) expect(inv.datastores[ds]).toBeDefined();
      instanceUuids.add(vm.instanceUuid ?? '');
    }
    expect(instanceUuids.size).toBe(sim.counts.vm);
  });

  it('says which object is missing when asked for one that does not exist', async () => {
    const client = await connect();
    const missing = client.relocateVm('vm-does-not-exist', 'host-21');
    await expect(missing).rejects.toMatchObject({ code: 'not_found', faultType: 'ManagedObjectNotFound' });
  });
});

describe('keeping the session', () => {
  it('logs in again by itself after an administrator terminates its session', async () => {
    const admin = await connect();
    const client = await connect();
    const before = client.session?.key ?? '';
    const generation = client.sessionGeneration;
    await admin.terminateSessions([before]);
    expect(await admin.sessionIsActive(before, sim.username)).toBe(false);

    const inv = await client.inventory();
    expect(Object.keys(inv.vms)).toHaveLength(sim.counts.vm);
    expect(client.sessionGeneration).toBe(generation + 1);
    expect(client.session?.key).not.toBe(before);
    expect(await admin.sessionIsActive(client.session?.key ?? '', sim.username)).toBe(true);
  });

  it('treats a property read answered "not authenticated" as a lost session', async () => {
    // vCenter answers a read without a session with per-property NotAuthenticated, not a fault.
    const admin = await connect();
    const client = await connect();
    await admin.terminateSessions([client.session?.key ?? '']);
    const root = client.serviceContent.rootFolder;
    const objects = await client.retrieveProperties(
      el('specSet', [el('propSet', [el('type', 'Folder'), el('pathSet', 'name')]), el('objectSet', refEl('obj', root))]),
    );
    expect(objects[0]?.props.get('name')).toBe('Datacenters');
    expect(objects[0]?.missing).toEqual([]);
  });

  it('logs in on demand once, and surfaces a wrong password instead of retrying', async () => {
    // As after a password change: no session, and the configured password no longer works.
    const broken = new VsphereClient(options({ password: 'changed' }));
    clients.push(broken);
    await broken.retrieveServiceContent();
    await expect(broken.currentTime()).rejects.toBeInstanceOf(InvalidLoginError);
    expect(broken.sessionGeneration).toBe(0);
  });

  it('keeps the session alive on the injected schedule and recovers a lost one from the tick', async () => {
    const ticks: { tick: () => Promise<void>; ms: number }[] = [];
    let cleared = 0;
    const scheduler: KeepAliveScheduler = {
      setInterval(tick, ms) {
        ticks.push({ tick, ms });
        return ticks.length;
      },
      clearInterval() {
        cleared += 1;
      },
    };
    const errors: unknown[] = [];
    const admin = await connect();
    const client = await connect({ keepAlive: { intervalMs: 5 * 60_000, scheduler, onError: (e) => errors.push(e) } });
    expect(ticks).toHaveLength(1);
    expect(ticks[0]?.ms).toBe(5 * 60_000);

    await ticks[0]?.tick();
    expect(client.sessionGeneration).toBe(1);

    await admin.terminateSessions([client.session?.key ?? '']);
    await ticks[0]?.tick();
    expect(errors).toEqual([]);
    expect(client.sessionGeneration).toBe(2);
    expect(await admin.sessionIsActive(client.session?.key ?? '', sim.username)).toBe(true);

    await client.close();
    expect(cleared).toBe(1);
  });
});

describe('errors', () => {
  it('are VsphereErrors with a code an operator message can be chosen from', async () => {
    const err = await VsphereClient.connect(options({ password: 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VsphereError);
    expect((err as VsphereError).code).toBe('invalid_login');
  });
});
