export interface HalfYearData {
  half: string;
}
