// What the scripts share: the endpoints NodeScript passes as environment variables, the JSON line
// a script prints to report what it observed, and a few node-postgres shorthands.
import pg from 'pg'

/** The connection settings of endpoint `name` (POOLER_HOST, POOLER_PORT, ...), as both drivers take them. */
export function endpoint(name) {
  const setting = key => {
    const v = process.env[`${name}_${key}`]
    if (v === undefined && key !== 'PASSWORD') {
      throw new Error(`${name}_${key} is not set: run the script through io.pgagroal.testing.NodeScript`)
    }
    return v
  }
  return {
    host: setting('HOST'),
    port: Number(setting('PORT')),
    user: setting('USER'),
    password: setting('PASSWORD'),
    database: setting('DATABASE')
  }
}

/** Prints what the script observed as the last line of its output, for NodeScript.report. */
export function report(observed) {
  console.log(JSON.stringify(observed))
}

/** The outcome of `action`: its value, or the error it threw (as text), so that the test can assert on it. */
export async function outcome(action) {
  try {
    return { value: await action() }
  } catch (e) {
    return { error: `${e.name}: ${e.message}${e.code ? ` (${e.code})` : ''}` }
  }
}

/** Connects a node-postgres client with `config`, runs `action` with it and disconnects. */
export async function withClient(config, action) {
  const client = new pg.Client(config)
  await client.connect()
  try {
    return await action(client)
  } finally {
    await client.end()
  }
}

/** The single value of the first row of `query`'s result. */
export async function value(client, query, parameters) {
  const result = await client.query({ text: query, values: parameters, rowMode: 'array' })
  return result.rows[0][0]
}
