/** Message keys used by the calendar module, for merging into the app's message catalogue. */
export const calendarMessages = {
  ja: {
    'calendar.bad_date': '日付の形式が正しくありません（YYYY-MM-DD）: {value}',
    'calendar.bad_datetime': '日時の形式が正しくありません（YYYY-MM-DDTHH:mm、日本時間）: {value}',
    'calendar.bad_instant': '日時が正しくありません: {value}',
    'calendar.bad_time': '{field} の時刻の形式が正しくありません（HH:mm）: {value}',
    'calendar.close_not_after_open': '終了時刻（{close}）は開始時刻（{open}）より後にしてください',
    'calendar.bad_hours': '時間数は 0 以上の数値で指定してください: {value}',
    'calendar.bad_month': '年月の形式が正しくありません（YYYY-MM）: {value}',
    'calendar.bad_cap': '上限回数は 0 以上の整数で指定してください: {value}',
    'calendar.out_of_range': '{value} は祝日データの対象期間（{from}年〜{to}年）外のため判定できません',
  },
  en: {
    'calendar.bad_date': 'Invalid date (expected YYYY-MM-DD): {value}',
    'calendar.bad_datetime': 'Invalid date-time (expected YYYY-MM-DDTHH:mm, Japan time): {value}',
    'calendar.bad_instant': 'Invalid date-time: {value}',
    'calendar.bad_time': 'Invalid {field} time (expected HH:mm): {value}',
    'calendar.close_not_after_open': 'Closing time ({close}) must be after opening time ({open})',
    'calendar.bad_hours': 'Hours must be a number of 0 or more: {value}',
    'calendar.bad_month': 'Invalid month (expected YYYY-MM): {value}',
    'calendar.bad_cap': 'The cap must be a whole number of 0 or more: {value}',
    'calendar.out_of_range': 'Cannot tell for {value}: the holiday data covers only {from}–{to}',
  },
} as const satisfies { ja: Record<string, string>; en: Record<string, string> };

export type CalendarMessageKey = keyof typeof calendarMessages.ja;
