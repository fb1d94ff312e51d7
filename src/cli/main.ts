import { main } from './program.ts';

const code = await main(process.argv);
// `start` keeps serving; every other command ends here.
if (code !== 0 || process.argv[2] !== 'start') process.exit(code);
