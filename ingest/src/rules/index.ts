export { HISTORY_DAYS, RulesEngine, recordTime, type RulesEngineOptions, type RulesEngineStats } from './engine';
export { rulesRegionOf, withNewGridsSince, type RulesRegion, type RulesGrid } from './region';
export { makeWorkCalendar, addWorkingDays, addWorkingTime, workingTimeBetween, isWorkingDay, type WorkCalendar } from './workCalendar';
export { warningId } from './warningBook';
