// Constants the command line needs before it loads the engine (help, option ranges), kept in a
// module that imports nothing, so `faultline --help` starts fast. A test checks them against
// the modules that own them.

/** The largest seed (seeds are unsigned 32-bit). */
export const seedMax = 0xffffffff;

/** The scenario `faultline run` runs when none is named (src/scenario/load.ts). */
export const defaultScenarioName = 'default-storm';
