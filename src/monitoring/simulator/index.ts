// The demo estate's simulator (issue 13 item 4): loopback agents and web servers, the mail catcher, demo routes.
export { type CaughtMail, type MailCatcher, startMailCatcher } from './catcher.ts';
export { SimulatedAliveCheck, simulatedChecks } from './checks.ts';
export { cpuPercent, diskPercent, type Fault, type FaultKind, memoryAvailablePercent, scheduledFault, seededRandom } from './curves.ts';
export { type DemoLive, demoWorkerOptions, simulatedEstate, startDemoLive } from './live.ts';
export { demoRoutes } from './routes.ts';
export { type SimTarget, type SimulatedHost, type Simulator, startSimulator } from './simulator.ts';
