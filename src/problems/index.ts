import { registerMessages } from '../kernel/messages.ts';
import { problemMessages } from './messages.ts';

registerMessages(problemMessages);

export { problemInput, problemListQuery } from './inputs.ts';
export { problemMessages } from './messages.ts';
export { type Problem, problemProcess } from './process.ts';
export { problemRoutes } from './routes.ts';
export * from './schema.ts';
export { createProblemService, type ProblemDeps, type ProblemService } from './service.ts';
