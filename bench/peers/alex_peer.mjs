// Time alex (Node) on the benchmark comments: node alex_peer.mjs COMMENTS.jsonl LIMIT
// Run from a folder where `npm install alex` was done. Prints {"alex": comments_per_second}.
import {readFileSync} from 'node:fs'
import {text as alex} from 'alex'

const [path, limit] = process.argv.slice(2)
const texts = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).text)
const few = texts.slice(0, Number(limit))
alex('warm up')
const started = performance.now()
for (const value of few) alex(value)
const seconds = (performance.now() - started) / 1000
console.log(JSON.stringify({alex: few.length / seconds}))
