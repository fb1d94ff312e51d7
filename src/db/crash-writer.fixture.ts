// Child process for crash.test.ts: writes departments through the real service into a PGlite data
// directory and prints "ACK n" only after each transaction has committed. The test kills it with SIGKILL.
import { systemActor } from '../iam/actor.ts';
import { createIamService } from '../iam/service.ts';
import { systemClock } from '../kernel/clock.ts';
import { openConfigured } from './datadir.ts';

const dir = process.argv[2]!;
const d = await openConfigured({ dataDir: dir }, 'crash writer');
await d.migrate();
const iam = createIamService({ db: d.db, clock: systemClock });
process.stdout.write('READY\n');
for (let i = 0; ; i++) {
  await iam.createDepartment(systemActor('crash writer'), { code: `CRASH-${i}`, name: `クラッシュ試験 ${i}`, kind: 'prefecture' });
  process.stdout.write(`ACK ${i}\n`);
}
