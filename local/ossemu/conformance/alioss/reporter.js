// A mocha reporter that appends one line per test to $OSSEMU_RESULTS:
// suite, signing, test, pass|fail (the format of run.sh's results). The test
// is named by its file and its titles below the file's top describe and the
// signing's "iterate" describe; a failing hook is a failed line of its own.
const fs = require('fs');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL } = Mocha.Runner.constants;

function name(test) {
  const titles = test.titlePath();
  const file = titles[0].replace(/^test\/(node\/)?/, '').replace(/\.test\.js$/, '');
  return [file, ...titles.slice(2)].join(' › ').replace(/\s+/g, ' ');
}

module.exports = function OssemuReporter(runner) {
  Mocha.reporters.Base.call(this, runner);
  const out = process.env.OSSEMU_RESULTS;
  const prefix = `${process.env.OSSEMU_SUITE}\t${process.env.OSSEMU_SIGNATURE_VERSION}\t`;
  runner.on(EVENT_TEST_PASS, test => fs.appendFileSync(out, `${prefix}${name(test)}\tpass\n`));
  runner.on(EVENT_TEST_FAIL, (test, err) => {
    fs.appendFileSync(out, `${prefix}${name(test)}\tfail\n`);
    process.stderr.write(`FAIL ${name(test)}: ${String(err && err.message).split('\n')[0]}\n`);
  });
};
