import { registerMessages } from '../kernel/messages.ts';
import { halfYearMessages } from './halfyear-messages.ts';

registerMessages(halfYearMessages);

/** 半期報告 (SLM-7): the public part, re-exported by src/reports/index.ts. */
export { assembleHalfYear, halfOf, halfPeriod, type HalfYearData } from './halfyear-data.ts';
export { halfYearPdf, halfYearSections, halfYearXlsx } from './halfyear-output.ts';
export { type HalfYearReport, halfYearReportProcess } from './halfyear-process.ts';
export { halfYearRoutes } from './halfyear-routes.ts';
export { EMPTY_HALFYEAR_TEXTS, halfYearReports, type HalfYearTexts } from './halfyear-schema.ts';
export { createHalfYearService, type HalfYearService } from './halfyear-service.ts';
