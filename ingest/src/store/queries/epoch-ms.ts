/**
 * A timestamp column read as epoch milliseconds (a float8 the drivers hand back as a number),
 * for the read models that ship thousands of rows: the drivers parse each timestamptz text into
 * a Date, which cost more than the query itself on the wall's snapshot. Floored to the
 * millisecond, as the drivers' Date is, so the value is exactly `new Date(col).getTime()`; null stays null.
 */
export const epochMs = (col: string): string => `floor(extract(epoch FROM ${col}) * 1000)::float8`;
