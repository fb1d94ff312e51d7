/** `kiban calendar …` sub-commands: thin wrappers that parse JST input and print one line. */
import type { Command } from 'commander';
import type { BusinessCalendar } from './calendar.ts';
import { calendarInputError, formatJst, parseJstLocal } from './jst.ts';

export interface CalendarCliDeps {
  readonly calendar: BusinessCalendar;
  readonly out: (line: string) => void;
}

function parseHours(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw calendarInputError('hours', 'calendar.bad_hours', { value });
  return Number(value);
}

export function registerCalendarCommands(program: Command, deps: CalendarCliDeps): Command {
  const { calendar, out } = deps;
  const cmd = program
    .command('calendar')
    .description(
      `Business calendar (${calendar.open}–${calendar.close} JST, holiday data ${calendar.coveredYears.from}–${calendar.coveredYears.to}) / 業務日・開庁時間カレンダー`,
    );

  cmd
    .command('is-business-day')
    .description('Print true if the date is a business day, else false / 業務日（開庁日）なら true を表示')
    .argument('<date>', 'date YYYY-MM-DD / 日付')
    .action((date: string) => {
      out(String(calendar.isBusinessDay(date)));
    });

  cmd
    .command('next-opening')
    .description(
      'Print the time itself if within business hours, else the next opening (JST) / 開庁時間内ならその時刻、時間外なら次の開庁時刻を表示',
    )
    .argument('<datetime>', 'JST wall time YYYY-MM-DDTHH:mm / 日本時間の日時')
    .action((datetime: string) => {
      out(formatJst(calendar.nextOpening(parseJstLocal(datetime, 'datetime'))));
    });

  cmd
    .command('add-business-hours')
    .description('Add business hours to a JST time, counting only business time / 業務時間のみを数えて時間を加算')
    .argument('<datetime>', 'JST wall time YYYY-MM-DDTHH:mm / 日本時間の日時')
    .argument('<hours>', 'hours, fractions allowed (e.g. 1.5) / 時間数（小数可）')
    .action((datetime: string, hours: string) => {
      const start = parseJstLocal(datetime, 'datetime');
      out(formatJst(calendar.addBusinessHours(start, parseHours(hours))));
    });

  return cmd;
}
