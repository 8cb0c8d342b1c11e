// The results feature's API for other features and use cases (they import nothing else of it).
export { lockUnitDataExclusive, lockUnitDataShared } from "./results.locks.js";
export { forgetUnits } from "./results.units.js";
