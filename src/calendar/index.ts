export {
  BusinessCalendar,
  type BusinessCalendarConfig,
  type BusinessHours,
  type ClosedReason,
  DEFAULT_BUSINESS_HOURS,
  holidayName,
  MAINTENANCE_BUSINESS_HOURS,
} from './calendar.ts';
export { type CalendarCliDeps, registerCalendarCommands } from './cli.ts';
export { HOLIDAY_DATA_RANGE, HOLIDAY_DATA_VERSION } from './holidays.ts';
export { formatJst, parseJstLocal, toJstYmd } from './jst.ts';
export { type CalendarMessageKey, calendarMessages } from './messages.ts';
export { countOffHoursWork, OFF_HOURS_MONTHLY_CAP, offHoursCapExceeded } from './offhours.ts';
