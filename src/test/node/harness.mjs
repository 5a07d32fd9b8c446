// For NodeScriptTest: reports its arguments and the endpoint it was given, writes a line to
// stderr and exits with the code given (`hang`: never exits, for the timeout).
// Usage: node harness.mjs EXIT_CODE|hang [ARGUMENT...]
import { endpoint, report } from './common.mjs'

const [exit, ...rest] = process.argv.slice(2)
console.error('to stderr')
if (exit === 'hang') {
  setInterval(() => {}, 1000)
} else {
  report({ args: rest, endpoint: endpoint('TARGET') })
  process.exitCode = Number(exit)
}
