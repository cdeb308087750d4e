// Mocha's spec reporter plus one plain closing line, "N passed, N failed[, N skipped]", which CI systems
// (and ours) read to tell "ran tests" from "ran nothing".
"use strict";
const Mocha = require("mocha");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const skipped = s.pending ? `, ${s.pending} skipped` : "";
      console.log(`tests: ${s.passes || 0} passed, ${s.failures || 0} failed${skipped}`);
    });
  }
}
module.exports = SummaryReporter;
