/**
 * Whether the server runs in demo mode: /api/demo/status exists only then (src/monitoring/simulator/routes.ts).
 * Asked once when the app loads, with plain fetch (public endpoint; a 404 must not drop the session).
 */
let demo = false;
export const isDemoMode = () => demo;
export const demoModeKnown: Promise<boolean> =
  typeof fetch === 'function'
    ? fetch('/api/demo/status', { credentials: 'same-origin' })
        .then((r) => (r.ok ? (r.json() as Promise<{ demo?: boolean }>) : null))
        .then((b) => {
          demo = b?.demo === true;
          return demo;
        })
        .catch(() => false)
    : Promise.resolve(false);
